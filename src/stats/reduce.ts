import type { RollupCounters, RollupKind } from '../db/index.js';
import { dayNumber } from '../domain/index.js';

/**
 * Pure rollup arithmetic: which rollup documents an answer, a first answer of a day or a joining
 * touches and by how much. Used by the incremental updater, by `stats rebuild` and by the benchmark
 * seeder, so the three cannot disagree. docs/statistics.md explains the figures.
 */

/** The fields of an answer that statistics need. */
export interface AnswerFacts {
  readonly id: string;
  readonly participantId: string;
  readonly bot: string;
  readonly unitId: string | null;
  readonly questionId: string;
  readonly day: string;
  readonly correct: boolean;
  readonly timeTakenMs: number | null;
}

export interface RollupKey {
  readonly kind: RollupKind;
  readonly bot: string;
  readonly day: string;
  readonly key: string;
}

export type Gaps = Record<string, number>;

/** What one operation adds to one rollup document. */
export interface RollupDelta extends RollupKey {
  readonly inc: Partial<RollupCounters>;
  readonly gaps?: Gaps;
}

export type RollupDoc = RollupKey & RollupCounters & { gaps?: Gaps };

export const NO_UNIT = '-';
export const unitKey = (unitId: string | null): string => unitId ?? NO_UNIT;

/** Gaps longer than this count as "no earlier activity": a date range is at most this many days past its first day. */
export const MAX_GAP = 366;
/** Gaps 1..32 (and 'n') stay in the day's own document; longer ones go to `far-*` blocks of this size. */
export const GAP_BLOCK = 32;
export const NEW_GAP = 'n';

/** The gap key of an active day: days since the previous active day, or 'n' (none within MAX_GAP). */
export function gapKey(day: string, previous: string | null): string {
  if (previous === null) return NEW_GAP;
  const g = dayNumber(day) - dayNumber(previous);
  return g >= 1 && g <= MAX_GAP ? String(g) : NEW_GAP;
}

const gapBlock = (gap: string): number => (gap === NEW_GAP ? 0 : Math.floor((Number(gap) - 1) / GAP_BLOCK));

/** Scope of a first answer of a day: the bot, or one unit of it. */
export type FirstScope = { readonly bot: string; readonly unitId?: string | null | undefined };

/**
 * A participant's first answer of a day, in the bot or in one unit: one more participant that day,
 * and the gap to their previous active day in the same scope (in the day's document up to 32 days,
 * in a `far-*` block beyond).
 */
export function firstOfDayDeltas(scope: FirstScope, day: string, gap: string): RollupDelta[] {
  const unit = scope.unitId === undefined ? null : unitKey(scope.unitId);
  const own: RollupKey = unit === null ? { kind: 'day-bot', bot: scope.bot, day, key: '' } : { kind: 'day-unit', bot: scope.bot, day, key: unit };
  const block = gapBlock(gap);
  if (block === 0) return [{ ...own, inc: { participants: 1 }, gaps: { [gap]: 1 } }];
  const far: RollupKey =
    unit === null ? { kind: 'far-bot', bot: scope.bot, day, key: `b${block}` } : { kind: 'far-unit', bot: scope.bot, day, key: `${unit}|b${block}` };
  return [
    { ...own, inc: { participants: 1 } },
    { ...far, inc: {}, gaps: { [gap]: 1 } },
  ];
}

/** The counts of one answer, without participants (those come from `firstOfDayDeltas`). */
export function answerDeltas(a: AnswerFacts): RollupDelta[] {
  const inc = {
    answers: 1,
    correct: a.correct ? 1 : 0,
    ...(a.timeTakenMs !== null && a.timeTakenMs >= 0 ? { timeTakenMsSum: a.timeTakenMs, timedAnswers: 1 } : {}),
  };
  return [
    { kind: 'day-bot', bot: a.bot, day: a.day, key: '', inc },
    { kind: 'day-unit', bot: a.bot, day: a.day, key: unitKey(a.unitId), inc },
    { kind: 'day-question', bot: a.bot, day: a.day, key: a.questionId, inc },
  ];
}

/** A participant joining (consenting) on a day: counted in the bot only. */
export const joinedDeltas = (bot: string, day: string): RollupDelta[] => [{ kind: 'day-bot', bot, day, key: '', inc: { joined: 1 } }];

/** A rollup document's id, `<kind>|<bot>|<day>|<key>`: its whole identity (the document holds no copy of it). */
export const rollupId = (k: RollupKey): string => `${k.kind}|${k.bot}|${k.day}|${k.key}`;

export function parseRollupId(id: string): RollupKey {
  const [kind, bot, day] = id.split('|', 3) as [RollupKind, string, string];
  return { kind, bot, day, key: id.slice(kind.length + bot.length + day.length + 3) };
}

export const COUNTERS = ['answers', 'correct', 'participants', 'joined', 'timeTakenMsSum', 'timedAnswers'] as const satisfies ReadonlyArray<
  keyof RollupCounters
>;

export const zeroCounts = (): RollupCounters => ({ answers: 0, correct: 0, participants: 0, joined: 0, timeTakenMsSum: 0, timedAnswers: 0 });

function addGaps(into: Gaps, from: Gaps | undefined): void {
  for (const [g, n] of Object.entries(from ?? {})) into[g] = (into[g] ?? 0) + n;
}

