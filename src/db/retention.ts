import type { Collection, Document } from 'mongodb';
import type { DeliveryCount, Models } from './models/index.js';

/**
 * Retention: processed inbox entries, web-channel messages and the deliveries of finished
 * broadcasts are deleted after a configurable number of days (0 keeps them), by one hourly job
 * (src/jobs, `retention`). A job rather than TTL indexes: it works the same on MongoDB and on the
 * embedded server (whose TTL monitor reads whole collections every minute), a changed setting
 * applies at once (a TTL index keeps the expiry it was created with), and a broadcast's report is
 * kept as counts before its deliveries go. Deletes run in chunks so no single write is long.
 */

export interface RetentionSettings {
  /** Inbox entries processed (done or failed) more than this many days ago. At least 1: redeliveries are recognised by them. */
  readonly inboxDays: number;
  /** Web-channel (simulator) messages older than this. */
  readonly webMessagesDays: number;
  /** Deliveries of broadcasts finished or cancelled more than this many days ago; their report stays as counts. */
  readonly deliveriesDays: number;
}

export interface Pruned {
  readonly inbox: number;
  readonly webMessages: number;
  readonly deliveries: number;
  readonly broadcasts: number;
}

const CHUNK = 1000;
const DAY_MS = 86_400_000;

/** Deletes the documents a filter matches, `CHUNK` at a time (by id), so no single write is long. */
export async function deleteInChunks(coll: Collection<Document>, filter: Document): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = (
      await coll
        .find(filter, { projection: { _id: 1 } })
        .limit(CHUNK)
        .toArray()
    ).map((d) => d._id);
    if (ids.length === 0) return total;
    total += (await coll.deleteMany({ _id: { $in: ids } })).deletedCount;
    if (ids.length < CHUNK) return total;
  }
}

/**
 * A broadcast's deliveries counted by status, reason, error class, channel, bot and unit: what its report is made of,
 * from the deliveries while they exist and from these stored counts afterwards.
 */
export async function countDeliveries(models: Models, broadcastId: string): Promise<DeliveryCount[]> {
  const groups = await models.Delivery.collection
    .aggregate<{ _id: Omit<DeliveryCount, 'n' | 'read' | 'delivered'>; n: number; read: number; delivered: number }>([
      { $match: { broadcastId } },
      {
        $group: {
          _id: { status: '$status', reason: '$reason', errorClass: '$errorClass', channel: '$channel', bot: '$bot', unitId: '$unitId', path: '$path' },
          n: { $sum: 1 },
          read: { $sum: { $cond: [{ $ifNull: ['$readAt', false] }, 1, 0] } },
          delivered: { $sum: { $cond: [{ $ifNull: ['$deliveredAt', false] }, 1, 0] } },
        },
      },
    ])
    .toArray();
  return groups.map((g) => ({
    status: g._id.status,
    reason: g._id.reason ?? null,
    errorClass: g._id.errorClass ?? null,
    channel: g._id.channel,
    bot: g._id.bot,
    unitId: g._id.unitId ?? null,
    path: g._id.path ?? null,
    n: g.n,
    read: g.read,
    delivered: g.delivered,
  }));
}

/** Keeps the counts of each finished broadcast past retention on the broadcast, then deletes its deliveries. */
async function pruneDeliveries(models: Models, cutoff: Date): Promise<{ deliveries: number; broadcasts: number }> {
  const finished = await models.Broadcast.collection
    .find(
      {
        status: { $in: ['done', 'cancelled'] },
        deliveriesPrunedAt: null,
        $or: [{ finishedAt: { $lt: cutoff } }, { finishedAt: null, cancelledAt: { $lt: cutoff } }],
      },
      { projection: { _id: 1, deliveryCounts: 1 } },
    )
    .toArray();
  let deliveries = 0;
  for (const b of finished) {
    const id = String(b._id);
    // Counted once: a run stopped halfway keeps the first counts and finishes the deletion.
    if (!b.deliveryCounts)
      await models.Broadcast.collection.updateOne({ _id: id as never, deliveryCounts: null }, { $set: { deliveryCounts: await countDeliveries(models, id) } });
    deliveries += await deleteInChunks(models.Delivery.collection as never, { broadcastId: id });
    await models.Broadcast.collection.updateOne({ _id: id as never }, { $set: { deliveriesPrunedAt: new Date() } });
  }
  return { deliveries, broadcasts: finished.length };
}

/**
 * One pass of retention; a setting of 0 days keeps that kind of document for ever. Inbox entries
 * get `processedAt` when done or failed, so pending ones are never touched.
 */
export async function pruneExpired(models: Models, settings: RetentionSettings, now: Date = new Date()): Promise<Pruned> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const inbox = settings.inboxDays > 0 ? await deleteInChunks(models.InboxEvent.collection as never, { processedAt: { $lt: before(settings.inboxDays) } }) : 0;
  const webMessages =
    settings.webMessagesDays > 0 ? await deleteInChunks(models.WebMessage.collection as never, { at: { $lt: before(settings.webMessagesDays) } }) : 0;
  const d = settings.deliveriesDays > 0 ? await pruneDeliveries(models, before(settings.deliveriesDays)) : { deliveries: 0, broadcasts: 0 };
  return { inbox, webMessages, deliveries: d.deliveries, broadcasts: d.broadcasts };
}
