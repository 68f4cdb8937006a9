import type { DeliveryStatus, GroupPostStatus } from '../db/index.js';
import type { Locale, ReachPath } from '../domain/index.js';
import { loadBroadcast, toView, type BroadcastServiceDeps, type BroadcastView } from './broadcast-store.js';
import { reachAdvice, REPORT_PATHS, type ReachAdvice } from './reach-advice.js';

export interface DeliveryReport {
  broadcast: BroadcastView;
  total: number;
  byStatus: Record<DeliveryStatus, number>;
  byReason: Record<string, number>;
  byChannel: Record<string, Record<DeliveryStatus, number>>;
  byUnit: Record<string, Record<DeliveryStatus, number>>;
  delivered: number;
  read: number;
  /** Per reach path, counts by status (issue #20); `none` = skipped or waiting before any path was used. */
  byPath: Partial<Record<ReachPath | 'none', Record<DeliveryStatus, number>>>;
  /** Posts into Zalo groups (one per group, whatever the number of members each reaches): how they stand. */
  groupPosts: Record<GroupPostStatus, number>;
  /** Paid messages that may have gone out but were not confirmed (a crash or a timeout): counted as sent, never repeated. */
  unconfirmed: number;
  /** The reasons of `byReason` in the caller's words, with what the organiser can do. */
  advice: ReachAdvice[];
}

const emptyCounts = (): Record<DeliveryStatus, number> => ({ pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 });

/**
 * Counts by status, reason, channel, unit and path; every recipient appears once (one delivery
 * each). Advice and path names are in `locale`.
 */
export async function reportBroadcast(deps: BroadcastServiceDeps, id: string, locale: Locale = 'vi'): Promise<DeliveryReport> {
  const b = await loadBroadcast(deps, id);
  const groups = await deps.models.Delivery.aggregate<{
    _id: { status: DeliveryStatus; reason: string | null; channel: string; unitId: string | null; path: ReachPath | null };
    n: number;
    read: number;
    delivered: number;
  }>([
    { $match: { broadcastId: id } },
    {
      $group: {
        _id: { status: '$status', reason: '$reason', channel: '$channel', unitId: '$unitId', path: '$path' },
        n: { $sum: 1 },
        read: { $sum: { $cond: [{ $ifNull: ['$readAt', false] }, 1, 0] } },
        delivered: { $sum: { $cond: [{ $ifNull: ['$deliveredAt', false] }, 1, 0] } },
      },
    },
  ]);
  const r: DeliveryReport = {
    broadcast: toView(b, deps.timeZone),
    total: 0,
    byStatus: emptyCounts(),
    byReason: {},
    byChannel: {},
    byUnit: {},
    delivered: 0,
    read: 0,
    byPath: {},
    groupPosts: await groupPostCounts(deps, id),
    unconfirmed: 0,
    advice: [],
  };
  for (const g of groups) {
    const { status, reason, channel } = g._id;
    const unit = g._id.unitId ?? '(none)';
    r.total += g.n;
    r.byStatus[status] += g.n;
    if (reason && status !== 'sent') r.byReason[reason] = (r.byReason[reason] ?? 0) + g.n;
    (r.byChannel[channel] ??= emptyCounts())[status] += g.n;
    (r.byUnit[unit] ??= emptyCounts())[status] += g.n;
    r.read += g.read;
    r.delivered += Math.max(g.delivered, g.read);
    (r.byPath[g._id.path ?? 'none'] ??= emptyCounts())[status] += g.n;
    if (status === 'sent' && reason === 'unconfirmed') r.unconfirmed += g.n;
  }
  // Paths in the order the chooser tries them (free before paid), `none` last.
  r.byPath = Object.fromEntries(REPORT_PATHS.flatMap((p) => (r.byPath[p] ? [[p, r.byPath[p]]] : [])));
  r.advice = reachAdvice(r.byReason, deps.t, locale);
  return r;
}

async function groupPostCounts(deps: BroadcastServiceDeps, broadcastId: string): Promise<Record<GroupPostStatus, number>> {
  const counts: Record<GroupPostStatus, number> = { sending: 0, sent: 0, failed: 0 };
  const rows = await deps.models.GroupPost.aggregate<{ _id: GroupPostStatus; n: number }>([
    { $match: { broadcastId } },
    { $group: { _id: '$status', n: { $sum: 1 } } },
  ]);
  for (const row of rows) counts[row._id] = row.n;
  return counts;
}
