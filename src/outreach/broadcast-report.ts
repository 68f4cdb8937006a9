import type { DeliveryStatus, GroupPostStatus } from '../db/index.js';
import type { Locale, ReachPath } from '../domain/index.js';
import { loadBroadcast, toView, type BroadcastServiceDeps, type BroadcastView } from './broadcast-store.js';
import { pathLabel, reachAdvice, REPORT_PATHS, type ReachAdvice } from './reach-advice.js';

/** What happened per path, and for skipped members what it means and what to do (issue #20 item 4). */
export interface ReachReport {
  /** One row per path that has deliveries; `none` = members skipped or waiting before any path was used. */
  readonly paths: ReadonlyArray<{ readonly path: ReachPath | 'none'; readonly label: string } & Readonly<Record<DeliveryStatus, number>>>;
  /** Posts into Zalo groups (one per group): how they stand. */
  readonly groupPosts: Readonly<Record<GroupPostStatus, number>>;
  /** Paid messages whose send may have gone out but was not confirmed (a crash or a timeout): counted as sent, never repeated. */
  readonly unconfirmed: number;
  readonly advice: readonly ReachAdvice[];
}

export interface DeliveryReport {
  broadcast: BroadcastView;
  total: number;
  byStatus: Record<DeliveryStatus, number>;
  byReason: Record<string, number>;
  byChannel: Record<string, Record<DeliveryStatus, number>>;
  byUnit: Record<string, Record<DeliveryStatus, number>>;
  delivered: number;
  read: number;
  reach: ReachReport;
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
    reach: { paths: [], groupPosts: { sending: 0, sent: 0, failed: 0 }, unconfirmed: 0, advice: [] },
  };
  const byPath = new Map<ReachPath | 'none', Record<DeliveryStatus, number>>();
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
    const path = g._id.path ?? 'none';
    if (!byPath.has(path)) byPath.set(path, emptyCounts());
    byPath.get(path)![status] += g.n;
    if (status === 'sent' && reason === 'unconfirmed') r.reach = { ...r.reach, unconfirmed: r.reach.unconfirmed + g.n };
  }
  r.reach = {
    ...r.reach,
    paths: REPORT_PATHS.filter((p) => byPath.has(p)).map((path) => ({ path, label: pathLabel(path, deps.t, locale), ...byPath.get(path)! })),
    groupPosts: await groupPostCounts(deps, id),
    advice: reachAdvice(r.byReason, deps.t, locale),
  };
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
