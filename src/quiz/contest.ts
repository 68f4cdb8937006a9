import type { ContestConfig } from '../content/index.js';
import { daysBetween } from '../domain/index.js';
import { sortByHash } from './daily.js';
import { participationRate } from './leaderboard.js';

/** One finished (or expired) contest attempt, as ranked. */
export interface ContestEntry {
  readonly attemptId: string;
  readonly participantId: string;
  readonly name: string;
  readonly unitId: string | null;
  readonly correct: number;
  readonly questionCount: number;
  /** Answer to "how many participants will answer every question correctly?"; null when not given. */
  readonly prediction: number | null;
  readonly timeTakenMs: number;
  readonly submittedAt: Date;
}

export interface RankedEntry extends ContestEntry {
  readonly rank: number;
  /** |prediction − real number of perfect participants|; null without a prediction (ranks last on this rule). */
  readonly predictionDistance: number | null;
}

export const PRIZE_KINDS = ['first', 'second', 'third', 'consolation'] as const;
export type PrizeKind = (typeof PRIZE_KINDS)[number];
export type PrizeCounts = ContestConfig['prizes']['individual'];

/**
 * The contest round a day falls in, or null outside the window. A single-round contest has round
 * "1"; a weekly one numbers 7-day blocks from the window's first day: "1", "2", ...
 */
export function roundOf(contest: Pick<ContestConfig, 'window' | 'rounds'>, day: string): string | null {
  if (day < contest.window.start || day > contest.window.end) return null;
  if (contest.rounds === 'single') return '1';
  return String(Math.floor(daysBetween(contest.window.start, day) / 7) + 1);
}

/** The questions of one attempt: a fixed shuffle seeded by the attempt id, `count` of them. */
export function pickContestQuestions<Q extends { readonly questionId: string }>(seed: string, questions: readonly Q[], count: number): Q[] {
  return sortByHash(questions, (q) => `${seed}|${q.questionId}`).slice(0, count);
}

function compareBest(a: ContestEntry, b: ContestEntry): number {
  return b.correct - a.correct || a.timeTakenMs - b.timeTakenMs || a.submittedAt.getTime() - b.submittedAt.getTime() || (a.attemptId < b.attemptId ? -1 : 1);
}

/**
 * Several attempts per round are allowed and the best counts: more correct answers, then the
 * faster, then the earlier one.
 */
export function bestAttempts(entries: readonly ContestEntry[]): ContestEntry[] {
  const best = new Map<string, ContestEntry>();
  for (const e of entries) {
    const held = best.get(e.participantId);
    if (!held || compareBest(e, held) < 0) best.set(e.participantId, e);
  }
  return [...best.values()];
}

/** How many participants answered every question of their best attempt correctly. */
export function countPerfect(best: readonly ContestEntry[]): number {
  return best.filter((e) => e.questionCount > 0 && e.correct === e.questionCount).length;
}

/**
 * The individual ranking of a round, the rule of the Quảng Trị plan: correct answers (more first)
 * → distance of the prediction from the real number of perfect participants (smaller first; no
 * prediction last) → time taken (shorter first) → submission (earlier first) → attempt id.
 * Only each participant's best attempt is ranked.
 */
export function rankContest(entries: readonly ContestEntry[]): { ranking: RankedEntry[]; perfect: number } {
  const best = bestAttempts(entries);
  const perfect = countPerfect(best);
  const withDistance = best.map((e) => ({
    ...e,
    predictionDistance: e.prediction === null ? null : Math.abs(e.prediction - perfect),
  }));
  withDistance.sort(
    (a, b) =>
      b.correct - a.correct ||
      (a.predictionDistance ?? Number.MAX_SAFE_INTEGER) - (b.predictionDistance ?? Number.MAX_SAFE_INTEGER) ||
      a.timeTakenMs - b.timeTakenMs ||
      a.submittedAt.getTime() - b.submittedAt.getTime() ||
      (a.attemptId < b.attemptId ? -1 : a.attemptId > b.attemptId ? 1 : 0),
  );
  return { ranking: withDistance.map((e, i) => ({ ...e, rank: i + 1 })), perfect };
}

export interface Prize<T> {
  readonly prize: PrizeKind;
  readonly winner: T;
}

/**
 * Hands out prizes down a ranking: the configured number of first prizes, then second, third and
 * consolation (Quảng Trị: individual 1/2/2/3, collective 1/1/1/1). Fewer entrants than prizes →
 * the lower prizes stay unawarded.
 */
export function awardPrizes<T>(ranking: readonly T[], counts: PrizeCounts): Prize<T>[] {
  const prizes: Prize<T>[] = [];
  let next = 0;
  for (const kind of PRIZE_KINDS) {
    for (let i = 0; i < counts[kind] && next < ranking.length; i++) prizes.push({ prize: kind, winner: ranking[next++]! });
  }
  return prizes;
}

export type CollectiveCriterion = ContestConfig['collectiveRanking'][number];

export interface UnitInfo {
  readonly unitId: string;
  readonly name: string;
  readonly size: number | null;
}

export interface CollectiveRow {
  readonly unitId: string;
  readonly name: string;
  readonly size: number | null;
  /** Participants with a ranked attempt. */
  readonly participants: number;
  /** Sum of the best attempts' correct answers. */
  readonly correctAnswers: number;
  /** Mean correct answers of the best attempts. */
  readonly averageScore: number;
  /** participants ÷ size; null when the size is unknown (ranks after every known rate). */
  readonly participationRate: number | null;
  readonly rank: number;
}

/**
 * The collective ranking of units from the best attempts, compared by the configured criteria in
 * order (default: participation rate, then average score), all "higher is better", then unit id.
 * Units without any participant are not ranked.
 */
export function rankCollective(best: readonly ContestEntry[], units: readonly UnitInfo[], rule: readonly CollectiveCriterion[]): CollectiveRow[] {
  const byUnit = new Map<string, ContestEntry[]>();
  for (const e of best) {
    if (!e.unitId) continue;
    byUnit.set(e.unitId, [...(byUnit.get(e.unitId) ?? []), e]);
  }
  const info = new Map(units.map((u) => [u.unitId, u]));
  const rows = [...byUnit.entries()].map(([unitId, list]) => {
    const u = info.get(unitId);
    const correctAnswers = list.reduce((s, e) => s + e.correct, 0);
    const size = u?.size ?? null;
    return {
      unitId,
      name: u?.name ?? unitId,
      size,
      participants: list.length,
      correctAnswers,
      averageScore: correctAnswers / list.length,
      participationRate: participationRate(list.length, size),
    };
  });
  const value = (r: (typeof rows)[number], c: CollectiveCriterion): number => (c === 'participationRate' ? (r.participationRate ?? -1) : r[c]);
  rows.sort((a, b) => {
    for (const c of rule) {
      const d = value(b, c) - value(a, c);
      if (d !== 0) return d;
    }
    return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
  });
  return rows.map((r, i) => ({ ...r, rank: i + 1 }));
}
