import { Schema } from 'mongoose';

/**
 * A question members asked that Hỏi đáp could not answer from the fact base (src/learning), grouped
 * by its folded text per bot, for organisers to add facts or keywords. Holds no participant.
 */
export interface UnansweredQuestion {
  bot: string;
  /** Folded text (no case, diacritics or punctuation): the grouping key. */
  key: string;
  /** The text as last asked (sanitised, capped). */
  text: string;
  count: number;
  firstAskedAt: Date;
  lastAskedAt: Date;
}

export const unansweredQuestionSchema = new Schema<UnansweredQuestion>({
  bot: { type: String, required: true },
  key: { type: String, required: true },
  text: { type: String, required: true },
  count: { type: Number, default: 0 },
  firstAskedAt: { type: Date, required: true },
  lastAskedAt: { type: Date, required: true },
});
unansweredQuestionSchema.index({ bot: 1, key: 1 }, { unique: true });
unansweredQuestionSchema.index({ bot: 1, count: -1, lastAskedAt: -1 });
