import type { Model } from 'mongoose';
import type { InboxEvent, InboxReply, Participant } from '../../db/index.js';
import { backoffDelay, type Clock, type InboundEvent, type InboundHandler, type OutboundMessage, type ParticipantRef, type Send } from '../../domain/index.js';
import type { Logger } from '../../log/index.js';
import type { Leases } from '../lease.js';

export interface InboxWorkerDeps {
  readonly model: Model<InboxEvent>;
  /** Optional: `lastInboundAt` is set on the participant (if it exists) after each person-initiated event. */
  readonly participants?: Model<Participant>;
  readonly leases: Leases;
  readonly handler: InboundHandler;
  readonly onReceipt?: (e: Extract<InboundEvent, { kind: 'delivered' | 'read' }>) => Promise<void>;
  readonly send: Send;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly leaseMs: number;
  /** How often to look for work other processes (or a crash) left; new local events wake the worker at once. */
  readonly pollMs?: number;
}

type Entry = InboxEvent & { _id: unknown };

/** Thrown to retry an entry later: a reply could not be sent for a reason that may pass. */
class RetryLater extends Error {}
/** Thrown when our lease ran out mid-entry: another process owns the participant now; leave the entry to it. */
class LeaseLost extends Error {}

const leaseKey = (participant: string) => `inbox:${participant}`;
/** Platforms redeliver for hours, at most a few days; 30 days is far past that. */
const DONE_RETENTION_MS = 30 * 24 * 3600_000;
const PERSON_INITIATED = new Set(['text', 'choice', 'start', 'follow', 'unsupported']);
/** A failed entry is tried again after 1 s, 2 s, 4 s... up to a minute. */
const RETRY_BACKOFF = { baseMs: 1000, maxMs: 60_000 };

/**
 * Processes inbox entries **in order per participant** and concurrently across participants.
 * A participant's entries are worked on only by the process holding that participant's lease in the
 * database, so ordering holds across processes. The handler's replies are stored on the entry and
 * `repliesSent` advances after each send, so a crash never resends a reply already sent.
 */