/** Adds deltas into complete documents (zero counters included), keyed by `rollupId`. */
export function addDeltas(docs: Map<string, RollupDoc>, deltas: Iterable<RollupDelta>): void {
  for (const d of deltas) {
    const id = rollupId(d);
    let doc = docs.get(id);
    if (!doc) docs.set(id, (doc = { kind: d.kind, bot: d.bot, day: d.day, key: d.key, ...zeroCounts() }));
    for (const c of COUNTERS) doc[c] += d.inc[c] ?? 0;
    if (d.gaps) addGaps((doc.gaps ??= {}), d.gaps);
  }
}

/** Sums deltas per document: what one operation writes, one part per document. */
export function mergeDeltas(deltas: Iterable<RollupDelta>): RollupDelta[] {
  const out = new Map<string, { key: RollupKey; inc: Partial<RollupCounters>; gaps?: Gaps }>();
  for (const d of deltas) {
    const id = rollupId(d);
    let m = out.get(id);
    if (!m) out.set(id, (m = { key: { kind: d.kind, bot: d.bot, day: d.day, key: d.key }, inc: {} }));
    for (const c of COUNTERS) if (d.inc[c] !== undefined) m.inc[c] = (m.inc[c] ?? 0) + d.inc[c];
    if (d.gaps) addGaps((m.gaps ??= {}), d.gaps);
  }
  return [...out.values()].map((m) => ({ ...m.key, inc: m.inc, ...(m.gaps ? { gaps: m.gaps } : {}) }));
}

/**
 * Everything `stats rebuild` computes, from the answers (any order) and the joinings: the counts of
 * each answer, and for each participant's active days (in the bot and in each unit) the first-of-day
 * counts and gaps. What the incremental updater must add up to.
 */
export class RollupAccumulator {
  private readonly docs = new Map<string, RollupDoc>();
  /** `bot|participant` → active days; `bot|participant|unit` → the same per unit. */
  private readonly botDays = new Map<string, { bot: string; participantId: string; days: Set<string> }>();
  private readonly unitDays = new Map<string, { bot: string; participantId: string; unitId: string | null; days: Set<string> }>();

  addAnswer(a: AnswerFacts): void {
    addDeltas(this.docs, answerDeltas(a));
    const bk = `${a.bot}|${a.participantId}`;
    let b = this.botDays.get(bk);
    if (!b) this.botDays.set(bk, (b = { bot: a.bot, participantId: a.participantId, days: new Set() }));
    b.days.add(a.day);
    const uk = `${bk}|${unitKey(a.unitId)}`;
    let u = this.unitDays.get(uk);
    if (!u) this.unitDays.set(uk, (u = { bot: a.bot, participantId: a.participantId, unitId: a.unitId, days: new Set() }));
    u.days.add(a.day);
  }

  addJoin(bot: string, day: string): void {
    addDeltas(this.docs, joinedDeltas(bot, day));
  }

  /** Adds finished documents as they are (deleted members' anonymous contributions). */
  addDocument(doc: RollupDoc): void {
    addDeltas(this.docs, [{ kind: doc.kind, bot: doc.bot, day: doc.day, key: doc.key, inc: doc, ...(doc.gaps ? { gaps: doc.gaps } : {}) }]);
  }

  /** The complete documents, first-of-day counts and gaps included. */
  rollups(): RollupDoc[] {
    const out = new Map(this.docs);
    for (const { bot, days } of this.botDays.values()) addDeltas(out, activeDayDeltas({ bot }, days));
    for (const { bot, unitId, days } of this.unitDays.values()) addDeltas(out, activeDayDeltas({ bot, unitId }, days));
    return [...out.values()];
  }

  /** Marker ids for first answers on or after `sinceDay` (what the incremental updater would have claimed). */
  *marks(sinceDay: string): Generator<string> {
    for (const { bot, participantId, days } of this.botDays.values()) for (const d of days) if (d >= sinceDay) yield dayMarkId(bot, participantId, d);
    for (const { bot, participantId, unitId, days } of this.unitDays.values()) {
      for (const d of days) if (d >= sinceDay) yield unitDayMarkId(bot, participantId, unitId, d);
    }
  }
}

/** First-of-day counts of a set of active days, each with the gap to the previous one. */
function* activeDayDeltas(scope: FirstScope, days: Set<string>): Generator<RollupDelta> {
  let previous: string | null = null;
  for (const day of [...days].sort()) {
    yield* firstOfDayDeltas(scope, day, gapKey(day, previous));
    previous = day;
  }
}

/** Marker ids: the first operation to create one counts the participant that day (in the bot, in the unit). */
export const dayMarkId = (bot: string, participantId: string, day: string): string => `d|${bot}|${participantId}|${day}`;
export const unitDayMarkId = (bot: string, participantId: string, unitId: string | null, day: string): string =>
  `e|${bot}|${participantId}|${unitKey(unitId)}|${day}`;
export const joinOpId = (bot: string, participantId: string): string => `j|${bot}|${participantId}`;

/**
 * Distinct participants from `from` to the last day of `rows`: a participant active on several days
 * of the range is counted on the first of them only, the day whose gap reaches back before `from`.
 */
export function distinctSince(rows: Iterable<{ day: string; gaps?: Gaps | undefined }>, from: string): number {
  const start = dayNumber(from);
  let n = 0;
  for (const r of rows) {
    const reach = dayNumber(r.day) - start;
    for (const [g, count] of Object.entries(r.gaps ?? {})) if (g === NEW_GAP || Number(g) > reach) n += count;
  }
  return n;
}

/** Share of correct answers, 0..1, or null with no answers (a rate of nothing is not 0 %). */
export const accuracy = (correct: number, answers: number): number | null => (answers > 0 ? correct / answers : null);
