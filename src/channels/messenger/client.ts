import axios, { type AxiosInstance } from 'axios';
import type { OutboundMessage, ParticipantRef, SendOptions, SendPurpose, SendResult } from '../../domain/index.js';
import { renderMessenger } from './render.js';
import type { GraphErrorBody, MessengerMessage } from './types.js';

export interface MessengerClientOptions {
  readonly graphUrl: string;
  readonly apiVersion: string;
  readonly timeoutMs: number;
  readonly http?: AxiosInstance;
}

/** Which `messaging_type` (and tag) a purpose needs: https://developers.facebook.com/docs/messenger-platform/send-messages#messaging_types */
export function messagingType(purpose: SendPurpose): { messaging_type: string; tag?: string } {
  switch (purpose) {
    case 'response':
      return { messaging_type: 'RESPONSE' };
    case 'update':
      return { messaging_type: 'UPDATE' };
    case 'event_update':
      return { messaging_type: 'MESSAGE_TAG', tag: 'CONFIRMED_EVENT_UPDATE' };
  }
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
  const http = options.http ?? axios.create({ timeout: options.timeoutMs, validateStatus: () => true });
  const url = `${options.graphUrl}/${options.apiVersion}/me/messages`;

  async function post(pageToken: string, recipientId: string, message: MessengerMessage, purpose: SendPurpose) {
    return http.post<{ message_id?: string } & GraphErrorBody>(
      url,
      { recipient: { id: recipientId }, ...messagingType(purpose), message },
      { params: { access_token: pageToken }, timeout: options.timeoutMs, validateStatus: () => true },
    );
  }

  return {
    async send(pageToken: string, to: ParticipantRef, message: OutboundMessage, sendOptions: SendOptions): Promise<SendResult> {
      const ids: string[] = [];
      for (const piece of renderMessenger(message)) {
        const res = await post(pageToken, to.userId, piece, sendOptions.purpose);
        if (res.status >= 200 && res.status < 300 && !res.data?.error) {
          if (res.data?.message_id) ids.push(res.data.message_id);
          continue;
        }
        return classifyGraphError(res.status, res.data);
      }
      return { ok: true, messageIds: ids };
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
