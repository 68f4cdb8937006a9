import { unitKey, unitNames } from '../content/index.js';
import { countDeliveries, type DeliveryStatus, type GroupPostStatus } from '../db/index.js';
import { DEFAULT_LOCALE, type ChannelName, type Locale, type ReachPath, type SendErrorClass } from '../domain/index.js';
import { loadBroadcast, toView, type BroadcastServiceDeps, type BroadcastView } from './broadcast-store.js';
import { reachAdvice, reasonOf, REPORT_PATHS, type ReachAdvice } from './reach-advice.js';

/** What happened to a group of deliveries: `pending` counts those still waiting or being sent. */
export interface OutcomeCounts {
  total: number;
  sent: number;
  /** Sent and read (Messenger and Zalo OA report reads). */
  read: number;
  skipped: number;
  failed: number;
  pending: number;
}

export interface DeliveryReport {
  broadcast: BroadcastView;
  total: number;
  byStatus: Record<DeliveryStatus, number>;
  /** Deliveries not sent, by reason code (see `reasonOf`): never a platform's raw text. */
  byReason: Record<string, number>;
  byChannel: Record<string, Record<DeliveryStatus, number>>;
  byUnit: Record<string, Record<DeliveryStatus, number>>;
  delivered: number;
  read: number;
  /** The same per channel and per unit (the unit's name from its bot's own list; null: no unit chosen). */
  channels: Array<{ channel: ChannelName } & OutcomeCounts>;
  units: Array<{ bot: string; unitId: string | null; name: string | null } & OutcomeCounts>;
  /** `byReason` in words in the asked language, with what the organiser can do. */
  advice: ReachAdvice[];
  /** Per reach path, counts by status (issue #20); `none` = skipped or waiting before any path was used. */
  byPath: Partial<Record<ReachPath | 'none', Record<DeliveryStatus, number>>>;
  /** Posts into Zalo groups (one per group, whatever the number of members each reaches): how they stand. */
  groupPosts: Record<GroupPostStatus, number>;
  /** Paid messages that may have gone out but were not confirmed (a crash or a timeout): counted as sent, never repeated. */
  unconfirmed: number;
}

interface Group {
  _id: {
    status: DeliveryStatus;
    reason: string | null;
    errorClass: SendErrorClass | null;
    channel: ChannelName;
    bot: string;
    unitId: string | null;
    path: ReachPath | null;
  };
  n: number;
  read: number;
  delivered: number;
}

const emptyCounts = (): Record<DeliveryStatus, number> => ({ pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 });
const emptyOutcome = (): OutcomeCounts => ({ total: 0, sent: 0, read: 0, skipped: 0, failed: 0, pending: 0 });

function addOutcome(o: OutcomeCounts, g: Group): void {
  const { status } = g._id;
  o.total += g.n;
  o.read += g.read;
  if (status === 'sent' || status === 'skipped' || status === 'failed') o[status] += g.n;
  else o.pending += g.n;
}

/** Unit names from each bot's own unit list (two lists may use the same unit id), keyed `bot|unitId`. */
async function namesOf(deps: BroadcastServiceDeps, units: ReadonlyArray<{ bot: string; unitId: string | null }>): Promise<Map<string, string>> {
  const listOf = deps.unitListOf ?? (() => null);
  const names = await unitNames(
    deps.models,
    units.map((u) => ({ listId: listOf(u.bot), unitId: u.unitId })),
  );
  return new Map(
    units.flatMap((u) => {
      const name = names.get(unitKey({ listId: listOf(u.bot), unitId: u.unitId }));
      return name ? [[`${u.bot}|${u.unitId}`, name] as const] : [];
    }),
  );
}

/**
 * Counts by status, reason, channel and unit, and the reasons in words in `locale`; every recipient
 * appears once (one delivery each).
 */
export async function reportBroadcast(deps: BroadcastServiceDeps, id: string, locale: Locale = DEFAULT_LOCALE): Promise<DeliveryReport> {
  const b = await loadBroadcast(deps, id);
  // The deliveries while they exist; the counts kept on the broadcast once retention deleted them.
  const groups: Group[] = (b.deliveryCounts ?? (await countDeliveries(deps.models, id))).map((c) => ({
    _id: {
      status: c.status as DeliveryStatus,
      reason: c.reason,
      errorClass: c.errorClass as SendErrorClass | null,
      channel: c.channel as ChannelName,
      bot: c.bot,
      unitId: c.unitId,
      path: (c.path ?? null) as ReachPath | null,
    },
    n: c.n,
    read: c.read,
    delivered: c.delivered,
  }));
  const r: DeliveryReport = {
    broadcast: toView(b, deps.timeZone),
    ...{ total: 0, byStatus: emptyCounts(), byReason: {}, byChannel: {}, byUnit: {}, delivered: 0, read: 0, channels: [], units: [], advice: [] },
    ...{ byPath: {}, groupPosts: await groupPostCounts(deps, id), unconfirmed: 0 },
  };
  const channels = new Map<ChannelName, OutcomeCounts>();
  const units = new Map<string, { bot: string; unitId: string | null } & OutcomeCounts>();
  for (const g of groups) {
    const { status, channel, bot, unitId } = g._id;
    r.total += g.n;
    r.byStatus[status] += g.n;
    const reason = reasonOf(g._id);
    if (reason) r.byReason[reason] = (r.byReason[reason] ?? 0) + g.n;
    (r.byChannel[channel] ??= emptyCounts())[status] += g.n;
    (r.byUnit[unitId ?? '(none)'] ??= emptyCounts())[status] += g.n;
    r.read += g.read;
    r.delivered += Math.max(g.delivered, g.read);
    addOutcome(channels.get(channel) ?? channels.set(channel, emptyOutcome()).get(channel)!, g);
    const key = `${bot}|${unitId}`;
    addOutcome(units.get(key) ?? units.set(key, { bot, unitId, ...emptyOutcome() }).get(key)!, g);
    (r.byPath[g._id.path ?? 'none'] ??= emptyCounts())[status] += g.n;
    if (status === 'sent' && g._id.reason === 'unconfirmed') r.unconfirmed += g.n;
  }
  // Paths in the order the chooser tries them (free before paid), `none` last.
  r.byPath = Object.fromEntries(REPORT_PATHS.flatMap((p) => (r.byPath[p] ? [[p, r.byPath[p]]] : [])));
  const names = await namesOf(deps, [...units.values()]);
  r.channels = [...channels.entries()].map(([channel, c]) => ({ channel, ...c })).sort((a, b) => b.total - a.total || a.channel.localeCompare(b.channel));
  r.units = [...units.entries()]
    .map(([key, u]) => ({ ...u, name: names.get(key) ?? null }))
    .sort((a, b) => b.total - a.total || String(a.name ?? a.unitId).localeCompare(String(b.name ?? b.unitId)));
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
