import type { Model } from 'mongoose';
import type { InboxEvent, InboxReply } from '../../db/index.js';
import { backoffDelay, type Clock, type InboundEvent, type InboundHandler, type OutboundMessage, type ParticipantRef, type Send } from '../../domain/index.js';
import type { Logger } from '../../log/index.js';

/** What processing one entry needs: the handler, the send pipeline, the inbox and the limits. */
export interface EntryDeps {
  readonly model: Model<InboxEvent>;
  readonly handler: InboundHandler;
  readonly onReceipt?: (e: Extract<InboundEvent, { kind: 'delivered' | 'read' }>) => Promise<void>;
  readonly send: Send;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly maxAttempts: number;
  /** Told when a reply whose send state a crash left unknown is sent again (a metric). */
  readonly onResendUnknown?: () => void;
}

export type Entry = InboxEvent & { _id: unknown };

/** Thrown to retry an entry later: a reply could not be sent for a reason that may pass. */
class RetryLater extends Error {}
/** Thrown when our lease ran out mid-entry: another process owns the participant now; leave the entry to it. */
export class LeaseLost extends Error {}

/** A failed entry is tried again after 1 s, 2 s, 4 s... up to a minute. */
const RETRY_BACKOFF = { baseMs: 1000, maxMs: 60_000 };

/**
 * One attempt at one entry: its replies are computed once and stored on the entry, then sent one by
 * one with `repliesSent` advanced after each, so a crash never resends a reply already sent. Throws
 * LeaseLost when another process has taken the participant over; any other failure is recorded on
 * the entry (retried later, or failed for good after `maxAttempts`).
 */
export async function processEntry(deps: EntryDeps, entry: Entry, holding: () => boolean): Promise<void> {
  const coll = deps.model.collection;
  const attempts = entry.attempts + 1;
  // Claim this attempt in the database. Every later write of this attempt is conditional on
  // `attempts` still being ours: a process that took over after our lease expired has bumped it,
  // and our next write then fails instead of doubling its work (a fence stronger than the clock).
  const mine = { _id: entry._id as never, attempts };
  const claimed = await coll.updateOne({ _id: entry._id as never, status: 'pending', attempts: entry.attempts }, { $set: { attempts } });
  if (claimed.matchedCount !== 1) throw new LeaseLost('entry taken over');
  const fenced = async (update: Record<string, unknown>) => {
    const r = await coll.updateOne(mine, update);
    if (r.matchedCount !== 1) throw new LeaseLost('entry taken over');
  };
  try {
    const last = await handleEntry(deps, entry, holding, fenced);
    // The last reply's bookkeeping and "done" are one write: a crash before it resends that reply
    // (counted), exactly as a crash before a separate `repliesSent` write would.
    await fenced({ $set: { ...last, status: 'done', processedAt: deps.clock(), lastError: null } });
  } catch (err) {
    if (err instanceof LeaseLost) throw err;
    await recordFailure(deps, entry, attempts, mine, err);
  }
}

type Fenced = (update: Record<string, unknown>) => Promise<void>;
/** Fields the entry's final write must also set (the last reply's bookkeeping). */
type Pending = Record<string, unknown>;

/**
 * The work of an entry: a receipt goes to outreach; anything else to the handler, whose replies are
 * sent. Returns what the final write must also record.
 */
async function handleEntry(deps: EntryDeps, entry: Entry, holding: () => boolean, fenced: Fenced): Promise<Pending> {
  const event = entry.event as unknown as InboundEvent;
  if (event.kind === 'delivered' || event.kind === 'read') {
    await deps.onReceipt?.(event);
    return {};
  }
  let replies = entry.replies;
  /** Whether reply `repliesSent` is already recorded as `sending` (with the stored replies). */
  let announced = false;
  if (replies === null) {
    const answered = await deps.handler(event);
    replies = answered.map(plainReply);
    announced = replies.length > entry.repliesSent && holding();
    await fenced({ $set: { replies, ...(announced ? { sending: sendingMark(deps, entry, entry.repliesSent) } : {}) } });
  }
  // `lastInboundAt` (the platform's window) is the handler's: the conversation writes it with the turn.
  return sendReplies(deps, entry, event, replies, holding, fenced, announced);
}

