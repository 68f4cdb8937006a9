import type { Model } from 'mongoose';
import type { InboxEvent } from '../../db/models/index.js';
import { participantKey, type Clock, type InboundEvent } from '../../domain/index.js';

/** The unique key of an event in the inbox: platform + bot + the platform's event id (or hash). */
export function inboxKey(e: InboundEvent): string {
  return `${e.channel}:${e.bot}:${e.eventId}`;
}

type Outcome = 'stored' | 'duplicate';
interface Waiting {
  readonly doc: InboxEvent;
  resolve(outcome: Outcome): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 500;
const isDuplicate = (e: { code?: number } | undefined) => e?.code === 11000;

/**
 * Writes events to the inbox before the webhook is answered. A redelivered event hits the unique
 * key (`_id`) and is counted as a duplicate, never stored twice.
 *
 * Group commit: events arriving while a write is in flight are written together in one unordered
 * `insertMany` as soon as it returns. Each caller still waits for its own document to be
 * acknowledged, so nothing is answered 200 before it is stored; under load there are far fewer
 * round trips to the database.
 */
export function createInboxStore(model: Model<InboxEvent>, clock: Clock) {
  const coll = model.collection;
  let queue: Waiting[] = [];
  let writing = false;

  async function flush(): Promise<void> {
    writing = true;
    while (queue.length) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      try {
        await coll.insertMany(batch.map((w) => w.doc) as never[], { ordered: false });
        for (const w of batch) w.resolve('stored');
      } catch (err) {
        // Unordered: every document was tried; the errors say which ones did not go in.
        const writeErrors = (err as { writeErrors?: Array<{ index: number; code?: number; err?: { code?: number } }> }).writeErrors;
        if (!writeErrors) {
          for (const w of batch) w.reject(err);
          continue;
        }
        const failed = new Map(writeErrors.map((e) => [e.index, e]));
        batch.forEach((w, i) => {
          const e = failed.get(i);
          if (!e) w.resolve('stored');
          else if (isDuplicate(e) || isDuplicate(e.err)) w.resolve('duplicate');
          else w.reject(err);
        });
      }
    }
    writing = false;
  }

  function write(doc: InboxEvent): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      queue.push({ doc, resolve, reject });
      if (!writing) void flush();
    });
  }

  return {
    async ingest(events: readonly InboundEvent[]): Promise<{ stored: number; duplicates: number }> {
      const receivedAt = clock();
      const outcomes = await Promise.all(
        events.map((event) => {
          const key = inboxKey(event);
          return write({
            _id: key,
            key,
            bot: event.bot,
            channel: event.channel,
            participant: participantKey(event),
            eventAt: event.at,
            receivedAt,
            event: { ...event } as Record<string, unknown>,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: receivedAt,
            lastError: null,
            replies: null,
            repliesSent: 0,
            processedAt: null,
          });
        }),
      );
      const stored = outcomes.filter((o) => o === 'stored').length;
      return { stored, duplicates: outcomes.length - stored };
    },
    async depth(): Promise<{ pending: number; failed: number }> {
      const [pending, failed] = await Promise.all([coll.countDocuments({ status: 'pending' }), coll.countDocuments({ status: 'failed' })]);
      return { pending, failed };
    },
  };
}

export type InboxStore = ReturnType<typeof createInboxStore>;
