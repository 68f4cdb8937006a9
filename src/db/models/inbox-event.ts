import { Schema } from 'mongoose';
import { CHANNELS, type ChannelName } from '../../domain/index.js';

export const INBOX_STATUSES = ['pending', 'done', 'failed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** A stored reply: what the handler answered, kept so a crash between sends never resends earlier ones. */
export interface InboxReply {
  text: string;
  choices?: { title: string; payload: string; reply?: string }[];
  link?: { title: string; url: string };
  /** A picture sent first (a certificate). */
  image?: { url: string; alt: string };
  /** Messenger's marketing-messages opt-in request after the text. */
  optInRequest?: { title: string; payload: string };
}

/** The reply being handed to the platform: recorded before the call, cleared when its result is recorded. */
export interface InboxSending {
  /** Index in `replies`. */
  index: number;
  /** `<inbox key>#<index>`: the outbound message's own key. */
  key: string;
  at: Date;
}

/**
 * One inbound event, written before the webhook is answered. `key` is unique (platform + event id),
 * so a redelivered webhook is stored once. Owned by src/channels (the inbox worker).
 */
export interface InboxEvent {
  /** The unique key itself (platform + bot + event id): the primary key, so no extra unique index. */
  _id: string;
  key: string;
  bot: string;
  channel: ChannelName;
  /** `participantKey()` of the sender: events of one participant are processed one at a time, in order. */
  participant: string;
  /** The platform's time of the event: the processing order within a participant. */
  eventAt: Date;
  receivedAt: Date;
  /** The normalised InboundEvent (`at` stored as a Date). */
  event: Record<string, unknown>;
  status: InboxStatus;
  attempts: number;
  /** Not before this time (backoff after a failure). */
  nextAttemptAt: Date;
  lastError: string | null;
  /** The handler's answer, stored once; `repliesSent` of them have been sent. */
  replies: InboxReply[] | null;
  repliesSent: number;
  /**
   * Set while reply `index` is with the platform. Found set on a re-drive (a crash between the call
   * and its result), that reply's send state is unknown: it is sent again and counted, the only
   * way a member may get a reply twice (docs/security.md).
   */
  sending?: InboxSending | null;
  processedAt: Date | null;
}

export const inboxEventSchema = new Schema<InboxEvent>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    bot: { type: String, required: true },
    channel: { type: String, required: true, enum: CHANNELS },
    participant: { type: String, required: true },
    eventAt: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
    event: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['pending', 'done', 'failed'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    lastError: { type: String, default: null },
    replies: { type: Schema.Types.Mixed, default: null },
    repliesSent: { type: Number, default: 0 },
    sending: { type: Schema.Types.Mixed, default: null },
    processedAt: { type: Date, default: null },
  },
  { collection: 'inbox_events', minimize: false, versionKey: false },
);

// The worker's two queries: due entries, and one participant's head entry.
inboxEventSchema.index({ status: 1, nextAttemptAt: 1 });
inboxEventSchema.index({ participant: 1, status: 1, eventAt: 1 });
// Retention (src/db/retention.ts) deletes processed entries by age.
inboxEventSchema.index({ processedAt: 1 });
