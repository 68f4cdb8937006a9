import type { ContentItem, ContentKind, Models } from '../../db/index.js';
import { dayOf, type Clock } from '../../domain/index.js';
import type { Logger } from '../../log/index.js';
import type { LoadedContent } from '../load.js';
import type { ContentBundle } from '../schema.js';
import { mergeContent, type Merged, type StoredItem } from './merge.js';

/** Why the content in force changed: an edit in this process, or one seen in the database. */
export type ChangeOrigin = 'local' | 'database';
export type ChangeListener = (change: { readonly origin: ChangeOrigin; readonly kinds: ReadonlySet<ContentKind> }) => void | Promise<void>;

/**
 * The content in force, shared by every room: a `ContentBundle` whose fields always show the
 * latest merge of the shipped YAML and the items owned by the database. The other rooms read
 * `content.bots`, `content.campaigns`… when they need them, so an edit in the pages reaches them
 * without a restart; processes that did not make the edit see it at their next poll.
 */
export interface LiveContent extends ContentBundle {
  readonly contests: NonNullable<ContentBundle['contests']>;
}

export interface ContentStore {
  readonly live: LiveContent;
  /** The shipped YAML as loaded and checked at start (with positions, for the one validation). */
  readonly loaded: LoadedContent;
  /** The merge in force (bundle, conflicts with YAML, items whose YAML caught up). */
  merged(): Merged;
  /** The items the database owns, as last read. */
  items(): readonly StoredItem[];
  /** `kind:key` of every item the database owns that is not retired. */
  owned(): ReadonlySet<string>;
  /**
   * Re-reads the owned items and re-merges; when something changed, runs `prepare` (the mirrors of
   * the edit that changed it) and then tells the listeners.
   */
  reload(origin?: ChangeOrigin, kinds?: ReadonlySet<ContentKind>, prepare?: () => Promise<void>): Promise<boolean>;
  onChange(listener: ChangeListener): void;
  /** Polls the database for edits made by other processes (and a new day: the current contests move). */
  start(everyMs: number): void;
  stop(): Promise<void>;
}

const ALL_KINDS: ReadonlySet<ContentKind> = new Set(['question', 'campaign', 'contest', 'unitList']);

export function toStoredItem(doc: Pick<ContentItem, 'kind' | 'key' | 'value' | 'revision' | 'yamlRevision' | 'retired' | 'createdBy'>): StoredItem {
  return {
    kind: doc.kind,
    key: doc.key,
    value: doc.value as never,
    revision: doc.revision,
    yamlRevision: doc.yamlRevision ?? null,
    retired: !!doc.retired,
    createdBy: doc.createdBy,
  };
}

export async function readItems(models: Pick<Models, 'ContentItem'>): Promise<StoredItem[]> {
  const docs = await models.ContentItem.find({}, { _id: 0, kind: 1, key: 1, value: 1, revision: 1, yamlRevision: 1, retired: 1, createdBy: 1 })
    .sort({ kind: 1, key: 1 })
    .lean<ContentItem[]>();
  return docs.map(toStoredItem);
}

/** A short fingerprint of the owned items: a change anywhere (another process's edit) changes it. */
const stampOf = (items: readonly StoredItem[], day: string) => `${day}|${items.map((i) => `${i.kind}:${i.key}:${i.revision}:${i.retired ? 1 : 0}`).join(',')}`;

export function createContentStore(deps: { models: Models; loaded: LoadedContent; timeZone: string; clock: Clock; logger: Logger }): ContentStore {
  const yaml = deps.loaded.bundle;
  let items: StoredItem[] = [];
  let state: Merged = mergeContent(yaml, items, dayOf(deps.clock(), deps.timeZone));
  let stamp = '';
  const listeners: ChangeListener[] = [];
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<unknown> = Promise.resolve();

  const live = {
    get facts() {
      return state.bundle.facts;
    },
    get bots() {
      return state.bundle.bots;
    },
    get questions() {
      return state.bundle.questions;
    },
    get campaigns() {
      return state.bundle.campaigns;
    },
    get unitLists() {
      return state.bundle.unitLists;
    },
    get contests() {
      return state.bundle.contests ?? [];
    },
  } satisfies LiveContent;

  async function reload(origin: ChangeOrigin = 'database', kinds: ReadonlySet<ContentKind> = ALL_KINDS, prepare?: () => Promise<void>): Promise<boolean> {
    const fresh = await readItems(deps.models);
    const day = dayOf(deps.clock(), deps.timeZone);
    const next = stampOf(fresh, day);
    if (next === stamp) return false;
    items = fresh;
    state = mergeContent(yaml, items, day);
    stamp = next;
    await prepare?.();
    for (const listener of listeners) {
      try {
        await listener({ origin, kinds });
      } catch (err) {
        deps.logger.warn({ err }, 'content: a listener of content changes failed');
      }
    }
    return true;
  }

  return {
    live,
    loaded: deps.loaded,
    merged: () => state,
    items: () => items,
    owned: () => new Set(items.filter((i) => !i.retired).map((i) => `${i.kind}:${i.key}`)),
    reload,
    onChange: (listener) => void listeners.push(listener),
    start(everyMs) {
      if (timer || everyMs <= 0) return;
      timer = setInterval(() => {
        polling = reload('database').catch((err) => deps.logger.warn({ err }, 'content: reading edited content failed; next poll retries'));
      }, everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await polling;
    },
  };
}
