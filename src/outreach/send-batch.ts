import { randomUUID } from 'node:crypto';
import type { Collection } from 'mongodb';
import type { Broadcast } from '../db/index.js';
import type { Locale } from '../domain/index.js';
import type { JobContext } from '../jobs/index.js';
import { batchDone, enqueueBatch, skipOpen } from './batch-report.js';
import { deliverOne, loadPeople } from './deliver.js';
import { WriteBuffer, type BatchRun } from './delivery-turn.js';
import type { BroadcastLean, DeliveryLean, FanoutDeps } from './fanout-deps.js';
import { composeMessage, MessageCache } from './message.js';

export interface BatchJob {
  readonly broadcastId: string;
  readonly batch: number;
  readonly round: number;
}

/**
 * A lease on one batch, so two runs of its job (an expired Agenda lock) never send side by side.
 * Held in the database; a crashed holder's lease expires after `leaseMs`, and it is renewed while sending.
 */
function batchLease(deps: FanoutDeps, batchKey: string) {
  const { clock, options } = deps;
  const leases = deps.models.Lease.collection as unknown as Collection<{ _id: string; owner: string; expiresAt: Date }>;
  const owner = `${process.pid}:${randomUUID()}`;
  let renewedAt = clock().getTime();
  async function acquire(): Promise<boolean> {
    const now = clock();
    try {
      await leases.findOneAndUpdate(
        { _id: `outreach:${batchKey}`, $or: [{ expiresAt: { $lte: now } }, { owner }] },
        { $set: { owner, expiresAt: new Date(now.getTime() + options.leaseMs) } },
        { upsert: true },
      );
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }
  return {
    acquire,
    async renewIfDue(): Promise<void> {
      if (clock().getTime() - renewedAt <= options.leaseMs / 4) return;
      renewedAt = clock().getTime();
      await acquire();
    },
    release: () => leases.deleteOne({ _id: `outreach:${batchKey}`, owner }),
    owner,
  };
}
type BatchLease = ReturnType<typeof batchLease>;

const isCancelled = async (deps: FanoutDeps, broadcastId: string) =>
  (await deps.models.Broadcast.findById(broadcastId).select('status').lean<Pick<Broadcast, 'status'>>())?.status === 'cancelled';

/**
 * The `broadcast-batch` job: sends the open deliveries of one batch one at a time, writing each
 * result before the next send, so a crash can resend at most the one message in flight. Then it
 * schedules the next round for deferred or retrying deliveries, or reports the batch done.
 */
export async function sendBatch(deps: FanoutDeps, job: BatchJob, ctx: JobContext): Promise<void> {
  const { broadcastId, batch } = job;
  const batchKey = `${broadcastId}:${batch}`;
  const b = await deps.models.Broadcast.findById(broadcastId).lean<BroadcastLean>();
  if (!b) return;
  if (b.status === 'cancelled') return skipOpen(deps, broadcastId, 'cancelled', batch);
  const lease = batchLease(deps, batchKey);
  if (!(await lease.acquire())) return; // another run is sending this batch; its own job carries on
  try {
    await recoverInterrupted(deps, batchKey);
    const messages = new MessageCache((locale: Locale, member) => composeMessage(b, locale, deps, member), b.kind === 'daily' || b.kind === 'recap');
    const closed: BatchRun['closed'] = new Map();
    for (;;) {
      const { chunk, claimedAt } = await claimChunk(deps, batchKey);
      if (chunk.length === 0) break;
      if ((await sendChunk(deps, b, chunk, claimedAt, { messages, lease, ctx, closed })) === 'cancelled')
        return skipOpen(deps, broadcastId, 'cancelled', batch);
    }
  } finally {
    await lease.release();
  }
  await scheduleNextRound(deps, job, batchKey);
}

/**
 * We hold the batch: a delivery still `sending` was interrupted by a crash. On a free path it is sent
 * again (the documented duplicate window: at most one per batch in flight); on a paid path, claimed
 * before its send, it may have gone out, so it is counted as sent (unconfirmed) and never sent again.
 */
async function recoverInterrupted(deps: FanoutDeps, batchKey: string): Promise<void> {
  const coll = deps.models.Delivery.collection;
  const now = deps.clock();
  await coll.updateMany(
    { batchKey, status: 'sending', pathClaimedAt: { $ne: null } },
    { $set: { status: 'sent', sentAt: now, reason: 'unconfirmed', errorClass: null, claimedAt: null, pathClaimedAt: null, updatedAt: now } },
  );
  await coll.updateMany({ batchKey, status: 'sending' }, { $set: { status: 'pending', claimedAt: null } });
}

/** The next deliveries of the batch that are due, marked `sending`, which takes them out of the next query. */
async function claimChunk(deps: FanoutDeps, batchKey: string): Promise<{ chunk: DeliveryLean[]; claimedAt: Date }> {
  const { models } = deps;
  const now = deps.clock();
  const chunk: DeliveryLean[] = await models.Delivery.find({ batchKey, status: 'pending', $or: [{ notBefore: null }, { notBefore: { $lte: now } }] })
    .sort({ _id: 1 })
    .limit(deps.options.chunkSize)
    .lean<DeliveryLean[]>();
  // No _id range: cheap on any server.
  if (chunk.length)
    await models.Delivery.collection.updateMany({ _id: { $in: chunk.map((d) => d._id) }, status: 'pending' }, { $set: { status: 'sending', claimedAt: now } });
  return { chunk, claimedAt: now };
}

/** Sends a claimed chunk one delivery at a time; 'cancelled' when the broadcast was cancelled meanwhile. */
async function sendChunk(
  deps: FanoutDeps,
  b: BroadcastLean,
  chunk: readonly DeliveryLean[],
  claimedAt: Date,
  run: { messages: MessageCache; lease: BatchLease; ctx: JobContext; closed: BatchRun['closed'] },
): Promise<'sent' | 'cancelled'> {
  const { clock, options } = deps;
  let people = await loadPeople(
    deps,
    chunk.map((d) => d.participantId),
  );
  let checkedAt = claimedAt.getTime();
  const writes = new WriteBuffer(deps.models.Delivery.collection);
  const batchRun: BatchRun = { owner: run.lease.owner, messages: run.messages, writes, closed: run.closed };
  for (let i = 0; i < chunk.length; i++) {
    const d = chunk[i]!;
    // Slow channels (zca-js) take seconds per message: re-check cancel and subscriptions as we go.
    if (clock().getTime() - checkedAt > options.recheckMs) {
      await writes.flush();
      if (await isCancelled(deps, b._id)) return 'cancelled';
      people = await loadPeople(
        deps,
        chunk.slice(i).map((x) => x.participantId),
      );
      checkedAt = clock().getTime();
    }
    await deliverOne(deps, b, d, people.get(String(d.participantId)), batchRun);
    await run.lease.renewIfDue();
    await run.ctx.touch();
  }
  await writes.flush();
  return (await isCancelled(deps, b._id)) ? 'cancelled' : 'sent';
}

/** Deferred or retrying deliveries get the batch's next round at the earliest time one is due; none left reports the batch done. */
async function scheduleNextRound(deps: FanoutDeps, job: BatchJob, batchKey: string): Promise<void> {
  const next = await deps.models.Delivery.findOne({ batchKey, status: { $in: ['pending', 'sending'] } })
    .sort({ notBefore: 1 })
    .select('status notBefore')
    .lean<DeliveryLean>();
  if (!next) return batchDone(deps, job.broadcastId, job.batch);
  const now = deps.clock();
  const at = next.status === 'sending' ? new Date(now.getTime() + deps.options.leaseMs) : new Date(Math.max(now.getTime(), (next.notBefore ?? now).getTime()));
  await enqueueBatch(deps, job.broadcastId, job.batch, job.round + 1, at);
}
