import type { Model } from 'mongoose';
import type { InboxEvent } from '../../db/index.js';
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

/** What MongoDB answers to an `insert` command. */
interface InsertReply {
  writeErrors?: Array<{ index: number; code?: number; errmsg?: string }>;
  writeConcernError?: { code?: number; errmsg?: string };
}

/**
 * Writes events to the inbox before the webhook is answered. A redelivered event hits the unique
 * key (`_id`) and is counted as a duplicate, never stored twice.
 *
 * Group commit: events arriving while a write is in flight are written together in one unordered
 * `insert` command as soon as it returns. Each caller still waits for its own document to be
 * acknowledged, so nothing is answered 200 before it is stored; under load there are far fewer
 * round trips to the database.
 *
 * The `insert` command is sent as it is, not through `insertMany`: the driver's bulk-write layer
 * (id maps, result objects, batch splitting this never needs) cost more than the command itself
 * on the webhook path (docs/benchmarks.md). It gives up the driver's single automatic
 * retry after a lost connection; the webhook then answers 500 and the platform redelivers, which
 * the unique key makes safe.
 */
export function createInboxStore(model: Model<InboxEvent>, clock: Clock) {
  const coll = model.collection;
  /** Told of the entries each `ingest` stored (the local inbox worker, which then needs no query to find them). */
  const listeners: Array<(stored: readonly InboxEvent[]) => void> = [];
  /** The driver's database handle, once mongoose has connected. */
  const database = () => {
    if (!model.db.db) throw new Error('the database connection is not open');
    return model.db.db;
  };
  let queue: Waiting[] = [];
  let writing = false;

  async function flush(): Promise<void> {
    writing = true;
    while (queue.length) {
      const batch = queue.slice(0, MAX_BATCH);
      queue = queue.slice(batch.length);
      let reply: InsertReply;
      try {
        reply = (await database().command({ insert: coll.collectionName, documents: batch.map((w) => w.doc), ordered: false })) as InsertReply;
        if (reply.writeConcernError) throw new Error(`inbox write not acknowledged: ${reply.writeConcernError.errmsg ?? 'write concern error'}`);
      } catch (err) {
        for (const w of batch) w.reject(err);
        continue;
      }
      // Unordered: every document was tried; the errors say which ones did not go in.
      const failed = new Map((reply.writeErrors ?? []).map((e) => [e.index, e]));
      batch.forEach((w, i) => {
        const e = failed.get(i);
        if (!e) w.resolve('stored');
        else if (isDuplicate(e)) w.resolve('duplicate');
        else w.reject(new Error(`inbox write failed: ${e.errmsg ?? `code ${e.code}`}`));
      });
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
      const docs = events.map((event): InboxEvent => {
        const key = inboxKey(event);
        return {
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
        };
      });
      const outcomes = await Promise.all(docs.map(write));
      const stored = docs.filter((_, i) => outcomes[i] === 'stored');
      if (stored.length) for (const listener of listeners) listener(stored);
      return { stored: stored.length, duplicates: outcomes.length - stored.length };
    },
    /** Calls `listener` with the entries each later `ingest` stored (not the duplicates). */
    onStored(listener: (stored: readonly InboxEvent[]) => void): void {
      listeners.push(listener);
    },
    async depth(): Promise<{ pending: number; failed: number }> {
      const [pending, failed] = await Promise.all([coll.countDocuments({ status: 'pending' }), coll.countDocuments({ status: 'failed' })]);
      return { pending, failed };
    },
  };
}

export type InboxStore = ReturnType<typeof createInboxStore>;
