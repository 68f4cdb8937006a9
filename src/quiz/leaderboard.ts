import { participationRate } from '../domain/index.js';

/** One person's line on an individual leaderboard. */
export interface ScoreRow {
  readonly participantId: string;
  readonly name: string;
  readonly unitId: string | null;
  readonly correct: number;
  readonly answered: number;
  /** When the person last gained a point: of two equal scores, the one reached earlier ranks higher. */
  readonly reachedAt: Date;
}

export interface RankedScore extends ScoreRow {
  readonly rank: number;
}

/**
 * Individual ranking: more correct answers first; equal scores → the score reached earlier first;
 * still equal → fewer answers (better accuracy); last, the participant id so the order never
 * depends on the database's return order.
 */
export function compareScores(a: ScoreRow, b: ScoreRow): number {
  return (
    b.correct - a.correct ||
    a.reachedAt.getTime() - b.reachedAt.getTime() ||
    a.answered - b.answered ||
    (a.participantId < b.participantId ? -1 : a.participantId > b.participantId ? 1 : 0)
  );
}

/** Sorts and numbers the rows 1, 2, 3...; the tie-break makes every rank distinct. */
export function rankScores<T extends ScoreRow>(rows: readonly T[]): Array<T & { readonly rank: number }> {
  return [...rows].sort(compareScores).map((r, i) => ({ ...r, rank: i + 1 }));
}

/** One unit's line on the unit leaderboard. */
export interface UnitScoreRow {
  readonly unitId: string;
  readonly name: string;
  readonly correct: number;
  readonly participants: number;
  /** Members of the unit, when known. */
  readonly size: number | null;
}

export interface RankedUnit extends UnitScoreRow {
  readonly rank: number;
  /** participants ÷ size, null when the size is unknown. */
  readonly participationRate: number | null;
}

export { participationRate };

/**
 * Unit ranking: more correct answers first; then the higher participation rate (unknown sizes
 * last); then more participants; last the unit id.
 */
export function rankUnits<T extends UnitScoreRow>(rows: readonly T[]): Array<T & Pick<RankedUnit, 'rank' | 'participationRate'>> {
  return rows
    .map((r) => ({ ...r, participationRate: participationRate(r.participants, r.size) }))
    .sort(
      (a, b) =>
        b.correct - a.correct ||
        (b.participationRate ?? -1) - (a.participationRate ?? -1) ||
        b.participants - a.participants ||
        (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0),
    )
    .map((r, i) => ({ ...r, rank: i + 1 }));
}
