import { dayNumber } from './day.js';
import { hash32 } from './hash.js';

export interface Identified {
  readonly questionId: string;
}

/**
 * The bot's own order of its questions: sorted by a hash of bot + question id, so every bot walks
 * the bank in a different but fixed order, and adding a question does not reshuffle the others.
 */
export function rotation<Q extends Identified>(botId: string, questions: readonly Q[]): Q[] {
  return [...questions].sort((a, b) => {
    const d = hash32(`${botId}|${a.questionId}`) - hash32(`${botId}|${b.questionId}`);
    return d !== 0 ? d : a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : 0;
  });
}

/**
 * Today's question of a bot: the same for everyone on the bot that day, chosen without any stored
 * state. The bot walks its rotation one question per day, starting at an offset hashed from the bot
 * id, so with N active questions no question comes back within N days: with 30 or more questions
 * nobody sees a daily question twice within 30 days, and with fewer every question is shown before
 * any repeats.
 */
export function pickDaily<Q extends Identified>(botId: string, day: string, questions: readonly Q[]): Q | null {
  if (questions.length === 0) return null;
  const order = rotation(botId, questions);
  const index = (dayNumber(day) + hash32(`daily|${botId}`)) % order.length;
  return order[index]!;
}
