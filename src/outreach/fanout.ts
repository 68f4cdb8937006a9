import { randomUUID } from 'node:crypto';
import type { Agenda } from 'agenda';
import type { Collection } from 'mongodb';
import { Types } from 'mongoose';
import { backoffDelay, dayOf, type Clock, type Locale, type ParticipantRef, type Send, type SendResult } from '../domain/index.js';
import type { Broadcast, Delivery, Models, Participant } from '../db/index.js';
import type { Translate } from '../i18n/index.js';
import { JOB, scheduleOnce, type JobContext } from '../jobs/index.js';
import type { Logger } from '../log/index.js';
import { participantFilter } from './audience.js';
import { composeMessage, MessageCache, type DailyQuestionMessage } from './message.js';
import { nextAllowedTime, quietWindowsFor, type QuietWindow } from './timing.js';
import { decideWindow } from './windows.js';

export interface FanoutOptions {
  /** Deliveries per batch job: a crash repeats at most the one message in flight of each running batch. */
  readonly batchSize: number;
  /** Deliveries loaded at once inside a batch; the subscription and cancel checks refresh this often. */
  readonly chunkSize: number;
  /** A batch's lease: a crashed worker's batch is retaken after this (and it is renewed while sending). */
  readonly leaseMs: number;
  /** While sending a chunk, cancel and subscriptions are re-read this often. */
  readonly recheckMs: number;
  /** Retries of a failed delivery: baseMs · 2^(attempt − 1) up to maxMs, with equal jitter. */
  readonly backoff: DeliveryBackoff;
  readonly random: () => number;
}

export interface FanoutDeps {
  readonly models: Models;
  readonly agenda: Agenda;
  readonly send: Send;
  readonly t: Translate;
  readonly timeZone: string;
  readonly quietHoursFor: (bot: string) => QuietWindow;
  readonly maxAttempts: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dailyQuestionMessage?: DailyQuestionMessage | undefined;
  readonly options: FanoutOptions;
}

type ParticipantLean = Pick<Participant, 'bot' | 'channel' | 'userId' | 'groupId' | 'locale' | 'unitId' | 'subscribed' | 'unreachable' | 'lastInboundAt'> & {
  _id: Types.ObjectId;
};
type DeliveryLean = Delivery & { _id: Types.ObjectId };
type BroadcastLean = Broadcast;

export interface DeliveryBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: DeliveryBackoff = { baseMs: 30_000, maxMs: 30 * 60_000 };

/**
 * The wait before a delivery's next attempt: the doubling backoff with "equal jitter" (half fixed,
 * half random) so a burst of failures does not retry in lock step; a platform's own Retry-After wins
 * when it asks for longer.
 */
function retryDelay(attempts: number, backoff: DeliveryBackoff, random: () => number, retryAfterMs: number | undefined): number {
  return Math.max(backoffDelay(attempts, { ...backoff, jitter: 'equal', random }), retryAfterMs ?? 0);
}

/** The outcome of one send as a delivery update; pure so the retry and skip rules are testable. */
export function outcomeUpdate(
  result: SendResult,
  attempts: number,
  now: Date,
  maxAttempts: number,
  backoff: DeliveryBackoff,
  random: () => number,
): { set: Partial<Delivery>; markUnreachable?: string } {
  if (result.ok) return { set: { status: 'sent', sentAt: now, messageIds: [...result.messageIds], errorClass: null, reason: null, claimedAt: null } };
  const base = { errorClass: result.errorClass, reason: result.reason, claimedAt: null };
  switch (result.errorClass) {
    case 'retryable':
    case 'auth':
      if (attempts >= maxAttempts) return { set: { ...base, status: 'failed' } };
      return { set: { ...base, status: 'pending', notBefore: new Date(now.getTime() + retryDelay(attempts, backoff, random, result.retryAfterMs)) } };
    case 'window_closed':
      return { set: { ...base, status: 'skipped', reason: 'window_closed' } };
    case 'unreachable':
      return { set: { ...base, status: 'failed' }, markUnreachable: result.reason };
    case 'invalid':
      return { set: { ...base, status: 'failed' } };
  }
}

