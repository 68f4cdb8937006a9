import type { Models } from '../db/index.js';
import type { Logger } from '../log/index.js';
import type { AnswerWithId, StepHook } from './batches.js';
import type { ParticipantWithId } from './ops.js';
import { createStatsQueries, type UnitListOf } from './queries.js';
import { createRollupUpdater, type RollupUpdater } from './updater.js';

export type { Overview, SeriesPoint, StatsScope, UnitStats, QuestionStats, StatsQueries, UnitListOf } from './queries.js';
export type { DayRange, PeriodScore, PeriodUnit } from './leaderboard.js';
export type { RollupUpdater } from './updater.js';
export type { AnswerWithId, RollupStep, StepHook } from './batches.js';
export { participantLabel, periodScores, periodUnits } from './leaderboard.js';
export { RollupAccumulator, answerDeltas, accuracy, distinctSince, rollupId, type AnswerFacts } from './reduce.js';
export { answerFacts } from './batches.js';

export interface StatsOptions {
  readonly timeZone: string;
  readonly logger?: Logger;
  /** How often answers and operations missed by the live listener are applied; 0 turns the timer off. */
  readonly catchUpEveryMs?: number;
  /** The unit list each bot uses (bots/*.yaml `units`): unit names and sizes come from it. */
  readonly unitListOf?: UnitListOf;
  /** Crash tests: called after each step of a rollup operation. */
  readonly step?: StepHook;
  /** Test clock (the day blocks are sealed up to follows it). */
  readonly clock?: () => Date;
  /** false: the queries read day documents only, never the week and month blocks (tests and the benchmark compare the two). */
  readonly blocks?: boolean;
}

/**
 * Statistics: the rollup updater (listener for recorded answers, changed and deleted participants),
 * the periodic catch-up, and the queries behind the admin API and pages (docs/statistics.md).
 */
export function createStats(models: Models, options: StatsOptions) {
  const updater: RollupUpdater = createRollupUpdater(models, {
    timeZone: options.timeZone,
    logger: options.logger,
    ...(options.step ? { step: options.step } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const queries = createStatsQueries(models, { unitListOf: options.unitListOf, blocks: options.blocks });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const warn = (what: string) => (err: unknown) => options.logger?.warn({ err }, `stats: ${what} failed; the catch-up will retry`);

  return {
    updater,
    queries,
    /** Pass to the conversation engine. Failures of the first two are logged; the periodic catch-up repairs them. */
    listener: {
      answerRecorded(answer: AnswerWithId): Promise<void> {
        return updater.applyAnswer(answer).catch(warn('rollup of an answer'));
      },
      participantChanged(participant: ParticipantWithId): Promise<void> {
        return updater.applyParticipant(participant).catch(warn('rollup of a participant'));
      },
      /**
       * "Delete my data": deletes the member's answers and keeps what they added to the statistics as
       * anonymous counts. Throws on failure, so the deletion is retried rather than half done.
       */
      eraseAnswers(participant: { _id: unknown; bot: string }): Promise<void> {
        return updater.eraseParticipant(String(participant._id), participant.bot);
      },
    },
    /** Before serving: rollups kept in an older format are rebuilt once. */
    prepare: () => updater.ensureFormat(),
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
      await updater.idle();
    },
  };
}

export type Stats = ReturnType<typeof createStats>;
export { registerStatsCommands } from './cli.js';
