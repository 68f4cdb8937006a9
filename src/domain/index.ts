/**
 * The platform-neutral vocabulary every room shares. Nothing here does I/O.
 * One name for one thing: participant, unit, question, answer, broadcast, delivery, campaign, event.
 */

export const CHANNELS = ['messenger', 'zalo_oa', 'zalo_personal', 'web'] as const;
export type ChannelName = (typeof CHANNELS)[number];

import type { Locale } from './locale.js';
export { DEFAULT_LOCALE, LOCALES, type Locale } from './locale.js';

/** A question's review status; only `published` questions are live (asked by bots). */
export const QUESTION_STATUSES = ['draft', 'reviewed', 'published'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

/** Who a message is from or to, as the platform names them. `groupId` is set for zca-js group chats. */
export interface ParticipantRef {
  readonly bot: string;
  readonly channel: ChannelName;
  readonly userId: string;
  readonly groupId?: string;
}

interface InboundBase extends ParticipantRef {
  /** Platform event/message id, or a hash of the raw event when the platform gives none. */
  readonly eventId: string;
  readonly at: Date;
  /**
   * Where the person came from, when the platform says: a Messenger m.me `ref` (Get Started or
   * messaging_referrals), a Zalo OA invitation message. Invitations use `inv-<code>` (src/quiz).
   */
  readonly ref?: string;
}

/** One normalised inbound event; adapters map each platform payload to a list of these. */
export type InboundEvent =
  | (InboundBase & { readonly kind: 'text'; readonly text: string })
  | (InboundBase & { readonly kind: 'choice'; readonly payload: string; readonly text?: string })
  /** Get Started (Messenger postback), follow or chat-now (Zalo OA). */
  | (InboundBase & { readonly kind: 'start'; readonly payload?: string })
  | (InboundBase & { readonly kind: 'follow' })
  | (InboundBase & { readonly kind: 'unfollow' })
  /** Messenger delivery, Zalo user_received_message: platform message ids, or everything before `watermark`. */
  | (InboundBase & { readonly kind: 'delivered'; readonly messageIds: readonly string[]; readonly watermark?: Date })
  /** Messenger read, Zalo user_seen_message. */
  | (InboundBase & { readonly kind: 'read'; readonly messageIds: readonly string[]; readonly watermark?: Date })
  /** A sticker, image, file... We say politely that only text is understood. */
  | (InboundBase & { readonly kind: 'unsupported'; readonly what: string })
  /**
   * The person changed their permission for messages outside the platform window (Messenger
   * `messaging_optins` of type `notification_messages`). Not a message: it opens no window.
   */
  | (InboundBase & { readonly kind: 'optin'; readonly optIn: OptInChange });

/** What a platform said about a person's opt-in (docs/reach.md §1.3–1.4). */
export interface OptInChange {
  /** `active`: opted in (or re-opted in); `stopped` / `resumed`: STOP / RESUME NOTIFICATIONS. */
  readonly status: 'active' | 'stopped' | 'resumed';
  /** The subscription token (`notification_messages_token`); absent on some stop events. */
  readonly token?: string;
  readonly title?: string;
  /** Legacy tokens only (`token_expiry_timestamp`); tokens issued since Aug 2023 do not expire. */
  readonly expiresAt?: Date;
  /** Legacy tokens only: DAILY, WEEKLY, MONTHLY. */
  readonly frequency?: string;
  readonly timezone?: string;
}

export type InboundKind = InboundEvent['kind'];

export interface Choice {
  /** Shown to the person; renderers shorten or number it where the platform limits titles. */
  readonly title: string;
  /** Returned to us as a `choice` event when tapped. */
  readonly payload: string;
  /**
   * What the tap says in the member's own words, where a platform shows a tap as the member's own
   * message (Zalo OA `oa.query.show`): the option's text, "Đồng ý". Set only where the conversation
   * understands those words in context; a choice without it is sent hidden, with its payload.
   */
  readonly reply?: string;
}

/** What the conversation and outreach produce; each channel renders it for its platform. */
export interface OutboundMessage {
  readonly text: string;
  readonly choices?: readonly Choice[];
  readonly link?: { readonly title: string; readonly url: string };
  /**
   * A picture sent as an image attachment before the text (a certificate, a question's picture):
   * an absolute https URL the platforms fetch, and words for where images are not shown.
   */
  readonly image?: { readonly url: string; readonly alt: string };
  /**
   * Messenger only: after the text, Meta's marketing-messages opt-in request (`notification_messages`
   * template) with this title; `payload` comes back in the `messaging_optins` webhook.
   */
  readonly optInRequest?: { readonly title: string; readonly payload: string };
}

/**
 * Why a message is sent, which decides the platform rules that apply
 * (Messenger messaging_type and tags, Zalo message type).
 */
export type SendPurpose =
  /** A reply to something the person just sent. */
  | 'response'
  /** A proactive message inside the platform window (daily question, broadcast). */
  | 'update'
  /** A reminder about an event the person signed up for; Messenger may send it outside 24 h with CONFIRMED_EVENT_UPDATE. */
  | 'event_update'
  /** Messenger outside 24 h to a member who opted in: Meta's paid Marketing Message API (needs `optInToken`). */
  | 'marketing'
  /** Zalo OA promotion message (tin Truyền thông) to a follower, within the OA's quota. */
  | 'promotion';

/** Purposes that cost the union money per message: sent at most once (docs/reach.md). */
export const PAID_PURPOSES: ReadonlySet<SendPurpose> = new Set<SendPurpose>(['marketing', 'promotion']);

/**
 * `refused`: the platform refused this path for this person now (a spent quota, a stopped or expired
 * opt-in, Meta's 12-hour rule, the OA's package); another path may still work.
 */
export const SEND_ERROR_CLASSES = ['retryable', 'window_closed', 'unreachable', 'auth', 'invalid', 'refused'] as const;
export type SendErrorClass = (typeof SEND_ERROR_CLASSES)[number];

/**
 * What a `refused` send means, in platform-neutral words, so the fan-out can pick another path
 * without reading platform codes (each client maps its own codes, with sources, to these):
 * the member's opt-in was stopped, expired or is unknown; a frequency rule (Meta's 12 hours); the
 * platform's own caps for this recipient; the union's account cannot send this kind (budget,
 * payment, package, verification); the bot's quota is spent; the member does not follow; the
 * member limits messages from us.
 */
export const REFUSALS = [
  'opt_in_stopped',
  'opt_in_expired',
  'opt_in_invalid',
  'frequency',
  'capped',
  'account',
  'quota',
  'not_follower',
  'recipient_limit',
] as const;
export type Refusal = (typeof REFUSALS)[number];

export type SendResult =
  | { readonly ok: true; readonly messageIds: readonly string[] }
  | {
      readonly ok: false;
      readonly errorClass: SendErrorClass;
      /** The platform's own code, e.g. Zalo -230 or Graph 551. */
      readonly code?: string;
      readonly reason: string;
      /** For `retryable`: how long the platform asked us to wait, if it said. */
      readonly retryAfterMs?: number;
      /** For `refused`: what the refusal means. */
      readonly refusal?: Refusal;
      /**
       * The request may have reached the platform (a timeout after sending): a paid send is then
       * not repeated, since it may have gone out.
       */
      readonly uncertain?: boolean;
    };

export interface SendOptions {
  readonly purpose: SendPurpose;
  /** Locale of the recipient, for platform-rendered bits such as numbered-option hints. */
  readonly locale?: Locale;
  /** Purpose `marketing`: the member's Messenger subscription token. */
  readonly optInToken?: string;
}

/**
 * How a proactive message reaches a member (docs/reach.md): the platform window, an event tag,
 * Messenger's paid marketing message to an opted-in member, Zalo OA's paid consultation or promotion
 * message, or one post in the unit's Zalo group.
 */
export const REACH_PATHS = ['window', 'event_tag', 'optin', 'oa_paid', 'oa_promotion', 'group'] as const;
export type ReachPath = (typeof REACH_PATHS)[number];

/**
 * The payload of the "remind me of this event" button on a campaign reminder: the conversation
 * records the sign-up, and only signed-up members get the event's updates under Messenger's
 * CONFIRMED_EVENT_UPDATE tag. `key` is `campaign/event/YYYY-MM-DD`.
 */
export const eventSignUpPayload = (key: string): string => `EVENT|${key}`;

/** Which paid paths a bot has turned on (and, for Messenger, configured the secrets of). */
export interface ReachSettings {
  readonly messengerMarketing: boolean;
  readonly zaloPaidConsultation: boolean;
  readonly zaloPromotion: boolean;
}

/** Sends to one participant on whatever channel they are on. Implemented by src/channels. */
export type Send = (to: ParticipantRef, message: OutboundMessage, options: SendOptions) => Promise<SendResult>;

/** Answers one inbound event; the webhook pipeline sends what it returns with purpose `response`. */
export type InboundHandler = (event: InboundEvent) => Promise<readonly OutboundMessage[]>;

/** `platform:bot:user[:group]` — the key used for ordering and sessions. */
export function participantKey(ref: ParticipantRef): string {
  return [ref.channel, ref.bot, ref.userId, ...(ref.groupId ? [ref.groupId] : [])].join(':');
}

/** A clock that tests can replace. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** A check `/readyz` runs: the database reachable, the scheduler running... Rooms offer these; src/http runs them. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export {
  ERRORS,
  ERROR_KINDS,
  DomainError,
  InvalidError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  TooLargeError,
  UnsupportedError,
  UnavailableError,
  interpolate,
  invalidInput,
  fieldIssue,
  ruleOf,
  FIELD_RULES,
  type FieldRule,
  type ContentIssue,
  type CodeOf,
  type ErrorCode,
  type ErrorKind,
  type ErrorParams,
  type FieldIssue,
  type InvalidDetails,
} from './errors.js';

export { backoffDelay, type BackoffOptions } from './backoff.js';
export {
  DEFAULT_TIME_ZONE,
  addDays,
  dayNumber,
  dayRangeInstants,
  localMidnight,
  dayOf,
  daysBetween,
  eachDay,
  formatDay,
  formatTime,
  weekStart,
} from './time.js';
export { MAX_MATCH_CHARS, cleanMemberText, fold, hasDiacritics, keyOf, matchesSearch, sameWords, toneKey, typedKey } from './text.js';
export { spreadsheetText, fromSpreadsheetText } from './spreadsheet.js';

export { participationRate, ratePercent, formatNumber, formatPercent, NUMBER_LOCALE, PERCENT_CELL_FORMAT, percentCellValue } from './participation.js';
