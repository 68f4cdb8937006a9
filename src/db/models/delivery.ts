import { Schema, type Types } from 'mongoose';
import { CHANNELS, LOCALES, REACH_PATHS, SEND_ERROR_CLASSES, type ChannelName, type Locale, type ReachPath, type SendErrorClass } from '../../domain/index.js';

/** pending → sending → sent / failed / skipped. A retry puts a delivery back to pending with `notBefore`. */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One broadcast to one participant: unique per broadcast + participant, so materialising twice
 * creates it once and the report counts every recipient once.
 */
export interface Delivery {
  broadcastId: string;
  participantId: Types.ObjectId;
  bot: string;
  channel: ChannelName;
  unitId: string | null;
  locale: Locale;
  /** Which batch job sends it. */
  batch: number;
  /** `<broadcastId>:<batch>`: one selective key for the batch job's queries (first field of its index). */
  batchKey: string;
  status: DeliveryStatus;
  attempts: number;
  /** Deferred (quiet hours) or backing off (retry) until then. */
  notBefore: Date | null;
  /** When the current send started: a `sending` delivery older than the claim timeout was interrupted by a crash. */
  claimedAt: Date | null;
  errorClass: SendErrorClass | null;
  /** A skip reason code (src/outreach/reach-advice.ts says it in words), or the platform's message. */
  reason: string | null;
  /** The path the send used, or (while a paid send is in flight) the one it is about to use. */
  path: ReachPath | null;
  /** Paid paths: written before the send. A delivery found `sending` with it set is never sent again (at most once). */
  pathClaimedAt: Date | null;
  /** Group path: `<broadcastId>:<bot>:<groupId>`, the one group post that reached this member. */
  groupPostId: string | null;
  messageIds: string[];
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const deliverySchema = new Schema<Delivery>(
  {
    broadcastId: { type: String, required: true },
    participantId: { type: Schema.Types.ObjectId, required: true },
    bot: { type: String, required: true },
    channel: { type: String, required: true, enum: CHANNELS },
    unitId: { type: String, default: null },
    locale: { type: String, enum: LOCALES, default: 'vi' },
    batch: { type: Number, required: true },
    batchKey: { type: String, required: true },
    status: { type: String, required: true, enum: DELIVERY_STATUSES },
    attempts: { type: Number, default: 0 },
    notBefore: { type: Date, default: null },
    claimedAt: { type: Date, default: null },
    errorClass: { type: String, enum: [...SEND_ERROR_CLASSES, null], default: null },
    reason: { type: String, default: null },
    path: { type: String, enum: [...REACH_PATHS, null], default: null },
    pathClaimedAt: { type: Date, default: null },
    groupPostId: { type: String, default: null },
    messageIds: { type: [String], default: [] },
    sentAt: { type: Date, default: null },
    deliveredAt: { type: Date, default: null },
    readAt: { type: Date, default: null },
  },
  { timestamps: true },
);
// Also serves queries on broadcastId alone (report, cancel): every status change updates fewer indexes.
deliverySchema.index({ broadcastId: 1, participantId: 1 }, { unique: true });
deliverySchema.index({ batchKey: 1, status: 1 });
deliverySchema.index({ participantId: 1, sentAt: -1 });
deliverySchema.index({ messageIds: 1 });
