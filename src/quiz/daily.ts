import { dayNumber } from '../domain/index.js';
import { hash32 } from './hash.js';

export interface Identified {
  readonly questionId: string;
}

/**
 * The bot's own order of its questions: sorted by a hash of bot + question id, so every bot walks
 * the bank in a different but fixed order, and adding a question does not reshuffle the others.
 */
export function rotation<Q extends Identified>(botId: string, questions: readonly Q[]): Q[] {
  return sortByHash(questions, (q) => `${botId}|${q.questionId}`);
}

const cache = new WeakMap<readonly Identified[], Map<string, Identified[]>>();

/** Sorts by a hash of `key(item)`, ties by question id; each hash computed once. */
export function sortByHash<Q extends Identified>(items: readonly Q[], key: (q: Q) => string): Q[] {
  return items
    .map((q) => ({ q, h: hash32(key(q)) }))
    .sort((a, b) => a.h - b.h || (a.q.questionId < b.q.questionId ? -1 : a.q.questionId > b.q.questionId ? 1 : 0))
    .map((x) => x.q);
}

/** The rotation, remembered per question list (the service keeps one list per bot for a while). */
function cachedRotation<Q extends Identified>(botId: string, questions: readonly Q[]): Q[] {
  let byBot = cache.get(questions);
  if (!byBot) cache.set(questions, (byBot = new Map()));
  let order = byBot.get(botId);
  if (!order) byBot.set(botId, (order = rotation(botId, questions)));
  return order as Q[];
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
  const order = cachedRotation(botId, questions);
  const index = (dayNumber(day) + hash32(`daily|${botId}`)) % order.length;
  return order[index]!;
}