/**
 * The broadcast engine: turns an audience into deliveries (in batches, idempotently) and sends
 * each batch as its own job, honouring quiet hours, platform windows, subscriptions, rate limits
 * and retries. Exactly-once except for one documented window: a crash after the platform accepted
 * a message and before we recorded it resends that one message.
 */
export function createFanout(deps: FanoutDeps) {
  const { models, clock, options } = deps;

  async function enqueueBatch(broadcastId: string, batch: number, round: number, when: Date): Promise<void> {
    await scheduleOnce(deps.agenda, JOB.broadcastBatch, { broadcastId, batch, round }, { broadcastId, batch, round }, when);
  }

  async function answeredToday(b: BroadcastLean): Promise<Types.ObjectId[] | undefined> {
    if (b.audience.answeredToday === null) return undefined;
    const day = dayOf(clock(), deps.timeZone);
    const q: Record<string, unknown> = { mode: 'daily', day };
    if (b.audience.bots.length) q.bot = { $in: b.audience.bots };
    return (await models.Answer.distinct('participantId', q)) as Types.ObjectId[];
  }

  /** Number of participants a broadcast would reach now. */
  async function audienceSize(b: Pick<BroadcastLean, 'audience'>): Promise<number> {
    return models.Participant.countDocuments(participantFilter(b.audience, clock(), await answeredToday(b as BroadcastLean)));
  }

  /** Done when every batch is materialised and each has reported nothing left to send. */
  async function maybeFinish(broadcastId: string): Promise<void> {
    const b = await models.Broadcast.findById(broadcastId).select('status cursor').lean<BroadcastLean>();
    if (!b || b.status !== 'sending' || !b.cursor.complete) return;
    if (new Set(b.cursor.doneBatches ?? []).size < b.cursor.batches) return;
    await models.Broadcast.updateOne({ _id: broadcastId, status: 'sending' }, { $set: { status: 'done', finishedAt: clock() } });
  }

  async function skipOpen(broadcastId: string, reason: string, batch?: number): Promise<void> {
    await models.Delivery.updateMany(
      batch === undefined
        ? { broadcastId, status: { $in: ['pending', 'sending'] } }
        : { batchKey: `${broadcastId}:${batch}`, status: { $in: ['pending', 'sending'] } },
      { $set: { status: 'skipped', reason, claimedAt: null } },
    );
  }

  /**
   * The `broadcast` job: materialise deliveries page by page from a cursor stored on the broadcast
   * and start a batch job per page. Running it twice re-inserts nothing (unique broadcast +
   * participant) and re-creates no job (unique batch key).
   */
  async function materialise(broadcastId: string, ctx: JobContext): Promise<void> {
    const now = clock();
    const started = await models.Broadcast.findOneAndUpdate(
      { _id: broadcastId, status: { $in: ['scheduled', 'sending'] }, sendAt: { $lte: new Date(now.getTime() + 1000) } },
      { $set: { status: 'sending' } },
      { returnDocument: 'after' },
    ).lean<BroadcastLean>();
    if (!started) return;
    if (!started.startedAt) await models.Broadcast.updateOne({ _id: broadcastId, startedAt: null }, { $set: { startedAt: now } });
    if (started.cursor.complete) return maybeFinish(broadcastId);
    const filter = participantFilter(started.audience, now, await answeredToday(started));
    if (started.cursor.lastParticipantId) {
      filter._id = { ...(filter._id as object | undefined), $gt: new Types.ObjectId(started.cursor.lastParticipantId) };
    }
    // One query streamed in pages (resumable from the stored cursor), not one query per page.
    const stream = models.Participant.collection.find(filter, {
      sort: { _id: 1 },
      projection: { bot: 1, channel: 1, unitId: 1, locale: 1 },
      batchSize: options.batchSize,
    });
    let cursor = started.cursor;
    let page: ParticipantLean[] = [];
    const flush = async (): Promise<boolean> => {
      const batch = cursor.batches;
      const batchKey = `${broadcastId}:${batch}`;
      const docs = page.map((p) => ({
        broadcastId,
        participantId: p._id,
        bot: p.bot,
        channel: p.channel,
        unitId: p.unitId ?? null,
        locale: p.locale ?? 'vi',
        batch,
        batchKey,
        status: 'pending',
        attempts: 0,
        notBefore: null,
        claimedAt: null,
        errorClass: null,
        reason: null,
        messageIds: [],
        sentAt: null,
        deliveredAt: null,
        readAt: null,
        createdAt: now,
        updatedAt: now,
      }));
      await insertIgnoringDuplicates(models.Delivery.collection, docs);
      await enqueueBatch(broadcastId, batch, 0, clock());
      cursor = { ...cursor, lastParticipantId: String(page[page.length - 1]!._id), batches: batch + 1 };
      page = [];
      const still = await models.Broadcast.updateOne(
        { _id: broadcastId, status: 'sending' },
        { $set: { 'cursor.lastParticipantId': cursor.lastParticipantId, 'cursor.batches': cursor.batches } },
      );
      await ctx.touch();
      return still.matchedCount > 0; // cancelled meanwhile: its batches skip what is left
    };
    try {
      for await (const p of stream) {
        page.push(p as unknown as ParticipantLean);
        if (page.length >= options.batchSize && !(await flush())) return;
      }
      if (page.length > 0 && !(await flush())) return;
    } finally {
      await stream.close();
    }
    const size = await models.Delivery.countDocuments({ broadcastId });
    await models.Broadcast.updateOne({ _id: broadcastId, status: 'sending' }, { $set: { 'cursor.complete': true, audienceSize: size } });
    await maybeFinish(broadcastId);
  }

  /**
   * A lease on one batch, so two runs of its job (an expired Agenda lock) never send side by side.
   * Held in the database; a crashed holder's lease expires after `leaseMs`.
   */
  const leases = () => models.Lease.collection as unknown as Collection<{ _id: string; owner: string; expiresAt: Date }>;

  async function acquireBatch(batchKey: string, owner: string): Promise<boolean> {
    const now = clock();
    try {
      await leases().findOneAndUpdate(
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

  async function releaseBatch(batchKey: string, owner: string): Promise<void> {
    await leases().deleteOne({ _id: `outreach:${batchKey}`, owner });
  }

  async function loadPeople(ids: readonly Types.ObjectId[]): Promise<Map<string, ParticipantLean>> {
    const people = await models.Participant.find({ _id: { $in: ids } })
      .select('bot channel userId groupId locale unitId subscribed unreachable lastInboundAt')
      .lean<ParticipantLean[]>();
    return new Map(people.map((p) => [String(p._id), p]));
  }

  /**
   * The `broadcast-batch` job: sends the open deliveries of one batch one at a time, writing each
   * result before the next send, so a crash can resend at most the one message in flight. Then it
   * schedules the next round for deferred or retrying deliveries, or marks the batch done.
   */
  async function sendBatch(data: { broadcastId: string; batch: number; round: number }, ctx: JobContext): Promise<void> {
    const { broadcastId, batch, round } = data;
    const batchKey = `${broadcastId}:${batch}`;
    const b = await models.Broadcast.findById(broadcastId).lean<BroadcastLean>();
    if (!b) return;
    if (b.status === 'cancelled') return skipOpen(broadcastId, 'cancelled', batch);
    const owner = `${process.pid}:${randomUUID()}`;
    if (!(await acquireBatch(batchKey, owner))) return; // another run is sending this batch; its own job carries on
    try {
      // We hold the batch: a delivery still `sending` was interrupted by a crash and is sent again
      // (the documented duplicate window: at most one per batch in flight).
      await models.Delivery.collection.updateMany({ batchKey, status: 'sending' }, { $set: { status: 'pending', claimedAt: null } });
      const messages = new MessageCache((locale: Locale) => composeMessage(b, locale, deps));
      let leaseRenewedAt = clock().getTime();
      for (;;) {
        const now = clock();
        const chunk: DeliveryLean[] = await models.Delivery.find({
          batchKey,
          status: 'pending',
          $or: [{ notBefore: null }, { notBefore: { $lte: now } }],
        })
          .sort({ _id: 1 })
          .limit(options.chunkSize)
          .lean<DeliveryLean[]>();
        if (chunk.length === 0) break;
        // Marking the chunk `sending` takes it out of the next query (no _id range: cheap on any server).
        await models.Delivery.collection.updateMany(
          { _id: { $in: chunk.map((d) => d._id) }, status: 'pending' },
          { $set: { status: 'sending', claimedAt: now } },
        );
        let people = await loadPeople(chunk.map((d) => d.participantId));
        let checkedAt = now.getTime();
        const writes = new WriteBuffer(models.Delivery.collection);
        for (let i = 0; i < chunk.length; i++) {
          const d = chunk[i]!;
          // Slow channels (zca-js) take seconds per message: re-check cancel and subscriptions as we go.
          if (clock().getTime() - checkedAt > options.recheckMs) {
            await writes.flush();
            const status = await models.Broadcast.findById(broadcastId).select('status').lean<Pick<Broadcast, 'status'>>();
            if (status?.status === 'cancelled') return skipOpen(broadcastId, 'cancelled', batch);
            people = await loadPeople(chunk.slice(i).map((x) => x.participantId));
            checkedAt = clock().getTime();
          }
          await deliverOne(b, d, people.get(String(d.participantId)), messages, writes);
          if (clock().getTime() - leaseRenewedAt > options.leaseMs / 4) {
            leaseRenewedAt = clock().getTime();
            await acquireBatch(batchKey, owner);
          }
          await ctx.touch();
        }
        await writes.flush();
        const status = await models.Broadcast.findById(broadcastId).select('status').lean<Pick<Broadcast, 'status'>>();
        if (status?.status === 'cancelled') return skipOpen(broadcastId, 'cancelled', batch);
      }
    } finally {
      await releaseBatch(batchKey, owner);
    }
    const next = await models.Delivery.findOne({ batchKey, status: { $in: ['pending', 'sending'] } })
      .sort({ notBefore: 1 })
      .select('status notBefore')
      .lean<DeliveryLean>();
    if (!next) {
      await models.Broadcast.updateOne({ _id: broadcastId }, { $addToSet: { 'cursor.doneBatches': batch } });
      return maybeFinish(broadcastId);
    }
    const now = clock();
    const at = next.status === 'sending' ? new Date(now.getTime() + options.leaseMs) : new Date(Math.max(now.getTime(), (next.notBefore ?? now).getTime()));
    await enqueueBatch(broadcastId, batch, round + 1, at);
  }

  /** One delivery: the checks, then the send, then its result written before anything else is sent. */
  async function deliverOne(b: BroadcastLean, d: DeliveryLean, p: ParticipantLean | undefined, messages: MessageCache, writes: WriteBuffer): Promise<void> {
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
    const message = await messages.get(locale);
    if (!message) return settle({ status: 'skipped', reason: 'no_message' });
    const to: ParticipantRef = { bot: p.bot, channel: p.channel, userId: p.userId, ...(p.groupId ? { groupId: p.groupId } : {}) };
    let result: SendResult;
    try {
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
      await models.Participant.updateOne({ _id: p._id }, { $set: { unreachable: { at: clock(), reason: outcome.markUnreachable } } });
    }
    if (!result.ok) deps.logger.debug({ broadcastId: b._id, channel: p.channel, errorClass: result.errorClass, code: result.code }, 'delivery not sent');
  }

  return { materialise, sendBatch, audienceSize, maybeFinish, skipOpen, enqueueBatch };
}

export type Fanout = ReturnType<typeof createFanout>;

interface BulkCollection {
  bulkWrite(ops: Array<{ updateOne: { filter: Record<string, unknown>; update: Record<string, unknown> } }>, options: { ordered: boolean }): Promise<unknown>;
  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>): Promise<unknown>;
}

/** Delivery updates gathered and written in one round trip (a send's result flushes at once). */
class WriteBuffer {
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

interface InsertableCollection {
  insertMany(docs: Record<string, unknown>[], options: { ordered: boolean }): Promise<unknown>;
}

/** insertMany that treats "already there" (duplicate key) as success: materialising again is a no-op. */
async function insertIgnoringDuplicates(collection: InsertableCollection, docs: Record<string, unknown>[]): Promise<void> {
  try {
    await collection.insertMany(docs, { ordered: false });
  } catch (err) {
    type WriteError = { code?: number; err?: { code?: number } };
    const e = err as { code?: number; writeErrors?: WriteError[] | WriteError };
    const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
    const onlyDuplicates = writeErrors.length > 0 ? writeErrors.every((w) => (w.code ?? w.err?.code) === 11000) : e.code === 11000;
    if (!onlyDuplicates) throw err;
  }
}
