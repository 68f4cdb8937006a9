import axios, { type AxiosInstance } from 'axios';
import type { OutboundMessage, ParticipantRef, SendResult } from '../../domain/index.js';
import { renderZalo } from './render.js';
import type { ZaloApiResponse } from './types.js';

type Failure = Extract<SendResult, { ok: false }>;

/**
 * Pure: Zalo's `error` code (HTTP 200 with non-zero `error`) to our send-failure classes.
 * https://developers.zalo.me/docs/official-account/phu-luc/ma-loi
 */
export function classifyZaloError(error: number, message: string | undefined): Failure {
  const reason = message ?? `Zalo error ${error}`;
  const code = String(error);
  switch (error) {
    case -216: // access token invalid
    case -220: // access token expired
    case -124:
      return { ok: false, errorClass: 'auth', code, reason };
    case -32: // rate limit exceeded
      return { ok: false, errorClass: 'retryable', code, reason: `rate limited: ${reason}`, retryAfterMs: 1000 };
    case -211: // out of quota
      return { ok: false, errorClass: 'retryable', code, reason: `quota exceeded: ${reason}`, retryAfterMs: 3600_000 };
    case -213: // user has not followed the OA
    case -217: // user blocked messages from the OA
      return { ok: false, errorClass: 'unreachable', code, reason };
    case -230: // no interaction within 7 days: outside the reply window
    case -224: // the OA's tier does not allow this message now
      return { ok: false, errorClass: 'window_closed', code, reason };
    case -50: // internal
    case -500:
      return { ok: false, errorClass: 'retryable', code, reason };
    default:
      return { ok: false, errorClass: 'invalid', code, reason };
  }
}

/** Sends through `POST {api}/v3.0/oa/message/cs` with the `access_token` header, piece by piece. */
export function createZaloClient(options: { apiUrl: string; timeoutMs: number; http?: AxiosInstance }) {
  const http = options.http ?? axios.create({ timeout: options.timeoutMs, validateStatus: () => true });
  const url = `${options.apiUrl}/v3.0/oa/message/cs`;
  return {
    async send(accessToken: string, to: ParticipantRef, message: OutboundMessage): Promise<SendResult> {
      const ids: string[] = [];
      for (const piece of renderZalo(message)) {
        const res = await http.post<ZaloApiResponse>(
          url,
          { recipient: { user_id: to.userId }, message: piece },
          { headers: { access_token: accessToken }, timeout: options.timeoutMs, validateStatus: () => true },
        );
        if (res.status === 429 || res.status >= 500) return { ok: false, errorClass: 'retryable', code: `http_${res.status}`, reason: `HTTP ${res.status}` };
        if (res.status >= 300) return { ok: false, errorClass: 'invalid', code: `http_${res.status}`, reason: `HTTP ${res.status}` };
        const error = Number(res.data?.error ?? 0);
        if (error !== 0) return classifyZaloError(error, res.data?.message);
        if (res.data?.data?.message_id) ids.push(res.data.data.message_id);
      }
      return { ok: true, messageIds: ids };
    },
  };
}

export type ZaloClient = ReturnType<typeof createZaloClient>;
