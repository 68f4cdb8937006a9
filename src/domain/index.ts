/**
 * The platform-neutral vocabulary every room shares. Nothing here does I/O.
 * One name for one thing: participant, unit, question, answer, broadcast, delivery, campaign, event.
 */

export const CHANNELS = ['messenger', 'zalo_oa', 'zalo_personal', 'web'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';

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
  | (InboundBase & { readonly kind: 'unsupported'; readonly what: string });

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
  | 'event_update';

export const SEND_ERROR_CLASSES = ['retryable', 'window_closed', 'unreachable', 'auth', 'invalid'] as const;
export type SendErrorClass = (typeof SEND_ERROR_CLASSES)[number];

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
    };

export interface SendOptions {
  readonly purpose: SendPurpose;
  /** Locale of the recipient, for platform-rendered bits such as numbered-option hints. */
  readonly locale?: Locale;
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
  type CodeOf,
  type ErrorCode,
  type ErrorKind,
  type ErrorParams,
  type FieldIssue,
  type InvalidDetails,
} from './errors.js';

export { backoffDelay, type BackoffOptions } from './backoff.js';
export { DEFAULT_TIME_ZONE, addDays, dayNumber, dayOf, daysBetween, eachDay, formatDay, formatTime, weekStart } from './time.js';
export { MAX_MATCH_CHARS, cleanMemberText, fold, hasDiacritics, keyOf, sameWords, toneKey, typedKey } from './text.js';
export { spreadsheetText, fromSpreadsheetText } from './spreadsheet.js';
