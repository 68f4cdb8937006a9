import type { AxiosInstance } from 'axios';
import { createPlatformHttp } from '../platform-http.js';
import type { OutboundMessage, ParticipantRef, Refusal, SendOptions, SendPurpose, SendResult } from '../../domain/index.js';
import { renderMarketing, renderMessenger } from './render.js';
import type { GraphErrorBody, MessengerMessage } from './types.js';

export interface MessengerClientOptions {
  readonly graphUrl: string;
  readonly apiVersion: string;
  readonly timeoutMs: number;
  readonly http?: AxiosInstance;
}

/**
 * Which `messaging_type` (and tag) a Send API purpose needs:
 * https://developers.facebook.com/docs/messenger-platform/send-messages#messaging_types.
 * `marketing` goes through the Marketing Message API instead (`sendMarketing`); `promotion` is Zalo's.
 */
export function messagingType(purpose: Exclude<SendPurpose, 'marketing' | 'promotion'>): { messaging_type: string; tag?: string } {
  switch (purpose) {
    case 'response':
      return { messaging_type: 'RESPONSE' };
    case 'update':
      return { messaging_type: 'UPDATE' };
    case 'event_update':
      return { messaging_type: 'MESSAGE_TAG', tag: 'CONFIRMED_EVENT_UPDATE' };
  }
}

/** The union's Marketing Message API account (docs/reach.md §1.4): ad account, message campaign, system-user token. */
export interface MarketingAccount {
  readonly adAccountId: string;
  readonly campaignId: string;
  readonly accessToken: string;
}

/**
 * The Marketing Message API's error codes (API References, Apr 24 2026; docs/reach.md §1.4) that
 * refuse this path for this member or this page now. Whether they arrive as `code` or
 * `error_subcode` is not documented, so both are read.
 */
const MARKETING_REFUSALS: ReadonlyMap<number, Refusal> = new Map<number, Refusal>([
  [2300034, 'opt_in_stopped'], // "The subscriber has stopped marketing messages subscription."
  [2300037, 'opt_in_expired'], // "The subscription token has expired"
  [2300004, 'opt_in_invalid'], // "The subscription token you passed in could not be loaded"
  [2300035, 'frequency'], // "The minimum delay between messages has not been reached." (12 h)
  ...[2300036, 2300042, 2300043, 2300044, 2300052].map((c) => [c, 'capped'] as [number, Refusal]), // not available now, F-caps
  // No payment method, spend limit, prepaid balance, campaign budget, terms not accepted: the page's account.
  ...[2300011, 2300013, 2300015, 2300017, 2300019, 2300053, 2300054, 2300056, 2300058, 2300059, 2300066, 2300067, 2300068, 2300069].map(
    (c) => [c, 'account'] as [number, Refusal],
  ),
]);
/** Campaign not ready / pacing ("retry after 1 hour"), "try again in about 30 minutes", send rate. */
const MARKETING_RETRY_MS: ReadonlyMap<number, number> = new Map([
  [2300012, 3600_000],
  [2300041, 3600_000],
  [2300028, 3600_000],
  [2300055, 1800_000],
  [2300061, 1800_000],
  [2300062, 1800_000],
  [2300078, 60_000],
]);

/** Pure: a Marketing Message API error to a send failure; other Graph errors as `classifyGraphError`. */
export function classifyMarketingError(status: number, body: GraphErrorBody | undefined): Extract<SendResult, { ok: false }> {
  const e = body?.error ?? {};
  const reason = e.message ?? `HTTP ${status}`;
  for (const code of [e.error_subcode, e.code]) {
    if (code === undefined) continue;
    const refusal = MARKETING_REFUSALS.get(code);
    if (refusal) return { ok: false, errorClass: 'refused', refusal, code: String(code), reason };
    const wait = MARKETING_RETRY_MS.get(code);
    if (wait) return { ok: false, errorClass: 'retryable', code: String(code), reason, retryAfterMs: wait };
  }
  return classifyGraphError(status, body);
}

/**
 * Pure: a Graph API error to our send-failure classes.
 * https://developers.facebook.com/docs/messenger-platform/error-codes
 */
