import type { ChannelName, InboundEvent, OutboundMessage, SendOptions, SendResult, ParticipantRef } from '../domain/index.js';

/** What a webhook route hands to a channel's signature check: the exact bytes received and the headers, nothing parsed. */
export interface RawWebhook {
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** What a signed body's addressee check keeps: the part addressed to this bot, and why the rest was left out. */
export interface Addressed {
  readonly body: unknown;
  readonly ignored: readonly string[];
}

/** The answer of a signature check: a result, never a response written (Bottender's `preprocess`). */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly status: 403; readonly reason: string };

/** Sends one message to one participant on one platform. May throw on network errors; `classify` turns throws into results. */
export type RawSend = (to: ParticipantRef, message: OutboundMessage, options: SendOptions) => Promise<SendResult>;

/**
 * One platform. Every platform folder exports a factory returning this shape; there is no base class.
 * Pure parts (verify, normalize, render) live in their own files; `send` is the platform client.
 */
export interface Channel {
  readonly name: ChannelName;
  /** Enabled for this bot: its secrets are set (or, for zca-js, its groups are configured). */
  enabled(botId: string): boolean;
  /** For platforms that post webhooks. */
  readonly webhook?: {
    verify(botId: string, request: RawWebhook): Verdict;
    /**
     * Pure, after the signature: keeps what is addressed to this bot's page or OA (when the bot names
     * its id), so an app shared by several pages cannot feed one bot another page's events.
     */
    addressed(botId: string, body: unknown): Addressed;
    /** Pure: one body to zero or more events; kinds we do not handle are left out. */
    normalize(botId: string, body: unknown): InboundEvent[];
  };
  readonly send: RawSend;
}

/** Header lookup that tolerates repeated headers. */
export function header(headers: RawWebhook['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
