import type { ContentKind } from '../../db/index.js';
import { checkContent } from '../check.js';
import type { Entry, LoadedContent } from '../load.js';
import type { BotContest, ContentBundle } from '../schema.js';
import type { ContentProblem, Origin } from '../source.js';

/** Where an item owned by the database "is written", for problems about it: `database`, kind, key. */
export const DATABASE_FILE = 'database';
export const databaseOrigin = (kind: ContentKind, key: string): Origin => ({ file: DATABASE_FILE, path: [kind, key] });

/** Whether a problem is about an item owned by the database (and which), from its path. */
export function problemItem(p: ContentProblem): { kind: ContentKind; key: string } | null {
  if (p.file !== DATABASE_FILE || !p.path || p.path.length < 2) return null;
  return { kind: p.path[0] as ContentKind, key: String(p.path[1]) };
}

/** Each entry of the merged content with where it is written: the YAML file, or the database. */
function entriesOf(loaded: LoadedContent, merged: ContentBundle, owned: ReadonlySet<string>) {
  const pick = <T>(kind: ContentKind, values: readonly T[], idOf: (t: T) => string, shipped: readonly Entry<T>[]): Entry<T>[] => {
    const origins = new Map(shipped.map((e) => [idOf(e.value), e.origin]));
    return values.map((value) => {
      const id = idOf(value);
      const origin = owned.has(`${kind}:${id}`) ? undefined : origins.get(id);
      return { value, origin: origin ?? databaseOrigin(kind, id) };
    });
  };
  const botOrigins = new Map(loaded.entries.bots.map((e) => [e.value.id, e]));
  const contestOrigin = ({ bot, contest }: BotContest): Origin => {
    const shipped = botOrigins.get(bot);
    if (owned.has(`contest:${contest.id}`) || !shipped) return databaseOrigin('contest', contest.id);
    if (shipped.value.contest?.id === contest.id) return { file: shipped.origin.file, path: [...shipped.origin.path, 'contest'] };
    const i = shipped.value.contests.findIndex((c) => c.id === contest.id);
    return i >= 0 ? { file: shipped.origin.file, path: [...shipped.origin.path, 'contests', i] } : databaseOrigin('contest', contest.id);
  };
  return {
    facts: loaded.entries.facts,
    bots: merged.bots.map((value) => ({ value, origin: botOrigins.get(value.id)?.origin ?? { file: DATABASE_FILE, path: ['bot', value.id] } })),
    questions: pick('question', merged.questions, (q) => q.id, loaded.entries.questions),
    campaigns: pick('campaign', merged.campaigns, (c) => c.id, loaded.entries.campaigns),
    unitLists: pick('unitList', merged.unitLists, (l) => l.id, loaded.entries.unitLists),
    contests: (merged.contests ?? []).map((value) => ({ value, origin: contestOrigin(value) })),
  };
}

/**
 * The one validation of content, whichever layer it comes from: `content:check`'s `checkContent`
 * run over the merged content, items owned by the database located at `database` (kind, key).
 * `owned` holds `kind:key` of every item the database owns.
 */
export function checkMerged(loaded: LoadedContent, merged: ContentBundle, owned: ReadonlySet<string>, now: Date = new Date()): ContentProblem[] {
  const view: LoadedContent = {
    bundle: merged,
    entries: entriesOf(loaded, merged, owned),
    locales: loaded.locales,
    problems: loaded.problems,
    ...(loaded.media ? { media: loaded.media } : {}),
    locate: (origin) => (origin.file === DATABASE_FILE ? { line: 1, column: 1 } : loaded.locate(origin)),
  };
  return checkContent(view, now);
}

/** Problems of `after` that `before` did not have (by their words): what a change would bring in. */
export function newProblems(before: readonly ContentProblem[], after: readonly ContentProblem[]): ContentProblem[] {
  const known = new Set(before.map((p) => p.message));
  return after.filter((p) => !known.has(p.message));
}
