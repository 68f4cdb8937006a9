import { Schema } from 'mongoose';
import { CHANNELS, type ChannelName } from '../../domain/index.js';

export const BROADCAST_KINDS = ['manual', 'daily', 'reminder', 'recap'] as const;
export type BroadcastKind = (typeof BROADCAST_KINDS)[number];

/** scheduled → sending → done; cancelled from scheduled or sending. */
export const BROADCAST_STATUSES = ['scheduled', 'sending', 'done', 'cancelled'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

export interface BroadcastText {
  text: string;
  choices: Array<{ title: string; payload: string }>;
  link: { title: string; url: string } | null;
}

export interface BroadcastAudience {
  /** Empty means every bot. */
  bots: string[];
  channels: ChannelName[];
  units: string[];
  /** Only people who wrote to the bot within N days. */
  activeWithinDays: number | null;
  /** Has / has not answered today's daily question (local day at materialisation). */
  answeredToday: boolean | null;
}

/** Deliveries of one status, reason, channel and unit: a line of a broadcast's report. */
export interface DeliveryCount {
  status: string;
  reason: string | null;
  /** A failure's class (retryable, auth, unreachable, invalid): the report says failures by it. */
  errorClass: string | null;
  channel: string;
  bot: string;
  unitId: string | null;
  /** The reach path it went by (window, event tag, opt-in, paid…); absent in counts kept before paths existed. */
  path?: string | null;
  n: number;
  read: number;
  delivered: number;
}

/**
 * A message to many participants. Its id is a string: random for organisers' broadcasts,
 * deterministic for generated ones (`daily:<bot>:<day>`, `reminder:<key>`, `recap:<bot>:<week>`) so a job that runs
 * twice creates it once.
 */
export interface Broadcast {
  _id: string;
  kind: BroadcastKind;
  status: BroadcastStatus;
  title: string;
  /** Text per locale for manual broadcasts; for generated ones the message is built at send time. */
  message: { vi: BroadcastText; en: BroadcastText | null } | null;
  /**
   * i18next key and vars for campaign reminders; `localVars` hold per-locale values (event and
   * campaign titles), `context` an i18next context ("today" on the day of the event).
   */
  messageRef: {
    key: string;
    vars: Record<string, string | number>;
    localVars: Record<string, { vi: string; en?: string | null }>;
    context: string | null;
  } | null;
  /** For `daily`: the bot and local day whose question is sent. */
  daily: { bot: string; day: string } | null;
  /** For `recap`: the bot and the Monday of the week recapped (each member's own figures are built at send time). */
  recap?: { bot: string; week: string } | null;
  audience: BroadcastAudience;
  /** A real update of an event: it may be tagged CONFIRMED_EVENT_UPDATE for members who signed up for `eventKey`. */
  eventUpdate: boolean;
  /** Campaign reminders: `campaign/event/YYYY-MM-DD`, the event occurrence members sign up for; null otherwise. */
  eventKey: string | null;
  sendAt: Date;
  createdBy: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelledAt: Date | null;
  /**
   * Materialisation progress: the last participant id turned into a delivery, batches made, and
   * batches with nothing left to send (the broadcast is done when all are).
   */
  cursor: { lastParticipantId: string | null; batches: number; complete: boolean; doneBatches: number[] };
  audienceSize: number | null;
  /** The report's counts, kept when retention deletes the deliveries (src/db/retention.ts). */
  deliveryCounts?: DeliveryCount[] | null;
  deliveriesPrunedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const textSchema = new Schema<BroadcastText>(
  {
    text: { type: String, required: true },
    choices: { type: [new Schema({ title: String, payload: String }, { _id: false })], default: [] },
    link: { type: new Schema({ title: String, url: String }, { _id: false }), default: null },
  },
  { _id: false },
);

export const broadcastSchema = new Schema<Broadcast>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true, enum: BROADCAST_KINDS },
    status: { type: String, required: true, enum: BROADCAST_STATUSES },
    title: { type: String, required: true },
    message: { type: new Schema({ vi: { type: textSchema, required: true }, en: { type: textSchema, default: null } }, { _id: false }), default: null },
    messageRef: {
      type: new Schema(
        {
          key: String,
          vars: { type: Schema.Types.Mixed, default: () => ({}) },
          localVars: { type: Schema.Types.Mixed, default: () => ({}) },
          context: { type: String, default: null },
        },
        { _id: false, minimize: false },
      ),
      default: null,
    },
    daily: { type: new Schema({ bot: String, day: String }, { _id: false }), default: null },
    recap: { type: new Schema({ bot: String, week: String }, { _id: false }), default: null },
    audience: {
      bots: { type: [String], default: [] },
      channels: { type: [{ type: String, enum: CHANNELS }], default: [] },
      units: { type: [String], default: [] },
      activeWithinDays: { type: Number, default: null },
      answeredToday: { type: Boolean, default: null },
    },
    eventUpdate: { type: Boolean, default: false },
    eventKey: { type: String, default: null },
    sendAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    cancelledAt: { type: Date, default: null },
    cursor: {
      lastParticipantId: { type: String, default: null },
      batches: { type: Number, default: 0 },
      complete: { type: Boolean, default: false },
      doneBatches: { type: [Number], default: [] },
    },
    audienceSize: { type: Number, default: null },
    deliveryCounts: { type: [Schema.Types.Mixed], default: null },
    deliveriesPrunedAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);
broadcastSchema.index({ status: 1, sendAt: 1 });
broadcastSchema.index({ kind: 1, createdAt: -1 });
