import type { Types } from 'mongoose';
import type { ReachPath, SendResult } from '../domain/index.js';
import { outcomeUpdate } from './delivery-outcome.js';
import type { BroadcastLean, DeliveryLean, FanoutDeps, ParticipantLean } from './fanout-deps.js';
import type { MessageCache } from './message.js';
import type { SkipReason } from './reach.js';

/** One delivery's turn in a batch, and how its result is written: shared by the paths (deliver.ts) and the group post. */

/** What one run of a batch shares between its deliveries. */
export interface BatchRun {
  /** The batch lease's owner: group posts are claimed in its name. */
  readonly owner: string;
  readonly messages: MessageCache;
  readonly writes: WriteBuffer;
  /** `bot|path` refused for the whole page or OA in this run (budget, package, quota), with the reason: not tried again. */
  readonly closed: Map<string, SkipReason>;
}

/** One delivery, the one being worked on. */
export interface DeliveryTurn {
  readonly b: BroadcastLean;
  readonly d: DeliveryLean;
  readonly p: ParticipantLean;
  readonly run: BatchRun;
  /** Records the delivery's new state (buffered; a send's result is flushed before the next send). */
  settle(set: Record<string, unknown>): void;
}

/**
 * A send's result on the delivery (sent, retry later, failed), written now with any buffered skips
 * (the next send must not start before it is recorded); an unreachable member is marked.
 */
export async function settleResult(
  deps: FanoutDeps,
  turn: DeliveryTurn,
  result: SendResult,
  path: ReachPath,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { clock, options } = deps;
  const attempts = turn.d.attempts + 1;
  const outcome = outcomeUpdate(result, attempts, clock(), deps.maxAttempts, options.backoff, options.random);
  turn.settle({ ...outcome.set, attempts, path: outcome.set.status === 'pending' ? null : path, pathClaimedAt: null, ...extra });
  await turn.run.writes.flush();
  if (outcome.markUnreachable) {
    await deps.models.Participant.updateOne({ _id: turn.p._id }, { $set: { unreachable: { at: clock(), reason: outcome.markUnreachable } } });
  }
  if (!result.ok)
    deps.logger.debug({ broadcastId: turn.b._id, channel: turn.p.channel, path, errorClass: result.errorClass, code: result.code }, 'delivery not sent');
}

interface BulkCollection {
  bulkWrite(ops: Array<{ updateOne: { filter: Record<string, unknown>; update: Record<string, unknown> } }>, options: { ordered: boolean }): Promise<unknown>;
  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>): Promise<unknown>;
}

/** Delivery updates gathered and written in one round trip (a send's result flushes at once). */
export class WriteBuffer {
  private ops: Array<{ updateOne: { filter: Record<string, unknown>; update: Record<string, unknown> } }> = [];
  constructor(private readonly collection: BulkCollection) {}
  add(id: Types.ObjectId, set: Record<string, unknown>): void {
    this.ops.push({ updateOne: { filter: { _id: id }, update: { $set: set } } });
  }
  async flush(): Promise<void> {
    if (this.ops.length === 0) return;
    const ops = this.ops;
    this.ops = [];
    // One op (the usual case: a send's result) is a plain update, cheaper for the driver than a bulk.
    if (ops.length === 1) await this.collection.updateOne(ops[0]!.updateOne.filter, ops[0]!.updateOne.update);
    else await this.collection.bulkWrite(ops, { ordered: true });
  }
}
