import { JOB, scheduleOnce } from '../jobs/index.js';
import type { BroadcastLean, FanoutDeps } from './fanout-deps.js';

/**
 * How a broadcast's batches report: a batch job (re)scheduled, a batch done, the open deliveries
 * of a cancelled one skipped, the broadcast finished once every batch is done.
 */

/** Schedules a batch's next round (once per key: running it twice creates one job). */
export async function enqueueBatch(deps: FanoutDeps, broadcastId: string, batch: number, round: number, when: Date): Promise<void> {
  await scheduleOnce(deps.agenda, JOB.broadcastBatch, { broadcastId, batch, round }, { broadcastId, batch, round }, when);
}

/** Done when every batch is materialised and each has reported nothing left to send. */
export async function maybeFinish(deps: FanoutDeps, broadcastId: string): Promise<void> {
  const { models } = deps;
  const b = await models.Broadcast.findById(broadcastId).select('status cursor').lean<BroadcastLean>();
  if (!b || b.status !== 'sending' || !b.cursor.complete) return;
  if (new Set(b.cursor.doneBatches ?? []).size < b.cursor.batches) return;
  await models.Broadcast.updateOne({ _id: broadcastId, status: 'sending' }, { $set: { status: 'done', finishedAt: deps.clock() } });
}

/** A batch with nothing left to send: recorded on the broadcast, which may now be done. */
export async function batchDone(deps: FanoutDeps, broadcastId: string, batch: number): Promise<void> {
  await deps.models.Broadcast.updateOne({ _id: broadcastId }, { $addToSet: { 'cursor.doneBatches': batch } });
  await maybeFinish(deps, broadcastId);
}

/** Skips what is still open (a cancel): the whole broadcast, or one batch. */
export async function skipOpen(deps: FanoutDeps, broadcastId: string, reason: string, batch?: number): Promise<void> {
  await deps.models.Delivery.updateMany(
    batch === undefined
      ? { broadcastId, status: { $in: ['pending', 'sending'] } }
      : { batchKey: `${broadcastId}:${batch}`, status: { $in: ['pending', 'sending'] } },
    { $set: { status: 'skipped', reason, claimedAt: null } },
  );
}
