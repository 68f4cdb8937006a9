import { z } from 'zod';
import { scopeBots, type Principal } from '../../admin/index.js';
import { documentInWords, type BotConfig, type Fact } from '../../content/index.js';
import { fold, matchesSearch, type Locale } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { requestLocale } from '../errors.js';
import { namesIn } from './names.js';
import { botId, type ApiContext } from './shared.js';

/** The most facts one search answers: a picker shows a short list and the organiser types more words. */
const FACT_RESULTS = 20;

/**
 * The topics a caller may give a question or a contest: those of the bots they may edit (an admin:
 * every bot's, and every topic a question already has), or of one bot when `bot` is named (403
 * when it is not theirs). The server refuses a topic outside this list for an organiser
 * (`topic_forbidden`), so the pickers offer exactly these.
 */
export function pickableTopics(p: Principal, bots: readonly Pick<BotConfig, 'id' | 'topics'>[], questionTopics: readonly string[], bot?: string): string[] {
  const scope = scopeBots(p, bot);
  const mine = bots.filter((b) => !scope || scope.includes(b.id)).flatMap((b) => b.topics);
  return [...new Set(scope === null ? [...mine, ...questionTopics] : mine)];
}

/** A fact as a picker shows it: its statement and its document in words, in `locale`; the id stays behind the choice. */
function factView(f: Fact, locale: Locale) {
  return { id: f.id, text: f.statement[locale] ?? f.statement.vi, document: documentInWords(f.document, locale), replaced: Boolean(f.replacedBy) };
}

/** Whether a fact matches a search: its statement (either language), its document in words, its keywords, or its id. */
function factMatches(f: Fact, q: string): boolean {
  const haystack = [
    f.statement.vi,
    f.statement.en,
    documentInWords(f.document, 'vi'),
    documentInWords(f.document, 'en'),
    ...(f.keywords?.vi ?? []),
    ...(f.keywords?.en ?? []),
    f.id,
  ].join(' \n ');
  return matchesSearch(haystack, q);
}

/**
 * Facts found by a search, the closest first: those whose statement holds the words as typed, in
 * a row (folded: "to cong nghe so" finds "Tổ công nghệ số…"), then those holding them elsewhere
 * in a row, then the rest (every word somewhere); the fact base's order within each.
 */
function byRelevance(found: readonly Fact[], q: string): Fact[] {
  const phrase = fold(q);
  const rank = (f: Fact) =>
    fold(f.statement.vi).includes(phrase) || fold(f.statement.en).includes(phrase)
      ? 0
      : fold([documentInWords(f.document, 'vi'), ...(f.keywords?.vi ?? [])].join(' ')).includes(phrase)
        ? 1
        : 2;
  return found
    .map((f, i) => ({ f, i, r: rank(f) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.f);
}

/** What the editors' pickers offer instead of typed codes: topics by name, facts by their text. */
export function addPickerRoutes(ctx: ApiContext): void {
  const { api, deps } = ctx;
  const content = () => ctx.part('content');
  api.add({
    method: 'get',
    path: '/topics',
    tag: 'content',
    summary:
      'The topics you may give a question or a contest, with their names in your language: those of your bots (or of `bot`); the server refuses others (topic_forbidden)',
    query: z.object({ bot: botId.optional().describe('only the topics this bot asks') }),
    handler: async ({ query }, req) => {
      const locale = requestLocale(req);
      const live = content().live;
      const ids = pickableTopics(
        principalOf(req),
        live.bots,
        live.questions.map((q) => q.topic),
        query.bot,
      );
      const names = namesIn(locale, deps);
      return {
        items: ids.map((id) => ({ id, name: names.topic(id)! })).sort((a, b) => a.name.localeCompare(b.name, locale) || a.id.localeCompare(b.id)),
      };
    },
  });
  api.add({
    method: 'get',
    path: '/facts',
    tag: 'content',
    summary:
      'The fact base (content/facts) as the pickers search it: `q` finds facts by words of their statement, document or keywords (with or without diacritics); `ids` returns those facts (to show the ones chosen). Each with its statement and document in your language',
    query: z.object({
      q: z.string().trim().min(1).max(100).optional(),
      ids: z.string().max(2000).optional().describe('comma-separated fact ids'),
    }),
    handler: async ({ query }, req) => {
      const locale = requestLocale(req);
      const facts = content().live.facts;
      if (query.ids !== undefined) {
        const wanted = query.ids
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const byId = new Map(facts.map((f) => [f.id, f]));
        // An id no fact has is left out: saving it is refused with the fact named (content check).
        return { items: wanted.flatMap((id) => (byId.has(id) ? [factView(byId.get(id)!, locale)] : [])) };
      }
      const found = query.q
        ? byRelevance(
            facts.filter((f) => factMatches(f, query.q!)),
            query.q,
          )
        : facts;
      return { total: found.length, items: found.slice(0, FACT_RESULTS).map((f) => factView(f, locale)) };
    },
  });
}
