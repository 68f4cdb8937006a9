import type { Types } from 'mongoose';
import type { ParticipantRef, SendResult } from '../domain/index.js';
import { outcomeUpdate } from './delivery-outcome.js';
import type { BroadcastLean, DeliveryLean, FanoutDeps, ParticipantLean } from './fanout-deps.js';
import type { MessageCache } from './message.js';
import { nextAllowedTime, quietWindowsFor } from './timing.js';
import { decideWindow } from './windows.js';

/** The participants of a chunk of deliveries, with what the checks before a send read. */
export async function loadPeople(deps: FanoutDeps, ids: readonly Types.ObjectId[]): Promise<Map<string, ParticipantLean>> {
  const people = await deps.models.Participant.find({ _id: { $in: ids } })
    .select('bot channel userId groupId locale unitId subscribed unreachable lastInboundAt')
    .lean<ParticipantLean[]>();
  return new Map(people.map((p) => [String(p._id), p]));
}

/** One delivery: the checks, then the send, then its result written before anything else is sent. */
export async function deliverOne(
  deps: FanoutDeps,
  b: BroadcastLean,
  d: DeliveryLean,
  p: ParticipantLean | undefined,
  messages: MessageCache,
  writes: WriteBuffer,
): Promise<void> {
  const { clock, options } = deps;
  const settle = (set: Record<string, unknown>) => writes.add(d._id, { ...set, claimedAt: null, updatedAt: clock() });
  // Stopping reminders takes effect for everything not yet sent.
  if (!p || !p.subscribed) return settle({ status: 'skipped', reason: 'unsubscribed' });
  if (p.unreachable) return settle({ status: 'skipped', reason: 'unreachable' });
  const now = clock();
  const allowed = nextAllowedTime(now, quietWindowsFor(p.channel, deps.quietHoursFor(p.bot)), deps.timeZone);
  if (allowed > now) return settle({ status: 'pending', notBefore: allowed, reason: 'quiet_hours' });
  const window = decideWindow(p.channel, p.lastInboundAt, now, b.eventUpdate);
  if (!window.send) return settle({ status: 'skipped', errorClass: 'window_closed', reason: window.reason });
  const locale = p.locale ?? d.locale;
  const to: ParticipantRef = { bot: p.bot, channel: p.channel, userId: p.userId, ...(p.groupId ? { groupId: p.groupId } : {}) };
  const message = await messages.get(locale, to);
  if (!message) return settle({ status: 'skipped', reason: 'no_message' });
  let result: SendResult;
  try {
    // Through the channels' send pipeline, whose one limiter paces every send.
    result = await deps.send(to, message, { purpose: window.purpose, locale });
  } catch (err) {
    result = { ok: false, errorClass: 'retryable', reason: (err as Error).message || 'send threw' };
  }
  const attempts = d.attempts + 1;
  const outcome = outcomeUpdate(result, attempts, clock(), deps.maxAttempts, options.backoff, options.random);
  settle({ ...outcome.set, attempts });
  // Written now, with any buffered skips: the next send must not start before this is recorded.
  await writes.flush();
  if (outcome.markUnreachable) {
    await deps.models.Participant.updateOne({ _id: p._id }, { $set: { unreachable: { at: clock(), reason: outcome.markUnreachable } } });
  }
  if (!result.ok) deps.logger.debug({ broadcastId: b._id, channel: p.channel, errorClass: result.errorClass, code: result.code }, 'delivery not sent');
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
