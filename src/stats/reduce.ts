import type { Rollup, RollupKind } from '../db/index.js';

/**
 * Pure rollup arithmetic: which rollup documents an answer touches and by how much. Used by the
 * incremental updater (one answer at a time), by `stats rebuild` and by the benchmark seeder, so the
 * three cannot disagree.
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

/** The counters of a rollup document, as the model declares them. */
export type RollupCounts = Pick<Rollup, 'answers' | 'correct' | 'participants' | 'joined' | 'timeTakenMsSum' | 'timedAnswers'>;

export interface RollupDelta extends RollupKey {
  readonly inc: Partial<RollupCounts>;
}

/** Whether this answer is the first of its participant in a scope (day, unit, bot). */
export interface FirstFlags {
  readonly firstOfDay: boolean;
  readonly firstInUnit: boolean;
  readonly firstInBot: boolean;
}

export const ALL_TIME = '*';
export const NO_UNIT = '-';

export const unitKey = (unitId: string | null): string => unitId ?? NO_UNIT;

/** Marker ids: one per participant and scope; the first answer to create one counts the participant there. */
export function markIds(a: Pick<AnswerFacts, 'bot' | 'day' | 'unitId' | 'participantId'>): { day: string; unit: string; bot: string } {
  return {
    day: `d|${a.bot}|${a.day}|${a.participantId}`,
    unit: `u|${a.bot}|${unitKey(a.unitId)}|${a.participantId}`,
    bot: `b|${a.bot}|${a.participantId}`,
  };
}

export const joinedMarkId = (bot: string, participantId: string): string => `j|${bot}|${participantId}`;

/** The five rollup increments of one answer. */
export function answerDeltas(a: AnswerFacts, first: FirstFlags): RollupDelta[] {
  const base = {
    answers: 1,
    correct: a.correct ? 1 : 0,
    ...(a.timeTakenMs !== null && a.timeTakenMs >= 0 ? { timeTakenMsSum: a.timeTakenMs, timedAnswers: 1 } : {}),
  };
  return [
    { kind: 'day-bot', bot: a.bot, day: a.day, key: '', inc: { ...base, participants: first.firstOfDay ? 1 : 0 } },
    { kind: 'day-unit', bot: a.bot, day: a.day, key: unitKey(a.unitId), inc: { ...base, participants: first.firstOfDay ? 1 : 0 } },
    { kind: 'day-question', bot: a.bot, day: a.day, key: a.questionId, inc: base },
    { kind: 'unit', bot: a.bot, day: ALL_TIME, key: unitKey(a.unitId), inc: { ...base, participants: first.firstInUnit ? 1 : 0 } },
    { kind: 'bot', bot: a.bot, day: ALL_TIME, key: '', inc: { ...base, participants: first.firstInBot ? 1 : 0 } },
  ];
}

/** The rollup increments of a participant joining (consenting) on a day, in their unit. */
export function joinedDeltas(bot: string, day: string, unitId: string | null): RollupDelta[] {
  return [
    { kind: 'day-bot', bot, day, key: '', inc: { joined: 1 } },
    { kind: 'day-unit', bot, day, key: unitKey(unitId), inc: { joined: 1 } },
  ];
}

export const rollupId = (k: RollupKey): string => `${k.kind}|${k.bot}|${k.day}|${k.key}`;

export const zeroCounts = (): RollupCounts => ({ answers: 0, correct: 0, participants: 0, joined: 0, timeTakenMsSum: 0, timedAnswers: 0 });

/**
 * Folds many answers (in the order they were given, i.e. answeredAt order) and joins into complete
 * rollup documents and marker ids. What `stats rebuild` writes and what the incremental updater
 * must add up to.
 */
export class RollupAccumulator {
  private readonly docs = new Map<string, RollupKey & RollupCounts>();
  readonly marks = new Map<string, string>();

  addAnswer(a: AnswerFacts): void {
    const ids = markIds(a);
    const first = { firstOfDay: this.claim(ids.day, a.id), firstInUnit: this.claim(ids.unit, a.id), firstInBot: this.claim(ids.bot, a.id) };
    for (const d of answerDeltas(a, first)) this.apply(d);
  }

  addJoin(bot: string, participantId: string, day: string, unitId: string | null): void {
    if (!this.claim(joinedMarkId(bot, participantId), participantId)) return;
    for (const d of joinedDeltas(bot, day, unitId)) this.apply(d);
  }

  rollups(): Array<RollupKey & RollupCounts> {
    return [...this.docs.values()];
  }

  private claim(id: string, owner: string): boolean {
    if (this.marks.has(id)) return false;
    this.marks.set(id, owner);
    return true;
  }

  private apply(d: RollupDelta): void {
    const id = rollupId(d);
    let doc = this.docs.get(id);
    if (!doc) {
      doc = { kind: d.kind, bot: d.bot, day: d.day, key: d.key, ...zeroCounts() };
      this.docs.set(id, doc);
    }
    for (const [k, v] of Object.entries(d.inc) as Array<[keyof RollupCounts, number]>) doc[k] += v;
  }
}

/** Share of correct answers, 0..1, or null with no answers (a rate of nothing is not 0 %). */
export const accuracy = (correct: number, answers: number): number | null => (answers > 0 ? correct / answers : null);
