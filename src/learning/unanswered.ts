import type { Models, UnansweredQuestion } from '../db/index.js';
import { fold } from '../domain/index.js';
import { MAX_QUESTION_CHARS } from '../quiz/index.js';
import { cleanText } from './sanitize.js';

/** Longest question text kept for organisers. */
const KEPT_CHARS = 300;

/**
 * Records a question Hỏi đáp could not answer, grouped per bot by its folded text ("Giá vàng?" and
 * "gia vang" are one line, counted twice). Stores the text only: no participant, no platform id.
 */
export async function recordUnanswered(models: Models, bot: string, question: string, now: Date): Promise<void> {
  const text = cleanText(question.slice(0, MAX_QUESTION_CHARS), KEPT_CHARS);
  const key = fold(text);
  if (!key) return;
  await models.UnansweredQuestion.updateOne(
    { bot, key },
    { $inc: { count: 1 }, $set: { text, lastAskedAt: now }, $setOnInsert: { firstAskedAt: now } },
    { upsert: true },
  );
}

/** The list for organisers: most asked first, then the most recent. `bots` = the bots they may see (null = all). */
export async function listUnanswered(models: Models, bots: readonly string[] | null, limit = 100): Promise<UnansweredQuestion[]> {
  const filter = bots ? { bot: { $in: [...bots] } } : {};
  return models.UnansweredQuestion.find(filter, { _id: 0, __v: 0 }).sort({ count: -1, lastAskedAt: -1 }).limit(limit).lean<UnansweredQuestion[]>();
}
