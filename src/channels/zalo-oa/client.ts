import type { AxiosInstance } from 'axios';
import { createPlatformHttp } from '../platform-http.js';
import type { Locale, OutboundMessage, ParticipantRef, Refusal, SendPurpose, SendResult } from '../../domain/index.js';
import { renderZalo, renderZaloPromotion } from './render.js';
import type { ZaloApiResponse } from './types.js';

type Failure = Extract<SendResult, { ok: false }>;

/**
 * Pure: Zalo's `error` code (HTTP 200 with non-zero `error`) to our send-failure classes.
 * Codes and messages from Zalo's error table, docs.zaloplatforms.com/docs/OA/phu-luc/ma-loi
 * (quoted in docs/reach.md §2.7). `promotion`: the code answered a promotion message.
 */
export function classifyZaloError(error: number, message: string | undefined, purpose?: SendPurpose): Failure {
  const reason = message ?? `Zalo error ${error}`;
  const code = String(error);
  const refused = (refusal: Refusal): Failure => ({ ok: false, errorClass: 'refused', refusal, code, reason });
  switch (error) {
    case -216: // access token invalid
    case -220: // access token expired
    case -124:
      return { ok: false, errorClass: 'auth', code, reason };
    case -32: // "Your application/OA reached limit call api" (4,000 requests a minute)
      return { ok: false, errorClass: 'retryable', code, reason: `rate limited: ${reason}`, retryAfterMs: 1000 };
    case -211: // "Out of quota": this path is spent for today; retrying hourly would not help
      return refused('quota');
    case -213: // "User has not followed OA": a promotion needs a follower; for other messages the member is gone
      return purpose === 'promotion' ? refused('not_follower') : { ok: false, errorClass: 'unreachable', code, reason };
    case -217: // "User has blocked invitation from OA"
    case -227: // "User is banned or has been inactive for more than 45 days"
      return { ok: false, errorClass: 'unreachable', code, reason };
    case -218: // "Out of quota receive": the recipient's own limit
    case -244: // "User has restricted this message type from your OA"
      return refused('recipient_limit');
    case -221: // "The OA needs to be verified to use this feature"
    case -224: // "The OA needs to upgrade OA Tier Package": the union's package, not a window
      return refused('account');
    case -230: // "User has not interacted with the OA in the past 7 days"
    case -232: // "User has not interacted with the OA, or the last interaction has expired"
      return { ok: false, errorClass: 'window_closed', code, reason };
    case -234: // "This message cannot be sent at night (10:00PM - 6:00AM)": quiet hours normally prevent it
      return { ok: false, errorClass: 'retryable', code, reason, retryAfterMs: 3600_000 };
    case -50: // internal
    case -500:
      return { ok: false, errorClass: 'retryable', code, reason };
    default:
      return { ok: false, errorClass: 'invalid', code, reason };
  }
}

/**
 * Sends consultation messages through `POST {api}/v3.0/oa/message/cs`, piece by piece, and promotion
 * messages (tin Truyền thông, purpose `promotion`) as one template through `/v3.0/oa/message/promotion`,
 * both with the `access_token` header (docs/reach.md §2.1).
 */
export function createZaloClient(options: { apiUrl: string; timeoutMs: number; http?: AxiosInstance }) {
  const http = options.http ?? createPlatformHttp(options.timeoutMs);
  const post = async (endpoint: 'cs' | 'promotion', accessToken: string, body: unknown, purpose: SendPurpose): Promise<SendResult> => {
    const res = await http.post<ZaloApiResponse>(`${options.apiUrl}/v3.0/oa/message/${endpoint}`, body, {
      headers: { access_token: accessToken },
      timeout: options.timeoutMs,
      validateStatus: () => true,
    });
    if (res.status === 429 || res.status >= 500) return { ok: false, errorClass: 'retryable', code: `http_${res.status}`, reason: `HTTP ${res.status}` };
    if (res.status >= 300) return { ok: false, errorClass: 'invalid', code: `http_${res.status}`, reason: `HTTP ${res.status}` };
    const error = Number(res.data?.error ?? 0);
    if (error !== 0) return classifyZaloError(error, res.data?.message, purpose);
    return { ok: true, messageIds: res.data?.data?.message_id ? [res.data.data.message_id] : [] };
  };
  return {
    async send(accessToken: string, to: ParticipantRef, message: OutboundMessage, purpose: SendPurpose = 'update', locale?: Locale): Promise<SendResult> {
      if (purpose === 'promotion') {
        const promotion = renderZaloPromotion(message, locale);
        if (!promotion) return { ok: false, errorClass: 'invalid', reason: 'a promotion message holds a header of 100 and a text of 1,000 characters' };
        return post('promotion', accessToken, { recipient: { user_id: to.userId }, message: promotion }, purpose);
      }
      const ids: string[] = [];
      for (const piece of renderZalo(message)) {
        const r = await post('cs', accessToken, { recipient: { user_id: to.userId }, message: piece }, purpose);
        if (!r.ok) return r;
        ids.push(...r.messageIds);
      }
      return { ok: true, messageIds: ids };
    },
  };
}

export type ZaloClient = ReturnType<typeof createZaloClient>;
