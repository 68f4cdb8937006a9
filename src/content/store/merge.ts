import type { ContentKind } from '../../db/index.js';
import {
  allContests,
  currentContest,
  type BotConfig,
  type BotContest,
  type Campaign,
  type ContentBundle,
  type ContestConfig,
  type QuestionContent,
  type UnitList,
} from '../schema.js';
import { contentRevision } from '../revision.js';

/**
 * The two layers of content, merged. Pure: no database, no disk.
 *
 * Shipped YAML (bots/, content/) is the starting content. An item saved in the admin pages or the
 * API is stored in the database and from then on **owned by the database**: the merged content
 * takes it from there, whatever the YAML says. A YAML change to an owned item is never applied; it
 * is reported as a conflict (unless the YAML now says exactly what the database does, as after
 * `content export` was committed: then the item's `yamlRevision` simply moves on).
 */

/** A campaign as organisers edit it: the campaign and the bots that remind of it. */
export type StoredCampaign = Campaign & { readonly bots: readonly string[] };
/** A contest as organisers edit it: the contest and its bot. */
export type StoredContest = ContestConfig & { readonly bot: string };

/** The YAML shape of each kind of item. */
export interface ItemValues {
  question: QuestionContent;
  campaign: StoredCampaign;
  contest: StoredContest;
  unitList: UnitList;
}

/** An item owned by the database (the `ContentItem` document, its value already validated). */
export interface StoredItem<K extends ContentKind = ContentKind> {
  readonly kind: K;
  readonly key: string;
  readonly value: ItemValues[K];
  readonly revision: string;
  readonly yamlRevision: string | null;
  readonly retired: boolean;
  /** Who first saved it in the pages or the API. */
  readonly createdBy?: string | undefined;
}

/** A shipped item changed (or removed) in YAML after an organiser took it over. */
export interface Conflict {
  readonly kind: ContentKind;
  readonly key: string;
  readonly reason: 'changed' | 'removed';
}

export interface Merged {
  readonly bundle: ContentBundle;
  readonly conflicts: readonly Conflict[];
  /** Owned items whose YAML now equals them: their `yamlRevision` moves to this revision. */
  readonly caughtUp: ReadonlyArray<{ kind: ContentKind; key: string; yamlRevision: string }>;
}

const itemKey = (kind: ContentKind, key: string) => `${kind}:${key}`;

/** The revision of an item's value: what a change of the item changes. */
export const itemRevision = (value: unknown): string => contentRevision(value);

/** Every item of the shipped content in its stored shape, by `kind:key`. */
export function yamlItems(yaml: ContentBundle): Map<string, { kind: ContentKind; key: string; value: ItemValues[ContentKind] }> {
  const out = new Map<string, { kind: ContentKind; key: string; value: ItemValues[ContentKind] }>();
  const put = <K extends ContentKind>(kind: K, key: string, value: ItemValues[K]) => out.set(itemKey(kind, key), { kind, key, value });
  for (const q of yaml.questions) put('question', q.id, q);
  for (const c of yaml.campaigns) put('campaign', c.id, { ...c, bots: yaml.bots.filter((b) => b.campaigns.includes(c.id)).map((b) => b.id) });
  for (const { bot, contest } of allContests(yaml)) put('contest', contest.id, { ...contest, bot });
  for (const l of yaml.unitLists) put('unitList', l.id, l);
  return out;
}

/** The shipped item's revision, or null when YAML has no such item. */
export function yamlRevisionOf(yaml: ContentBundle, kind: ContentKind, key: string): string | null {
  const found = yamlItems(yaml).get(itemKey(kind, key));
  return found ? itemRevision(found.value) : null;
}

/** Conflicts and caught-up items: compares each owned item's base revision with the YAML of today. */
function compareWithYaml(yaml: ContentBundle, items: readonly StoredItem[]): Pick<Merged, 'conflicts' | 'caughtUp'> {
  const shipped = yamlItems(yaml);
  const conflicts: Conflict[] = [];
  const caughtUp: Array<{ kind: ContentKind; key: string; yamlRevision: string }> = [];
  for (const item of items) {
    const found = shipped.get(itemKey(item.kind, item.key));
    const now = found ? itemRevision(found.value) : null;
    if (now === item.yamlRevision) continue;
    if (now !== null && now === item.revision && !item.retired) caughtUp.push({ kind: item.kind, key: item.key, yamlRevision: now });
    else if (item.yamlRevision !== null || now !== null) conflicts.push({ kind: item.kind, key: item.key, reason: now === null ? 'removed' : 'changed' });
  }
  return { conflicts, caughtUp };
}

/** Replaces, adds and (retired) removes items of one kind, keeping the shipped order. */
function overlay<T>(shipped: readonly T[], idOf: (t: T) => string, items: readonly StoredItem[], kind: ContentKind, value: (i: StoredItem) => T): T[] {
  const mine = new Map(items.filter((i) => i.kind === kind).map((i) => [i.key, i]));
  const out: T[] = [];
  for (const t of shipped) {
    const item = mine.get(idOf(t));
    if (!item) out.push(t);
    else if (!item.retired) out.push(value(item));
  }
  const shippedIds = new Set(shipped.map(idOf));
  for (const item of mine.values()) if (!shippedIds.has(item.key) && !item.retired) out.push(value(item));
  return out;
}

const withoutBots = (c: StoredCampaign): Campaign => {
  const { bots: _bots, ...campaign } = c;
  return campaign;
};
const withoutBot = (c: StoredContest): ContestConfig => {
  const { bot: _bot, ...contest } = c;
  return contest;
};

/**
 * Each bot with the campaigns organisers attached to it (or took from it) and its current contest
 * on `today` (YYYY-MM-DD); every contest, past ones included, is in the bundle's `contests`.
 */
function mergeBots(bots: readonly BotConfig[], campaigns: readonly StoredItem[], contests: readonly BotContest[], today: string): BotConfig[] {
  const owned = campaigns.filter((i) => i.kind === 'campaign') as StoredItem<'campaign'>[];
  return bots.map((bot) => {
    let list = bot.campaigns.filter((id) => !owned.some((i) => i.key === id && (i.retired || !i.value.bots.includes(bot.id))));
    for (const i of owned) if (!i.retired && i.value.bots.includes(bot.id) && !list.includes(i.key)) list = [...list, i.key];
    const mine = contests.filter((c) => c.bot === bot.id).map((c) => c.contest);
    const { contest: _shipped, ...rest } = bot;
    const current = currentContest(mine, today);
    return { ...rest, campaigns: list, contests: [], ...(current ? { contest: current } : {}) };
  });
}

/** The content in force: the shipped YAML with every item owned by the database laid over it. */
export function mergeContent(yaml: ContentBundle, items: readonly StoredItem[], today: string): Merged {
  const questions = overlay(yaml.questions, (q) => q.id, items, 'question', (i) => i.value as QuestionContent);
  const campaigns = overlay(yaml.campaigns, (c) => c.id, items, 'campaign', (i) => withoutBots(i.value as StoredCampaign));
  const unitLists = overlay(yaml.unitLists, (l) => l.id, items, 'unitList', (i) => i.value as UnitList);
  const shippedContests = allContests(yaml).map(({ bot, contest }) => ({ ...contest, bot }));
  const contests = overlay(shippedContests, (c) => c.id, items, 'contest', (i) => i.value as StoredContest).map((c) => ({ bot: c.bot, contest: withoutBot(c) }));
  const bots = mergeBots(yaml.bots, items, contests, today);
  return { bundle: { facts: yaml.facts, bots, questions, campaigns, unitLists, contests }, ...compareWithYaml(yaml, items) };
}
