import { Schema, type HydratedDocument } from 'mongoose';
import { CHANNELS, LOCALES, type ChannelName, type Locale } from '../../domain/index.js';

export const OPT_IN_STATUSES = ['requested', 'active', 'stopped', 'expired', 'invalid'] as const;
export type OptInStatus = (typeof OPT_IN_STATUSES)[number];

/**
 * A member's permission for messages outside Messenger's 24 h window. The token is a credential of
 * the member's subscription: never logged, never shown.
 */
export interface ParticipantOptIn {
  status: OptInStatus;
  /** The title the request showed: Meta allows one request per title per week. */
  title: string | null;
  token: string | null;
  requestedAt: Date | null;
  optedInAt: Date | null;
  stoppedAt: Date | null;
  /** `member` ("dừng" in the chat: "nhắc nhở" restores it) or `platform` (Meta's STOP, or a refused send). */
  stoppedBy: 'member' | 'platform' | null;
  /** Legacy tokens only; null = does not expire. */
  expiresAt: Date | null;
  frequency: string | null;
  timezone: string | null;
  /** Last marketing message, and Meta's "one message every 12 hours per subscription_token". */
  lastSentAt: Date | null;
  nextEligibleAt: Date | null;
  /** The delivery that took the current 12-hour slot: a run that crashed before its send may take it again. */
  reservedFor: string | null;
}

/** An opt-in before anything happened: the whole sub-document, so a `$set` of it works when a member has none yet. */
export function blankOptIn(): ParticipantOptIn {
  return {
    status: 'requested',
    title: null,
    token: null,
    requestedAt: null,
    optedInAt: null,
    stoppedAt: null,
    stoppedBy: null,
    expiresAt: null,
    frequency: null,
    timezone: null,
    lastSentAt: null,
    nextEligibleAt: null,
    reservedFor: null,
  };
}

// Types are written out rather than inferred: mongoose's schema inference exhausts tsc's memory.
export interface Participant {
  bot: string;
  channel: ChannelName;
  userId: string;
  groupId: string | null;
  locale: Locale;
  displayName: string | null;
  unitId: string | null;
  consent: { at: Date; version: string } | null;
  subscribed: boolean;
  unreachable: { at: Date; reason: string } | null;
  lastInboundAt: Date | null;
  /** Messenger marketing-messages subscription on this page (docs/reach.md §1.4); null until asked. */
  optIn: ParticipantOptIn | null;
  /** Zalo OA: follows the OA (follow / unfollow webhooks); null = not known. Promotion messages need a follower. */
  oaFollower: boolean | null;
  /** Events the member asked to be reminded of, `campaign/event/YYYY-MM-DD`: only these may be tagged CONFIRMED_EVENT_UPDATE. */
  eventSignups: string[];
  state: Record<string, unknown>;
  /** `freezes` and `frozenDays`: streak protection (src/quiz/streak-freeze.ts); absent in older documents. */
  streak: { current: number; best: number; lastDay: string | null; freezes: number; frozenDays: string[] };
  totals: {
    answered: number;
    correct: number;
    dailyAnswered: number;
    dailyCorrect: number;
    practiceAnswered: number;
    practiceCorrect: number;
  };
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A person on one channel of one bot. Until consent only the platform id (and the conversation
 * state needed to ask for consent) is stored; see Decree 13/2023/NĐ-CP.
 */
export const participantSchema = new Schema<Participant>(
  {
    bot: { type: String, required: true },
    channel: { type: String, required: true, enum: CHANNELS },
    userId: { type: String, required: true },
    /** zca-js: the group chat the person talks to the bot in. */
    groupId: { type: String, default: null },
    locale: { type: String, enum: LOCALES, default: 'vi' },
    displayName: { type: String, default: null },
    unitId: { type: String, default: null },
    consent: {
      type: new Schema({ at: { type: Date, required: true }, version: { type: String, required: true } }, { _id: false }),
      default: null,
    },
    /** Reminders and broadcasts; off stops every delivery not yet sent. */
    subscribed: { type: Boolean, default: false },
    /** Set when a platform says the person cannot be reached (blocked, unfollowed, not a follower). */
    unreachable: {
      type: new Schema({ at: { type: Date, required: true }, reason: { type: String, required: true } }, { _id: false }),
      default: null,
    },
    /** Last message from the person: Messenger's 24 h window and Zalo's reply window start here. */
    lastInboundAt: { type: Date, default: null },
    optIn: {
      type: new Schema(
        {
          status: { type: String, enum: OPT_IN_STATUSES, required: true },
          title: { type: String, default: null },
          token: { type: String, default: null },
          requestedAt: { type: Date, default: null },
          optedInAt: { type: Date, default: null },
          stoppedAt: { type: Date, default: null },
          stoppedBy: { type: String, enum: ['member', 'platform', null], default: null },
          expiresAt: { type: Date, default: null },
          frequency: { type: String, default: null },
          timezone: { type: String, default: null },
          lastSentAt: { type: Date, default: null },
          nextEligibleAt: { type: Date, default: null },
          reservedFor: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    oaFollower: { type: Boolean, default: null },
    eventSignups: { type: [String], default: [] },
    /** Conversation engine state (pure data, owned by src/conversation). */
    state: { type: Schema.Types.Mixed, default: () => ({}) },
    streak: {
      current: { type: Number, default: 0 },
      best: { type: Number, default: 0 },
      /** Asia/Ho_Chi_Minh calendar day of the last daily answer, YYYY-MM-DD. */
      lastDay: { type: String, default: null },
      /** Streak freezes held, 0..2: one earned per 7 days of streak, one used per missed day. */
      freezes: { type: Number, default: 0 },
      /** Days a freeze covered (YYYY-MM-DD, newest last, the last few kept): a day is never paid for twice. */
      frozenDays: { type: [String], default: [] },
    },
    totals: {
      answered: { type: Number, default: 0 },
      correct: { type: Number, default: 0 },
      dailyAnswered: { type: Number, default: 0 },
      dailyCorrect: { type: Number, default: 0 },
      practiceAnswered: { type: Number, default: 0 },
      practiceCorrect: { type: Number, default: 0 },
    },
  },
  { timestamps: true, minimize: false },
);

participantSchema.index({ bot: 1, channel: 1, userId: 1 }, { unique: true });
participantSchema.index({ bot: 1, unitId: 1 });
participantSchema.index({ bot: 1, subscribed: 1, lastInboundAt: -1 });
// The all-time leaderboard and "my rank" sort and count on these (src/conversation/views.ts).
participantSchema.index({ bot: 1, 'totals.dailyCorrect': -1, 'totals.dailyAnswered': 1, _id: 1 });

export type ParticipantDoc = HydratedDocument<Participant>;
