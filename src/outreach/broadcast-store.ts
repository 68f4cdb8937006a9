import type { Broadcast, Models } from '../db/index.js';
import { NotFoundError, type ChannelName, type Clock, type Locale, type OutboundMessage } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { JOB, scheduleOnce, type Scheduler } from '../jobs/index.js';
import type { Fanout } from './fanout.js';
import { formatLocal } from './timing.js';

/** Renders a neutral message as one platform will show it (from the channels room, when it offers one). */
export type RenderForPlatform = (channel: ChannelName, message: OutboundMessage, locale: Locale) => unknown;

/** What the broadcast service's operations work with. */
export interface BroadcastServiceDeps {
  models: Models;
  scheduler: Scheduler;
  fanout: Fanout;
  t: Translate;
  timeZone: string;
  clock: Clock;
  render?: RenderForPlatform | undefined;
  /** Plain-http links in broadcasts: development only (default: https only). */
  allowHttpLinks?: boolean;
  /** The unit list a bot uses (its `units` in bots/*.yaml): unit ids are named within it. */
  unitListOf?: ((bot: string) => string | null) | undefined;
}

/** A broadcast as the admin API, pages and CLI show it. */
export interface BroadcastView {
  id: string;
  kind: Broadcast['kind'];
  status: Broadcast['status'];
  title: string;
  text: { vi: string; en: string | null } | null;
  messageKey: string | null;
  audience: Broadcast['audience'];
  eventUpdate: boolean;
  /** UTC ISO instant. */
  sendAt: string;
  /** Asia/Ho_Chi_Minh, dd/MM/yyyy HH:mm. */
  sendAtLocal: string;
  createdBy: string;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  cancelledAt: string | null;
  audienceSize: number | null;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toView(b: Broadcast, timeZone: string): BroadcastView {
  return {
    id: b._id,
    kind: b.kind,
    status: b.status,
    title: b.title,
    text: b.message ? { vi: b.message.vi.text, en: b.message.en?.text ?? null } : null,
    messageKey: b.messageRef?.key ?? null,
    audience: b.audience,
    eventUpdate: b.eventUpdate,
    sendAt: new Date(b.sendAt).toISOString(),
    sendAtLocal: formatLocal(new Date(b.sendAt), timeZone),
    createdBy: b.createdBy,
    createdAt: iso(b.createdAt),
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
    cancelledAt: iso(b.cancelledAt),
    audienceSize: b.audienceSize,
  };
}

export async function loadBroadcast({ models }: BroadcastServiceDeps, id: string): Promise<Broadcast> {
  const b = await models.Broadcast.findById(id).lean<Broadcast>();
  if (!b) throw new NotFoundError('broadcast_not_found', { id });
  return b;
}

/** The broadcast's fan-out job, once. */
export async function scheduleBroadcast(deps: BroadcastServiceDeps, id: string, at: Date): Promise<void> {
  await scheduleOnce(deps.scheduler.agenda, JOB.broadcast, { broadcastId: id }, { broadcastId: id }, at);
}
