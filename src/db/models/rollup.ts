import { Schema } from 'mongoose';

/**
 * What a rollup document counts:
 * - `day-unit`: one bot, one unit (key = unitId or '-'), one day: answers, correct, active participants
 *   (distinct per bot and day, counted in the unit of their first answer that day), new participants.
 * - `day-bot`: one bot (key = ''), one day: the same counts as its `day-unit` documents added up,
 *   so the overview and the daily series read one document per bot and day, whatever the units.
 * - `day-question`: one bot, one question (key = questionId), one day: answers, correct.
 * - `unit`: one bot, one unit, all time (day = '*'): distinct participants who answered.
 * - `bot`: one bot, all time (key = '', day = '*'): distinct participants who answered.
 */
export const ROLLUP_KINDS = ['day-bot', 'day-unit', 'day-question', 'unit', 'bot'] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

export interface Rollup {
  kind: RollupKind;
  bot: string;
  /** YYYY-MM-DD (Asia/Ho_Chi_Minh) or '*' for all-time documents. */
  day: string;
  key: string;
  answers: number;
  correct: number;
  participants: number;
  /** Participants who joined (gave consent) that day; `day-unit` and `day-bot` only. */
  joined: number;
  timeTakenMsSum: number;
  timedAnswers: number;
  /**
   * The last operations applied (answer or participant ids), so a retried operation is not counted
   * twice. Bounded: only the most recent ones are kept.
   */
  recent: string[];
}

export const rollupSchema = new Schema<Rollup>(
  {
    kind: { type: String, required: true, enum: ROLLUP_KINDS },
    bot: { type: String, required: true },
    day: { type: String, required: true },
    key: { type: String, required: true },
    answers: { type: Number, default: 0 },
    correct: { type: Number, default: 0 },
    participants: { type: Number, default: 0 },
    joined: { type: Number, default: 0 },
    timeTakenMsSum: { type: Number, default: 0 },
    timedAnswers: { type: Number, default: 0 },
    recent: { type: [String], default: [] },
  },
  { versionKey: false },
);
rollupSchema.index({ kind: 1, bot: 1, day: 1, key: 1 }, { unique: true });

/**
 * "Who counted first": one marker per (scope, participant), owned by the operation that created it.
 * An answer retried after a crash finds its own marker and counts again only where it owns it.
 */
export interface RollupMark {
  _id: string;
  owner: string;
}

export const rollupMarkSchema = new Schema<RollupMark>({ _id: { type: String }, owner: { type: String, required: true } }, { versionKey: false });
