import { countDeliveries, type DeliveryStatus } from '../db/index.js';
import { loadBroadcast, toView, type BroadcastServiceDeps, type BroadcastView } from './broadcast-store.js';

export interface DeliveryReport {
  broadcast: BroadcastView;
  total: number;
  byStatus: Record<DeliveryStatus, number>;
  byReason: Record<string, number>;
  byChannel: Record<string, Record<DeliveryStatus, number>>;
  byUnit: Record<string, Record<DeliveryStatus, number>>;
  delivered: number;
  read: number;
}

const emptyCounts = (): Record<DeliveryStatus, number> => ({ pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 });

/** Counts by status, reason, channel and unit; every recipient appears once (one delivery each). */
export async function reportBroadcast(deps: BroadcastServiceDeps, id: string): Promise<DeliveryReport> {
  const b = await loadBroadcast(deps, id);
  // The deliveries while they exist; the counts kept on the broadcast once retention deleted them.
  const groups = (b.deliveryCounts ?? (await countDeliveries(deps.models, id))).map((c) => ({
    _id: { status: c.status as DeliveryStatus, reason: c.reason, channel: c.channel, unitId: c.unitId },
    n: c.n,
    read: c.read,
    delivered: c.delivered,
  }));
  const r: DeliveryReport = {
    broadcast: toView(b, deps.timeZone),
    total: 0,
    byStatus: emptyCounts(),
    byReason: {},
    byChannel: {},
    byUnit: {},
    delivered: 0,
    read: 0,
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
  }
  return r;
}
