import { Schema, type Types } from 'mongoose';
import { CHANNELS, type ChannelName } from '../../domain/index.js';

export const ANSWER_MODES = ['daily', 'practice', 'contest'] as const;
export type AnswerMode = (typeof ANSWER_MODES)[number];

/**
 * One answer: unique per participant + question + mode + day (+ contest attempt), so a redelivered
 * or doubled message records it once and only the first answer counts.
 */
export interface Answer {
  participantId: Types.ObjectId;
  bot: string;
  channel: ChannelName;
  /** The participant's unit when they answered (statistics per unit stay right if they move). */
  unitId: string | null;
  questionId: string;
  revision: string;
  mode: AnswerMode;
  /** Asia/Ho_Chi_Minh calendar day, YYYY-MM-DD. */
  day: string;
  /** Contest attempt, null outside contests. */
  attemptId: Types.ObjectId | null;
  /** 0-based option chosen. */
  choice: number;
  correct: boolean;
  /** From the question being shown to the answer. */
  timeTakenMs: number | null;
  answeredAt: Date;
  /**
   * Set when a rollup batch takes the answer (src/stats): from then on its batch, `rollupBatch`,
   * counts it exactly once, even across crashes. False: not yet taken (the catch-up takes it).
   */
  rolledUp: boolean;
  rollupBatch?: string | null;
}

export const answerSchema = new Schema<Answer>({
  participantId: { type: Schema.Types.ObjectId, required: true },
  bot: { type: String, required: true },
  channel: { type: String, required: true, enum: CHANNELS },
  unitId: { type: String, default: null },
  questionId: { type: String, required: true },
  revision: { type: String, required: true },
  mode: { type: String, required: true, enum: ANSWER_MODES },
  day: { type: String, required: true },
  attemptId: { type: Schema.Types.ObjectId, default: null },
  choice: { type: Number, required: true },
  correct: { type: Boolean, required: true },
  timeTakenMs: { type: Number, default: null },
  answeredAt: { type: Date, required: true },
  rolledUp: { type: Boolean, default: false },
  rollupBatch: { type: String, default: null },
});
answerSchema.index({ participantId: 1, questionId: 1, mode: 1, day: 1, attemptId: 1 }, { unique: true });
answerSchema.index({ bot: 1, day: 1 });
answerSchema.index({ bot: 1, questionId: 1 });
answerSchema.index({ rolledUp: 1 });
// A participant's previous active day (statistics: distinct participants over a date range).
answerSchema.index({ participantId: 1, day: -1 });
