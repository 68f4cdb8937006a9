import type { ContentBundle } from '../content/index.js';
import type { ContestResults } from './results.js';

type Summary = { readonly id: string; readonly bot: string; readonly title?: string; readonly [k: string]: unknown };
type Table = { contest: Summary; rows: ReadonlyArray<Record<string, unknown>> } | null;

function namer(r: Pick<ContestResults, 'units'>): (id: string | null) => string | null {
  const names = new Map(r.units.map((u) => [u.unitId, u.name]));
  return (id) => (id ? (names.get(id) ?? id) : null);
}

function summary(r: Pick<ContestResults, 'bot' | 'contest'>): Summary {
  const c = r.contest;
  return {
    id: c.id,
    bot: r.bot,
    title: c.title.vi,
    window: c.window,
    rounds: c.rounds,
    questionsPerAttempt: c.questionsPerAttempt,
    timeLimitMinutes: c.timeLimitMinutes,
  };
}

/**
 * The admin API's view of contests (structurally its `ContestsPort`): the list from the bots'
 * configuration, ranked results and prize winners per round from the stored attempts.
 */
export function contestsPort(content: Pick<ContentBundle, 'bots'>, results: (contestId: string) => Promise<ContestResults | null>) {
  return {
    async list(options: { bots: readonly string[] | null }): Promise<readonly Summary[]> {
      return content.bots.filter((b) => b.contest && (!options.bots || options.bots.includes(b.id))).map((b) => summary({ bot: b.id, contest: b.contest! }));
    },
    async results(id: string): Promise<Table> {
      const r = await results(id);
      if (!r) return null;
      const unitName = namer(r);
      return {
        contest: summary(r),
        rows: r.rounds.flatMap((round) =>
          round.ranking.map((e) => ({
            round: round.round,
            rank: e.rank,
            name: e.name,
            unitId: e.unitId,
            unitName: unitName(e.unitId),
            score: e.correct,
            questionCount: e.questionCount,
            prediction: e.prediction,
            predictionDistance: e.predictionDistance,
            perfect: round.perfect,
            timeTakenMs: e.timeTakenMs,
            // A Date: JSON shows it as the same ISO string; CSV/XLSX exports show it in Asia/Ho_Chi_Minh.
            submittedAt: e.submittedAt,
          })),
        ),
      };
    },
    async prizes(id: string): Promise<Table> {
      const r = await results(id);
      if (!r) return null;
      const unitName = namer(r);
      return {
        contest: summary(r),
        rows: r.rounds.flatMap((round) => [
          ...round.prizes.map((p) => ({
            round: round.round,
            kind: 'individual',
            prize: p.prize,
            rank: p.winner.rank,
            name: p.winner.name,
            unitId: p.winner.unitId,
            unitName: unitName(p.winner.unitId),
            score: p.winner.correct,
          })),
          ...round.collectivePrizes.map((p) => ({
            round: round.round,
            kind: 'collective',
            prize: p.prize,
            rank: p.winner.rank,
            name: p.winner.name,
            unitId: p.winner.unitId,
            score: p.winner.averageScore,
            participationRate: p.winner.participationRate,
          })),
        ]),
      };
    },
  };
}

/** Contest rounds, results and prize winners as the admin API shows them. */
export type ContestsView = ReturnType<typeof contestsPort>;