export function classifyGraphError(status: number, body: GraphErrorBody | undefined): Extract<SendResult, { ok: false }> {
  const e = body?.error ?? {};
  const code = e.code;
  const sub = e.error_subcode;
  const reason = e.message ?? `HTTP ${status}`;
  const tagged = (errorClass: Extract<SendResult, { ok: false }>['errorClass']) => ({
    ok: false as const,
    errorClass,
    reason,
    ...(code !== undefined ? { code: sub ? `${code}/${sub}` : String(code) } : { code: `http_${status}` }),
  });
  if (code === 190 || code === 102 || (code === 10 && sub === undefined && /token|permission/i.test(reason))) return tagged('auth');
  if (code === 10 && (sub === 2018278 || sub === 2018065)) return tagged('window_closed');
  if (sub === 2018278 || /outside of allowed window/i.test(reason)) return tagged('window_closed');
  if (code === 551 || sub === 1545041 || sub === 2018001 || sub === 2018108 || (code === 200 && sub === 1545041)) return tagged('unreachable');
  if (code === 4 || code === 17 || code === 32 || code === 613 || code === 1200 || code === 1 || code === 2 || code === 368) return tagged('retryable');
  if (status === 429 || status >= 500) return tagged('retryable');
  return tagged('invalid');
}

/**
 * Sends through the Send API (`POST {graph}/{version}/me/messages`), one request per rendered
 * piece, in order. A failure stops the rest and is returned classified; network errors are thrown
 * (the `classify` transformer turns them into `retryable`).
 */
export function createMessengerClient(options: MessengerClientOptions) {
  const http = options.http ?? createPlatformHttp(options.timeoutMs);
  const url = `${options.graphUrl}/${options.apiVersion}/me/messages`;

  async function post(pageToken: string, recipientId: string, message: MessengerMessage, purpose: Parameters<typeof messagingType>[0]) {
    return http.post<{ message_id?: string } & GraphErrorBody>(
      url,
      { recipient: { id: recipientId }, ...messagingType(purpose), message },
      { params: { access_token: pageToken }, timeout: options.timeoutMs, validateStatus: () => true },
    );
  }

  return {
    async send(pageToken: string, to: ParticipantRef, message: OutboundMessage, sendOptions: SendOptions): Promise<SendResult> {
      const purpose = sendOptions.purpose;
      if (purpose === 'marketing' || purpose === 'promotion')
        return { ok: false, errorClass: 'invalid', reason: `the Send API does not carry ${purpose} messages` };
      const ids: string[] = [];
      for (const piece of renderMessenger(message)) {
        const res = await post(pageToken, to.userId, piece, purpose);
        if (res.status >= 200 && res.status < 300 && !res.data?.error) {
          if (res.data?.message_id) ids.push(res.data.message_id);
          continue;
        }
        return classifyGraphError(res.status, res.data);
      }
      return { ok: true, messageIds: ids };
    },

    /**
     * One marketing message to an opted-in member: `POST {graph}/{version}/act_<AD_ACCOUNT_ID>/messages`
     * with the system-user token (docs/reach.md §1.4, "Send Messages", Jun 30 2026). The answer carries
     * a tracking id, not the message id (that comes in the `marketing_message_echoes` webhook).
     */
    async sendMarketing(account: MarketingAccount, subscriptionToken: string, message: OutboundMessage): Promise<SendResult> {
      const body = renderMarketing(message);
      if (!body) return { ok: false, errorClass: 'invalid', reason: 'a marketing message holds at most 640 characters' };
      const res = await http.post<{ success?: boolean; marketing_message_tracking_id?: string } & GraphErrorBody>(
        `${options.graphUrl}/${options.apiVersion}/act_${account.adAccountId}/messages`,
        { message_id: account.campaignId, messenger_delivery_data: { subscription_token: subscriptionToken }, message: body },
        { headers: { Authorization: `Bearer ${account.accessToken}` }, timeout: options.timeoutMs, validateStatus: () => true },
      );
      if (res.status >= 200 && res.status < 300 && !res.data?.error && res.data?.success !== false) {
        return { ok: true, messageIds: res.data?.marketing_message_tracking_id ? [res.data.marketing_message_tracking_id] : [] };
      }
      return classifyMarketingError(res.status, res.data);
    },

    /** Messenger Profile API: https://developers.facebook.com/docs/messenger-platform/reference/messenger-profile-api */
    async setProfile(pageToken: string, profile: Record<string, unknown>): Promise<void> {
      const res = await http.post<GraphErrorBody>(`${options.graphUrl}/${options.apiVersion}/me/messenger_profile`, profile, {
        params: { access_token: pageToken },
        timeout: options.timeoutMs,
        validateStatus: () => true,
      });
      if (res.status >= 300 || res.data?.error) {
        const c = classifyGraphError(res.status, res.data);
        throw new Error(`Messenger Profile API refused the settings (${c.code}): ${c.reason}`);
      }
    },
  };
}

export type MessengerClient = ReturnType<typeof createMessengerClient>;
