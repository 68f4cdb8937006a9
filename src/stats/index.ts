import type { Models } from '../db/index.js';
import type { Logger } from '../log/index.js';
import { participantLeaderboard } from './leaderboard.js';
import { createStatsQueries } from './queries.js';
import { createRollupUpdater, type RollupUpdater } from './updater.js';

export type { Overview, SeriesPoint, StatsScope, UnitStats, QuestionStats, StatsQueries } from './queries.js';
export type { LeaderboardRow } from './leaderboard.js';
export type { RollupUpdater } from './updater.js';
export { participantLabel } from './leaderboard.js';
export { RollupAccumulator, answerDeltas, accuracy, type AnswerFacts } from './reduce.js';
export { answerFacts } from './updater.js';

export interface StatsOptions {
  readonly timeZone: string;
  readonly logger?: Logger;
  /** How often answers missed by the live listener are applied; 0 turns the timer off. */
  readonly catchUpEveryMs?: number;
}

/**
 * Statistics: the rollup updater (listener for recorded answers and changed participants), the
 * periodic catch-up, and the queries behind the admin API and pages.
 */
export function createStats(models: Models, options: StatsOptions) {
  const updater: RollupUpdater = createRollupUpdater(models, options);
  const queries = createStatsQueries(models);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const warn = (what: string) => (err: unknown) => options.logger?.warn({ err }, `stats: ${what} failed; the catch-up will retry`);

  return {
    updater,
    queries,
    leaderboard: (o: Parameters<typeof participantLeaderboard>[1]) => participantLeaderboard(models, o),
    /** Pass to the conversation engine: failures are logged, the periodic catch-up repairs them. */
    listener: {
      answerRecorded(answer: Parameters<RollupUpdater['applyAnswer']>[0]): Promise<void> {
        return updater.applyAnswer(answer).catch(warn('rollup of an answer'));
      },
      participantChanged(participant: Parameters<RollupUpdater['applyParticipant']>[0]): Promise<void> {
        return updater.applyParticipant(participant).catch(warn('rollup of a participant'));
      },
    },
    start(): void {
      const every = options.catchUpEveryMs ?? 60_000;
      if (!every || timer) return;
      timer = setInterval(() => {
        running = updater.catchUp().catch(warn('catch-up'));
      }, every);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type Stats = ReturnType<typeof createStats>;
export { registerStatsCommands } from './cli.js';
