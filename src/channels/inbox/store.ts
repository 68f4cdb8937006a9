import type { Model } from 'mongoose';
import type { InboxEvent } from '../../db/models/index.js';
import { participantKey, type Clock, type InboundEvent } from '../../domain/index.js';

/** The unique key of an event in the inbox: platform + bot + the platform's event id (or hash). */
export function inboxKey(e: InboundEvent): string {
  return `${e.channel}:${e.bot}:${e.eventId}`;
}

/**
 * Writes events to the inbox before the webhook is answered. A redelivered event hits the unique
 * key and is counted as a duplicate, never stored twice.
 */
export function createInboxStore(model: Model<InboxEvent>, clock: Clock) {
  const coll = model.collection;
  return {
    async ingest(events: readonly InboundEvent[]): Promise<{ stored: number; duplicates: number }> {
      let stored = 0;
      let duplicates = 0;
      const receivedAt = clock();
      for (const event of events) {
        const doc: Omit<InboxEvent, never> = {
          key: inboxKey(event),
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
        try {
          await coll.insertOne(doc as never);
          stored++;
        } catch (err) {
          if ((err as { code?: number }).code === 11000) duplicates++;
          else throw err;
        }
      }
      return { stored, duplicates };
    },
    async depth(): Promise<{ pending: number; failed: number }> {
      const [pending, failed] = await Promise.all([coll.countDocuments({ status: 'pending' }), coll.countDocuments({ status: 'failed' })]);
      return { pending, failed };
    },
  };
}

export type InboxStore = ReturnType<typeof createInboxStore>;