export function createInboxWorker(deps: InboxWorkerDeps) {
  const coll = deps.model.collection;
  const active = new Set<string>();
  const pollMs = deps.pollMs ?? 500;
  let running = false;
  let ticking = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const drains = new Set<Promise<unknown>>();
  /** Participants drained by `sweep`, which works even when the worker is not started. */
  const draining = new Set<string>();

  async function processEntry(entry: Entry, holding: () => boolean): Promise<void> {
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
    const event = entry.event as unknown as InboundEvent;
    try {
      if (event.kind === 'delivered' || event.kind === 'read') {
        await deps.onReceipt?.(event);
      } else {
        let replies = entry.replies;
        if (replies === null) {
          const answered = await deps.handler(event);
          replies = answered.map(plainReply);
          await fenced({ $set: { replies } });
        }
        const to: ParticipantRef = { bot: event.bot, channel: event.channel, userId: event.userId, ...(event.groupId ? { groupId: event.groupId } : {}) };
        for (let i = entry.repliesSent; i < replies.length; i++) {
          // Fencing: never send once another process may have taken over.
          if (!holding()) throw new LeaseLost('lease lost');
          const result = await deps.send(to, replies[i] as OutboundMessage, { purpose: 'response' });
          if (!result.ok) {
            if (result.errorClass === 'retryable' || result.errorClass === 'auth') throw new RetryLater(`${result.errorClass}: ${result.reason}`);
            // window_closed / unreachable / invalid: the remaining replies would fail the same way.
            deps.logger.warn(
              { participant: entry.participant, errorClass: result.errorClass, code: result.code, reason: result.reason },
              'reply not delivered',
            );
            break;
          }
          await fenced({ $set: { repliesSent: i + 1 } });
        }
        if (deps.participants && PERSON_INITIATED.has(event.kind)) {
          await deps.participants.collection.updateOne({ bot: event.bot, channel: event.channel, userId: event.userId }, { $set: { lastInboundAt: event.at } });
        }
      }
      await fenced({ $set: { status: 'done', processedAt: deps.clock(), lastError: null } });
    } catch (err) {
      if (err instanceof LeaseLost) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const failed = attempts >= deps.maxAttempts;
      await coll.updateOne(mine, {
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
  }

  /**
   * Works through one participant's pending entries in order, holding its lease (renewed by a
   * heartbeat while an entry takes long). Returns how many were processed.
   */
  async function drain(participant: string): Promise<number> {
    let done = 0;
    const key = leaseKey(participant);
    let held = true;
    let leaseUntil = Date.now() + deps.leaseMs;
    const holding = () => held && Date.now() < leaseUntil - Math.min(1000, deps.leaseMs / 4);
    const renew = async () => {
      const before = Date.now();
      if (await deps.leases.renew(key, deps.leaseMs)) leaseUntil = before + deps.leaseMs;
      else held = false;
    };
    const beat = setInterval(() => void renew().catch(() => undefined), Math.max(50, Math.floor(deps.leaseMs / 3)));
    beat.unref();
    try {
      while (running || draining.has(participant)) {
        const entry = (await coll.findOne({ participant, status: 'pending' }, { sort: { eventAt: 1, receivedAt: 1, _id: 1 } })) as Entry | null;
        if (!entry) break;
        // In order: a head entry waiting for its retry holds back the ones behind it.
        if (entry.nextAttemptAt.getTime() > deps.clock().getTime()) break;
        await renew();
        if (!holding()) break;
        await processEntry(entry, holding);
        done++;
      }
    } catch (err) {
      if (!(err instanceof LeaseLost)) throw err;
      deps.logger.warn({ participant }, 'inbox lease lost mid-entry; leaving it to the new holder');
    } finally {
      clearInterval(beat);
      if (held) await deps.leases.release(key).catch(() => undefined);
    }
    return done;
  }
  function startDrain(participant: string): Promise<number> {
    active.add(participant);
    const p = drain(participant)
      .catch((err: unknown) => {
        deps.logger.error({ err, participant }, 'inbox drain failed');
        return 0;
      })
      .finally(() => {
        active.delete(participant);
        drains.delete(p);
        if (running) wake();
      });
    drains.add(p);
    return p;
  }

  async function candidates(filter: Record<string, unknown>, limit: number): Promise<string[]> {
    // Participants this process is already draining are left out, so one busy participant cannot
    // crowd the others out of the result.
    const busy = active.size ? { participant: { $nin: [...active] } } : {};
    const docs = await coll
      .find({ status: 'pending', nextAttemptAt: { $lte: deps.clock() }, ...busy, ...filter }, { projection: { participant: 1 }, sort: { eventAt: 1 }, limit })
      .toArray();
    return [...new Set(docs.map((d) => String(d.participant)))].filter((p) => !active.has(p));
  }

  async function tick(): Promise<void> {
    if (!running) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    try {
      do {
        again = false;
        const slots = deps.concurrency - active.size;
        if (slots <= 0) break;
        for (const participant of await candidates({}, Math.max(50, slots * 4))) {
          if (active.size >= deps.concurrency || !running) break;
          if (await deps.leases.acquire(leaseKey(participant), deps.leaseMs)) void startDrain(participant);
        }
      } while (again && running);
    } catch (err) {
      deps.logger.error({ err }, 'inbox worker tick failed');
    } finally {
      ticking = false;
    }
  }

  function wake(): void {
    if (running) void tick();
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, pollMs);
    timer.unref();
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      wake();
      schedule();
    },
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      // Each drain stops after its current entry.
      await Promise.allSettled([...drains]);
    },
    /** Nudges the worker after new events were stored by this process. */
    wake,
    /**
     * Re-drives entries left pending longer than the lease (a crash, or no worker running):
     * processes them now, in order, under the same leases. Returns how many entries were processed.
     */
    async sweep(): Promise<number> {
      // Done entries are kept long enough to recognise any platform redelivery, then removed.
      await coll.deleteMany({ status: 'done', processedAt: { $lt: new Date(deps.clock().getTime() - DONE_RETENTION_MS) } });
      const stale = new Date(deps.clock().getTime() - deps.leaseMs);
      let total = 0;
      for (const participant of await candidates({ receivedAt: { $lte: stale } }, 500)) {
        if (!(await deps.leases.acquire(leaseKey(participant), deps.leaseMs))) continue;
        draining.add(participant);
        active.add(participant);
        try {
          total += await drain(participant);
        } finally {
          draining.delete(participant);
          active.delete(participant);
        }
      }
      return total;
    },
  };
}

function plainReply(m: OutboundMessage): InboxReply {
  return {
    text: m.text,
    ...(m.choices?.length ? { choices: m.choices.map((c) => ({ title: c.title, payload: c.payload })) } : {}),
    ...(m.link ? { link: { title: m.link.title, url: m.link.url } } : {}),
  };
}

export type InboxWorker = ReturnType<typeof createInboxWorker>;
