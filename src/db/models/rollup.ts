import { Schema, type Types } from 'mongoose';

/**
 * Statistics rollups (src/stats; docs/statistics.md explains every figure). What a document counts:
 * - `day-bot`: one bot (key = ''), one day: answers, correct, participants active that day, new
 *   participants (`joined`), and `gaps` (below) for distinct participants over a date range.
 * - `day-unit`: one bot, one unit of the bot's unit list (key = unitId, or '-' without a unit), one
 *   day: answers, correct, participants who answered in that unit that day, and `gaps`.
 * - `day-question`: one bot, one question (key = questionId), one day: answers, correct, time.
 * - `far-bot` / `far-unit`: the `gaps` of a `day-bot` / `day-unit` document beyond 32 days, in
 *   blocks of 32 (key = `b<block>` / `<unitId>|b<block>`), so no document holds more than 33 counters.
 *
 * `gaps[g]` counts the participants active that day whose previous active day (in the bot, or in the
 * unit) was g days earlier; `gaps.n` those with none in the last 366 days. Distinct participants
 * from `from` to `to` = the sum, over the days D of the range, of the gaps larger than D − from.
 * - `week-*` / `month-*` (bot, unit, question): the sum of the day documents of a week (cut to its
 *   month) or a calendar month, day = the block's first day, gaps counted from that day (no far
 *   blocks); packed, key = '': one document per block and bot, its keys as `rows` ({k, counters,
 *   gaps}); written once the block's days are over (src/stats/blocks.ts).
 */
export const ROLLUP_KINDS = [
  'day-bot',
  'day-unit',
  'day-question',
  'far-bot',
  'far-unit',
  'week-bot',
  'week-unit',
  'week-question',
  'month-bot',
  'month-unit',
  'month-question',
] as const;
export type RollupKind = (typeof ROLLUP_KINDS)[number];

/** Counters a rollup document sums; every document has all of them (0 when unused). */
export interface RollupCounters {
  answers: number;
  correct: number;
  participants: number;
  /** Participants who joined (gave consent) that day; `day-bot` only. */
  joined: number;
  timeTakenMsSum: number;
  timedAnswers: number;
}

/**
 * One operation's contribution, written into the document before it is added to the counters: its
 * id `b` makes writing it idempotent, and the fold (`$inc` the counters, `$pull` the part) is one
 * atomic update, so a part is counted either here or in the counters, never in both or neither.
 */
export interface RollupPart extends Partial<RollupCounters> {
  b: string;
  gaps?: Record<string, number>;
}

export interface Rollup extends RollupCounters {
  /**
   * `<kind>|<bot>|<day>|<key>` (day: YYYY-MM-DD in Asia/Ho_Chi_Minh), the document's whole identity:
   * unique, not repeated in fields (every answer rewrites a few of these documents), and a date
   * range of one kind and bot is one range of ids, read through the `_id` index on MongoDB and on
   * the embedded server alike.
   */
  _id: string;
  gaps?: Record<string, number>;
  /** Parts of operations not yet folded into the counters: empty except for a moment (or after a crash). */
  pending: RollupPart[];
  /** A week or month block: its keys' counters and gaps (the document's own counters are unused). */
  rows?: Array<Partial<RollupCounters> & { k: string; gaps?: Record<string, number> }>;
}

/** The same fields for the rollups and the residue. */
const rollupFields = () => ({
  _id: { type: String },
  answers: { type: Number, default: 0 },
  correct: { type: Number, default: 0 },
  participants: { type: Number, default: 0 },
  joined: { type: Number, default: 0 },
  timeTakenMsSum: { type: Number, default: 0 },
  timedAnswers: { type: Number, default: 0 },
  gaps: { type: Schema.Types.Mixed, default: undefined },
  pending: { type: Schema.Types.Mixed, default: () => [] },
  rows: { type: Schema.Types.Mixed, default: undefined },
});

export const rollupSchema = new Schema<Rollup>(rollupFields(), { versionKey: false, minimize: false });
// Finds an operation's parts to fold them. Sparse: documents without parts (almost all) are not in it.
rollupSchema.index({ 'pending.b': 1 }, { sparse: true });

/**
 * What deleted members had contributed to the rollups, as anonymous counts in the same shape (no
 * participant id): `stats rebuild` adds it to what it computes from the remaining answers, so a
 * member's deletion changes no published figure and the rebuilt rollups equal the incremental ones.
 */
export type RollupResidue = Rollup;
export const rollupResidueSchema = new Schema<RollupResidue>(rollupFields(), { collection: 'rollup_residue', versionKey: false, minimize: false });
rollupResidueSchema.index({ 'pending.b': 1 }, { sparse: true });

/**
 * "Who counted first": one marker per participant and day (`d|bot|participant|day`) and per
 * participant, unit and day (`e|bot|participant|unit|day`), owned by the operation that created it,
 * so a re-driven operation makes the same decision. Needed only while answers of that day can still
 * be applied: the statistics' catch-up deletes them once `expiresAt` has passed (an index range; a
 * TTL index would make the embedded server read the whole collection every minute).
 */
export interface RollupMark {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export const rollupMarkSchema = new Schema<RollupMark>(
  { _id: { type: String }, owner: { type: String, required: true }, expiresAt: { type: Date, required: true } },
  { versionKey: false },
);
rollupMarkSchema.index({ expiresAt: 1 });

export const ROLLUP_OP_KINDS = ['batch', 'join', 'erase', 'format'] as const;
export type RollupOpKind = (typeof ROLLUP_OP_KINDS)[number];

/**
 * An operation on the rollups and its progress: `open` (its parts may be partly written) → `applied`
 * (every part written; now folded) → done. A batch of answers is removed when done; a join stays as
 * the record that this participant's joining was counted (and when); an erasure is removed when
 * done. Two records of kind `format`: id 'format' holds the rollups' format version, id 'bots' the
 * bots that have statistics (what "every bot" means on the dashboard).
 */
export interface RollupOp {
  _id: string;
  kind: RollupOpKind;
  state: 'open' | 'applied' | 'done';
  at: Date;
  /** batch: the answers it may hold (those whose `rollupBatch` is this id are its members). */
  answers?: Types.ObjectId[];
  /** join: the bot and the day (Asia/Ho_Chi_Minh) the participant joined. */
  bot?: string;
  day?: string;
  participantId?: string;
  version?: number;
  bots?: string[];
  /** The `blocks` record: every week and month block ending on or before this day is sealed… */
  through?: string;
  /** …except these, whose days changed after they were sealed (`<bot>|<span>|<first day>`), to seal again. */
  dirty?: string[];
}

export const rollupOpSchema = new Schema<RollupOp>(
  {
    _id: { type: String },
    kind: { type: String, required: true, enum: ROLLUP_OP_KINDS },
    state: { type: String, required: true, enum: ['open', 'applied', 'done'] },
    at: { type: Date, required: true },
    answers: { type: [Schema.Types.ObjectId], default: undefined },
    bot: { type: String },
    day: { type: String },
    participantId: { type: String },
    version: { type: Number },
    bots: { type: [String], default: undefined },
    through: { type: String },
    dirty: { type: [String], default: undefined },
  },
  { collection: 'rollup_ops', versionKey: false },
);
// Recovery looks for unfinished operations; joins stay `done` for ever and are not in its way.
rollupOpSchema.index({ state: 1, at: 1 });
