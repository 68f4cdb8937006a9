import type { AuditAction, ContentKind, Models } from '../../db/index.js';
import { dayOf, InvalidError, type Clock, type ContentIssue } from '../../domain/index.js';
import type { ContentBundle } from '../schema.js';
import type { ContentProblem } from '../source.js';
import { syncQuestions, syncUnits } from '../sync.js';
import { recordAudit, type Actor, type AuditRecord } from './audit.js';
import type { ContentStore } from './live.js';
import { itemRevision, mergeContent, yamlItems, type ItemValues, type StoredItem } from './merge.js';
import { checkMerged, newProblems, problemItem } from './validate.js';

/**
 * Saving an item owned by the database: validate the merged content with the one validation of
 * content (`checkMerged`, i.e. content:check's rules), refuse a change that brings in a problem,
 * write the item with its revision, write the audit entry, bring the database's question and unit
 * mirrors up to date, and tell every room (the store's listeners) that the content changed.
 */
export interface EditorDeps {
  readonly models: Models;
  readonly store: ContentStore;
  readonly timeZone: string;
  readonly clock: Clock;
}

export interface SaveRequest<K extends ContentKind> {
  readonly kind: K;
  readonly key: string;
  readonly value: ItemValues[K];
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly retired?: boolean;
}

/** A content problem as the API answers it (words said again in the caller's language by src/http). */
export function contentIssue(p: ContentProblem, base: readonly (string | number)[] = []): ContentIssue {
  const field = p.path && p.path.length > base.length ? p.path.slice(base.length).join('.') : undefined;
  return { message: p.message, ...(p.code ? { code: p.code, params: p.params ?? {} } : {}), ...(field ? { field } : {}) };
}

export function createEditor(deps: EditorDeps) {
  const { models, store } = deps;
  let cache: { items: readonly StoredItem[]; problems: ContentProblem[] } | null = null;

  /** Problems of the content in force (cached until the owned items change). */
  function problemsNow(): ContentProblem[] {
    const items = store.items();
    if (cache?.items !== items) cache = { items, problems: checkMerged(store.loaded, store.merged().bundle, store.owned(), deps.clock()) };
    return cache.problems;
  }

  /** The owned items with some changed. */
  function itemsWith(reqs: ReadonlyArray<Pick<SaveRequest<ContentKind>, 'kind' | 'key' | 'value' | 'retired'>>): StoredItem[] {
    const changed = new Set(reqs.map((r) => `${r.kind}:${r.key}`));
    const candidates: StoredItem[] = reqs.map((r) => ({ kind: r.kind, key: r.key, value: r.value, revision: itemRevision(r.value), yamlRevision: null, retired: r.retired ?? false }));
    return [...store.items().filter((i) => !changed.has(`${i.kind}:${i.key}`)), ...candidates];
  }

  /** The content in force as it would be with one item changed, unsaved (for previews). */
  function mergedWith<K extends ContentKind>(req: Pick<SaveRequest<K>, 'kind' | 'key' | 'value' | 'retired'>): ContentBundle {
    return mergeContent(store.loaded.bundle, itemsWith([req as unknown as SaveRequest<ContentKind>]), dayOf(deps.clock(), deps.timeZone)).bundle;
  }

  /** The problems a change of some items would bring in (none: it may be saved). */
  function tryChanges(reqs: readonly SaveRequest<ContentKind>[]): ContentProblem[] {
    const items = itemsWith(reqs);
    const merged = mergeContent(store.loaded.bundle, items, dayOf(deps.clock(), deps.timeZone)).bundle;
    const owned = new Set(items.filter((i) => !i.retired).map((i) => `${i.kind}:${i.key}`));
    return newProblems(problemsNow(), checkMerged(store.loaded, merged, owned, deps.clock()));
  }

  /** `content_invalid`, each problem located in the item saved (a field) when it is about one. */
  function rejection(problems: readonly ContentProblem[], reqs: readonly SaveRequest<ContentKind>[]): InvalidError<'content_invalid'> {
    const about = problems.map((p) => {
      const item = problemItem(p);
      const saved = item && reqs.some((r) => r.kind === item.kind && r.key === item.key);
      return { ...contentIssue(p, saved ? [item.kind, item.key] : (p.path ?? [])), ...(saved && reqs.length > 1 ? { key: item.key } : {}) };
    });
    return new InvalidError('content_invalid', { count: problems.length }, { content: about });
  }

  /** The item's current value: the owned one, else the shipped one; null when neither exists. */
  function current<K extends ContentKind>(kind: K, key: string): { value: ItemValues[K]; owned: boolean; retired: boolean } | null {
    const item = store.items().find((i) => i.kind === kind && i.key === key);
    if (item) return { value: item.value as ItemValues[K], owned: true, retired: item.retired };
    const shipped = yamlItems(store.loaded.bundle).get(`${kind}:${key}`);
    return shipped ? { value: shipped.value as ItemValues[K], owned: false, retired: false } : null;
  }

  /** Saves several items at once (an imported file): all of them, or none when any check fails. */
  async function saveAll(reqs: readonly SaveRequest<ContentKind>[]): Promise<number> {
    const problems = tryChanges(reqs);
    if (problems.length) throw rejection(problems, reqs);
    const now = deps.clock();
    const audit: AuditRecord[] = [];
    for (const req of reqs) {
      const before = current(req.kind, req.key);
      const revision = itemRevision(req.value);
      // Saving what is already there changes nothing and writes nothing.
      if (before?.owned && before.retired === (req.retired ?? false) && itemRevision(before.value) === revision) continue;
      const shipped = yamlItems(store.loaded.bundle).get(`${req.kind}:${req.key}`);
      await models.ContentItem.updateOne(
        { kind: req.kind, key: req.key },
        {
          $set: { value: req.value, revision, retired: req.retired ?? false, updatedBy: req.actor.name },
          $setOnInsert: { createdBy: req.actor.name, yamlRevision: shipped ? itemRevision(shipped.value) : null },
        },
        { upsert: true },
      );
      audit.push({ actor: req.actor, action: req.action, kind: req.kind, key: req.key, before: (before?.value as Record<string, unknown> | undefined) ?? null, after: req.value as Record<string, unknown> });
    }
    await recordAudit(models, audit, now);
    if (audit.length) await refresh(new Set(reqs.map((r) => r.kind)));
    return audit.length;
  }

  async function save<K extends ContentKind>(req: SaveRequest<K>): Promise<{ value: ItemValues[K]; revision: string }> {
    await saveAll([req as SaveRequest<ContentKind>]);
    return { value: req.value, revision: itemRevision(req.value) };
  }

  /** Re-merges, then brings the mirrors the other rooms read (questions, units) up to date, then tells the listeners. */
  async function refresh(kinds: ReadonlySet<ContentKind>): Promise<void> {
    await store.reload('local', kinds, async () => {
      const bundle = store.merged().bundle;
      if (kinds.has('question')) await syncQuestions(models, bundle.questions, deps.clock());
      if (kinds.has('unitList')) await syncUnits(models, bundle.unitLists, deps.clock());
    });
  }

  return { save, saveAll, current, mergedWith, problemsNow };
}

export type Editor = ReturnType<typeof createEditor>;
