import type { Agenda } from 'agenda';
import { Types } from 'mongoose';
import type { ChannelName, Clock, Locale, ParticipantRef, Send, SendResult } from '../domain/index.js';
import type { Broadcast, Delivery, Models, Participant } from '../db/models/index.js';
import type { Translate } from '../i18n/index.js';
import { JOB, scheduleOnce, type JobContext } from '../jobs/index.js';
import type { Logger } from '../log/index.js';
import { participantFilter } from './audience.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { composeMessage, MessageCache, type DailyQuestionMessage } from './message.js';
import { localDay, nextAllowedTime, quietWindowsFor, type QuietWindow } from './timing.js';
import type { TokenBucket } from './token-bucket.js';
import { decideWindow } from './windows.js';

export interface FanoutOptions {
  /** Deliveries per batch job: a crash repeats at most the one message in flight of each running batch. */
  readonly batchSize: number;
  /** Deliveries loaded at once inside a batch; the subscription and cancel checks refresh this often. */
  readonly chunkSize: number;
  /** A `sending` delivery older than this was interrupted (crash) and is sent again. */
  readonly claimTimeoutMs: number;
  readonly backoff: BackoffOptions;
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
  readonly buckets: Record<ChannelName, TokenBucket>;
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

/** The outcome of one send as a delivery update; pure so the retry and skip rules are testable. */
export function outcomeUpdate(
  result: SendResult,
  attempts: number,
  now: Date,
  maxAttempts: number,
  backoff: BackoffOptions,
  random: () => number,
): { set: Partial<Delivery>; markUnreachable?: string } {
  if (result.ok) return { set: { status: 'sent', sentAt: now, messageIds: [...result.messageIds], errorClass: null, reason: null, claimedAt: null } };
  const base = { errorClass: result.errorClass, reason: result.reason, claimedAt: null };
  switch (result.errorClass) {
    case 'retryable':
    case 'auth':
      if (attempts >= maxAttempts) return { set: { ...base, status: 'failed' } };
      return { set: { ...base, status: 'pending', notBefore: new Date(now.getTime() + backoffDelay(attempts, backoff, random, result.retryAfterMs)) } };
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
    const day = localDay(clock(), deps.timeZone);
    const q: Record<string, unknown> = { mode: 'daily', day };
    if (b.audience.bots.length) q.bot = { $in: b.audience.bots };
    return (await models.Answer.distinct('participantId', q)) as Types.ObjectId[];
  }

  /** Number of participants a broadcast would reach now. */
  async function audienceSize(b: Pick<BroadcastLean, 'audience'>): Promise<number> {
    return models.Participant.countDocuments(participantFilter(b.audience, clock(), await answeredToday(b as BroadcastLean)));
  }

  /** If every batch is materialised and nothing is left to send, the broadcast is done. */
  async function maybeFinish(broadcastId: string): Promise<void> {
    const b = await models.Broadcast.findById(broadcastId).select('status cursor').lean<BroadcastLean>();
    if (!b || b.status !== 'sending' || !b.cursor.complete) return;
    const open = await models.Delivery.exists({ broadcastId, status: { $in: ['pending', 'sending'] } });
    if (open) return;
    await models.Broadcast.updateOne({ _id: broadcastId, status: 'sending' }, { $set: { status: 'done', finishedAt: clock() } });
  }

  async function skipOpen(broadcastId: string, reason: string, batch?: number): Promise<void> {
    await models.Delivery.updateMany(
      { broadcastId, ...(batch === undefined ? {} : { batch }), status: 'pending' },
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
    let cursor = started.cursor;
    for (;;) {
      const page = await models.Participant.find({ ...filter, ...(cursor.lastParticipantId ? { _id: { ...(filter._id as object), $gt: new Types.ObjectId(cursor.lastParticipantId) } } : {}) })
        .sort({ _id: 1 })
        .limit(options.batchSize)
        .select('bot channel unitId locale')
        .lean<ParticipantLean[]>();
      if (page.length === 0) break;
      const batch = cursor.batches;
      const docs = page.map((p) => ({
        broadcastId,
        participantId: p._id,
        bot: p.bot,
        channel: p.channel,
        unitId: p.unitId ?? null,
        locale: p.locale ?? 'vi',
        batch,
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
      cursor = { lastParticipantId: String(page[page.length - 1]!._id), batches: batch + 1, complete: false };
      const still = await models.Broadcast.findOneAndUpdate({ _id: broadcastId, status: 'sending' }, { $set: { cursor } }, { returnDocument: 'after' }).select('status').lean();
      if (!still) return; // cancelled meanwhile: its batches skip what is left
      await ctx.touch();
      if (page.length < options.batchSize) break;
    }
    const size = await models.Delivery.countDocuments({ broadcastId });
    await models.Broadcast.updateOne({ _id: broadcastId, status: 'sending' }, { $set: { 'cursor.complete': true, audienceSize: size } });
    await maybeFinish(broadcastId);
  }

  /**
   * The `broadcast-batch` job: sends the open deliveries of one batch, one at a time (so a crash
   * can resend at most one message of this batch), then schedules the next round for deferred
   * or retrying deliveries, or finishes the broadcast.
   */
  async function sendBatch(data: { broadcastId: string; batch: number; round: number }, ctx: JobContext): Promise<void> {
    const { broadcastId, batch, round } = data;
    const b = await models.Broadcast.findById(broadcastId).lean<BroadcastLean>();
    if (!b) return;
    if (b.status === 'cancelled') {
      await skipOpen(broadcastId, 'cancelled', batch);
      return;
    }
    const startedAt = clock();
    // Deliveries left in `sending` by a crashed worker: sent again (the documented duplicate window).
    await models.Delivery.updateMany(
      { broadcastId, batch, status: 'sending', claimedAt: { $lt: new Date(startedAt.getTime() - options.claimTimeoutMs) } },
      { $set: { status: 'pending', claimedAt: null } },
    );
    const messages = new MessageCache((locale: Locale) => composeMessage(b, locale, deps));
    let lastId: Types.ObjectId | null = null;
    for (;;) {
      const now = clock();
      const chunk: DeliveryLean[] = await models.Delivery.find({
        broadcastId,
        batch,
        status: 'pending',
        $or: [{ notBefore: null }, { notBefore: { $lte: now } }],
        ...(lastId ? { _id: { $gt: lastId } } : {}),
      })
        .sort({ _id: 1 })
        .limit(options.chunkSize)
        .lean<DeliveryLean[]>();
      if (chunk.length === 0) break;
      lastId = chunk[chunk.length - 1]!._id;
      const status = await models.Broadcast.findById(broadcastId).select('status').lean<Pick<Broadcast, 'status'>>();
      if (status?.status === 'cancelled') {
        await skipOpen(broadcastId, 'cancelled', batch);
        return;
      }
      const people = new Map(
        (
          await models.Participant.find({ _id: { $in: chunk.map((d) => d.participantId) } })
            .select('bot channel userId groupId locale unitId subscribed unreachable lastInboundAt')
            .lean<ParticipantLean[]>()
        ).map((p) => [String(p._id), p]),
      );
      for (const d of chunk) {
        await deliverOne(b, d, people.get(String(d.participantId)), messages);
        await ctx.touch();
      }
    }
    const next = await models.Delivery.findOne({ broadcastId, batch, status: { $in: ['pending', 'sending'] } })
      .sort({ notBefore: 1 })
      .select('status notBefore claimedAt')
      .lean<DeliveryLean>();
    if (!next) return maybeFinish(broadcastId);
    const now = clock();
    const at =
      next.status === 'sending'
        ? new Date((next.claimedAt ?? now).getTime() + options.claimTimeoutMs + 1000)
        : new Date(Math.max(now.getTime(), (next.notBefore ?? now).getTime()));
    await enqueueBatch(broadcastId, batch, round + 1, at);
  }

  async function deliverOne(b: BroadcastLean, d: DeliveryLean, p: ParticipantLean | undefined, messages: MessageCache): Promise<void> {
    const skip = (reason: string) =>
      models.Delivery.updateOne({ _id: d._id, status: 'pending' }, { $set: { status: 'skipped', reason, claimedAt: null } });
    // Stopping reminders takes effect for everything not yet sent.
    if (!p || !p.subscribed) return void (await skip('unsubscribed'));
    if (p.unreachable) return void (await skip('unreachable'));
    const now = clock();
    const allowed = nextAllowedTime(now, quietWindowsFor(p.channel, deps.quietHoursFor(p.bot)), deps.timeZone);
    if (allowed > now) {
      await models.Delivery.updateOne({ _id: d._id, status: 'pending' }, { $set: { notBefore: allowed, reason: 'quiet_hours' } });
      return;
    }
    const window = decideWindow(p.channel, p.lastInboundAt, now, b.eventUpdate);
    if (!window.send) {
      await models.Delivery.updateOne({ _id: d._id, status: 'pending' }, { $set: { status: 'skipped', errorClass: 'window_closed', reason: window.reason } });
      return;
    }
    await deps.buckets[p.channel].take();
    const claimed = await models.Delivery.updateOne({ _id: d._id, status: 'pending' }, { $set: { status: 'sending', claimedAt: clock() } });
    if (claimed.modifiedCount === 0) return; // another run of this batch has it
    const locale = p.locale ?? d.locale;
    const to: ParticipantRef = { bot: p.bot, channel: p.channel, userId: p.userId, ...(p.groupId ? { groupId: p.groupId } : {}) };
    let result: SendResult;
    try {
      result = await deps.send(to, await messages.get(locale), { purpose: window.purpose, locale });
    } catch (err) {
      result = { ok: false, errorClass: 'retryable', reason: (err as Error).message || 'send threw' };
    }
    const attempts = d.attempts + 1;
    const outcome = outcomeUpdate(result, attempts, clock(), deps.maxAttempts, options.backoff, options.random);
    await models.Delivery.updateOne({ _id: d._id }, { $set: { ...outcome.set, attempts } });
    if (outcome.markUnreachable) {
      await models.Participant.updateOne({ _id: p._id }, { $set: { unreachable: { at: clock(), reason: outcome.markUnreachable } } });
    }
    if (!result.ok) deps.logger.debug({ broadcastId: b._id, channel: p.channel, errorClass: result.errorClass, code: result.code }, 'delivery not sent');
  }

  return { materialise, sendBatch, audienceSize, maybeFinish, skipOpen, enqueueBatch };
}

export type Fanout = ReturnType<typeof createFanout>;

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
