import type { AuditAction, AuditEntry, ContentKind, Models } from '../../db/index.js';

/** Who changes content: a logged-in user, an API token, or the content sync. */
export interface Actor {
  readonly name: string;
  readonly kind: 'user' | 'token' | 'system';
  /** Admins may change every item; organisers only their bots'. */
  readonly role: 'admin' | 'organiser';
  /** The bots an organiser manages; null for admins. */
  readonly bots: readonly string[] | null;
}

/** The content sync, as the audit log names it. */
export const SYNC_ACTOR: Actor = { name: 'content sync', kind: 'system', role: 'admin', bots: null };

/** Top-level fields whose value differs between two versions of an item (all of them for a new one). */
export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return keys.filter((k) => JSON.stringify(before?.[k] ?? null) !== JSON.stringify(after?.[k] ?? null)).sort();
}

export interface AuditRecord {
  readonly actor: Actor;
  readonly action: AuditAction;
  readonly kind: ContentKind;
  readonly key: string;
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

/** Appends entries to the audit log; never updates one. */
export async function recordAudit(models: Pick<Models, 'AuditEntry'>, records: readonly AuditRecord[], at: Date): Promise<void> {
  if (records.length === 0) return;
  const docs: AuditEntry[] = records.map((r) => ({
    at,
    actor: r.actor.name,
    actorKind: r.actor.kind,
    action: r.action,
    kind: r.kind,
    key: r.key,
    changed: changedFields(r.before, r.after),
    before: r.before,
    after: r.after,
  }));
  await models.AuditEntry.insertMany(docs, { ordered: true });
}

export interface AuditQuery {
  readonly kind?: ContentKind | undefined;
  readonly key?: string | undefined;
  readonly actor?: string | undefined;
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
  readonly page: number;
  readonly pageSize: number;
}

/** The audit log, newest first, paged. */
export async function listAudit(models: Pick<Models, 'AuditEntry'>, q: AuditQuery): Promise<{ total: number; items: AuditEntry[] }> {
  const filter: Record<string, unknown> = {};
  if (q.kind) filter.kind = q.kind;
  if (q.key) filter.key = q.key;
  if (q.actor) filter.actor = q.actor;
  if (q.from || q.to) filter.at = { ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) };
  const [items, total] = await Promise.all([
    models.AuditEntry.find(filter, { _id: 0, __v: 0 })
      .sort({ at: -1 })
      .skip((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .lean<AuditEntry[]>(),
    models.AuditEntry.countDocuments(filter),
  ]);
  return { total, items };
}
