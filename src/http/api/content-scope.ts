import { visibleBots, type Principal } from '../../admin/index.js';
import type { BotConfig } from '../../content/index.js';
import { ForbiddenError } from '../../domain/index.js';

/** What the API needs to know of a bot to scope content: its unit list and the questions it asks. */
export type BotContent = Pick<BotConfig, 'id' | 'units' | 'topics' | 'topicTags'>;

/** The bots a principal may see, with their content; null for admins (everything). */
function visibleContent(p: Principal, bots: readonly BotContent[]): readonly BotContent[] | null {
  const visible = visibleBots(p);
  return visible ? bots.filter((b) => visible.includes(b.id)) : null;
}

/**
 * The unit lists a caller may read: an organiser those of their bots only (a unit list names an
 * organisation's branches), an admin every list. A list asked for by name must be one of them.
 */
export function unitListFilter(p: Principal, bots: readonly BotContent[], listId: string | undefined): Record<string, unknown> {
  const mine = visibleContent(p, bots);
  if (!mine) return listId ? { listId } : {};
  const lists = [...new Set(mine.map((b) => b.units))];
  if (listId && !lists.includes(listId)) throw new ForbiddenError('unit_list_forbidden', { list: listId });
  return { listId: listId ? listId : { $in: lists } };
}

/**
 * The questions a caller may read, as a MongoDB filter: an organiser those one of their bots asks
 * (its topics, and within a topic with `topicTags` only questions carrying one of the tags:
 * `botAsks` in src/content), an admin every question.
 */
export function questionScopeFilter(p: Principal, bots: readonly BotContent[]): Record<string, unknown> {
  const mine = visibleContent(p, bots);
  if (!mine) return {};
  const clauses = mine.flatMap((b) =>
    b.topics.map((topic) => {
      const tags = b.topicTags[topic];
      return tags ? { topic, tags: { $in: tags } } : { topic };
    }),
  );
  // No bot, no question: `$in: []` matches nothing.
  return clauses.length ? { $or: clauses } : { topic: { $in: [] } };
}