/** The `sending` record of reply `index`: its own key, and when it was handed over. */
function sendingMark(deps: EntryDeps, entry: Entry, index: number) {
  return { index, key: `${entry.key}#${index}`, at: deps.clock() };
}

/**
 * Sends the replies not sent yet, in order. Each is recorded as `sending` (with its own key) before
 * the platform is called and as sent (`repliesSent`) the moment the call returns, so after a crash
 * only a reply that was with the platform at that moment has an unknown state; it is sent again
 * (a member may get it twice: no platform offers an idempotency key) and counted.
 *
 * One write per reply: a reply's result and the next reply's `sending` are recorded together (the
 * first `sending` with the stored replies, the last result with "done": the returned fields), so a
 * member's two replies cost two writes, not four. A burst of new members is mostly such writes.
 */
async function sendReplies(
  deps: EntryDeps,
  entry: Entry,
  event: InboundEvent,
  replies: InboxReply[],
  holding: () => boolean,
  fenced: Fenced,
  announced: boolean,
): Promise<Pending> {
  const to: ParticipantRef = { bot: event.bot, channel: event.channel, userId: event.userId, ...(event.groupId ? { groupId: event.groupId } : {}) };
  for (let i = entry.repliesSent; i < replies.length; i++) {
    // Fencing: never send once another process may have taken over.
    if (!holding()) throw new LeaseLost('lease lost');
    if (entry.sending?.index === i) {
      deps.onResendUnknown?.();
      deps.logger.warn({ participant: entry.participant, key: entry.sending.key }, 'reply in flight at a crash: sending it again (it may arrive twice)');
    }
    if (!announced) await fenced({ $set: { sending: sendingMark(deps, entry, i) } });
    const result = await deps.send(to, replies[i] as OutboundMessage, { purpose: 'response' });
    if (!result.ok) {
      if (result.errorClass === 'retryable' || result.errorClass === 'auth') {
        await fenced({ $set: { sending: null } });
        throw new RetryLater(`${result.errorClass}: ${result.reason}`);
      }
      // window_closed / unreachable / invalid: the remaining replies would fail the same way.
      deps.logger.warn({ participant: entry.participant, errorClass: result.errorClass, code: result.code, reason: result.reason }, 'reply not delivered');
      return { sending: null };
    }
    if (i + 1 === replies.length) return { repliesSent: i + 1, sending: null };
    // The next reply is announced only while the lease holds (the loop's check then throws).
    announced = holding();
    await fenced({ $set: { repliesSent: i + 1, sending: announced ? sendingMark(deps, entry, i + 1) : null } });
  }
  return { sending: null };
}

/** Records a failed attempt: retried after a backoff, or failed for good after `maxAttempts`. */
async function recordFailure(deps: EntryDeps, entry: Entry, attempts: number, mine: Record<string, unknown>, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  const failed = attempts >= deps.maxAttempts;
  await deps.model.collection.updateOne(mine, {
    $set: {
      lastError: message.slice(0, 2000),
      ...(failed
        ? { status: 'failed', processedAt: deps.clock() }
        : { nextAttemptAt: new Date(deps.clock().getTime() + backoffDelay(attempts, RETRY_BACKOFF)) }),
    },
  });
  const log = { participant: entry.participant, key: entry.key, attempts, err: message };
  if (failed) deps.logger.error(log, 'inbox entry failed for good');
  else deps.logger.warn(log, 'inbox entry failed; will retry');
}

function plainReply(m: OutboundMessage): InboxReply {
  return {
    text: m.text,
    ...(m.choices?.length ? { choices: m.choices.map((c) => ({ title: c.title, payload: c.payload, ...(c.reply ? { reply: c.reply } : {}) })) } : {}),
    ...(m.link ? { link: { title: m.link.title, url: m.link.url } } : {}),
    ...(m.image ? { image: { url: m.image.url, alt: m.image.alt } } : {}),
    ...(m.optInRequest ? { optInRequest: { title: m.optInRequest.title, payload: m.optInRequest.payload } } : {}),
  };
}
