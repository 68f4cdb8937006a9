import { createHash } from 'node:crypto';
import { header, type RawWebhook, type Verdict } from '../types.js';
import { safeEqual } from '../verify.js';

/**
 * Zalo OA signs webhooks with `X-ZEvent-Signature: mac=<sha256(app_id + raw body + timestamp + OA secret key)>`,
 * a plain SHA-256 of the concatenation, `timestamp` taken from the body.
 * https://developers.zalo.me/docs/official-account/webhook/xac-thuc-webhook
 */
export function zaloMac(appId: string, rawBody: string | Buffer, timestamp: string, secretKey: string): string {
  return createHash('sha256').update(appId).update(rawBody).update(timestamp).update(secretKey).digest('hex');
}

/** Pure verdict on one webhook; `body` is the parsed JSON, for its timestamp. */
export function verifyZaloSignature(request: RawWebhook, appId: string, secretKey: string): Verdict {
  const given = header(request.headers, 'x-zevent-signature');
  if (!given) return { ok: false, status: 403, reason: 'missing X-ZEvent-Signature' };
  const timestamp = (request.body as { timestamp?: unknown } | null)?.timestamp;
  if (typeof timestamp !== 'string' && typeof timestamp !== 'number') return { ok: false, status: 403, reason: 'no timestamp in body' };
  const expected = `mac=${zaloMac(appId, request.rawBody, String(timestamp), secretKey)}`;
  return safeEqual(given.trim().toLowerCase(), expected) ? { ok: true } : { ok: false, status: 403, reason: 'wrong X-ZEvent-Signature' };
}

/** Signs a body as Zalo does (fake platform, tests). */
export function signZaloBody(appId: string, rawBody: string, secretKey: string): string {
  const timestamp = (JSON.parse(rawBody) as { timestamp: string | number }).timestamp;
  return `mac=${zaloMac(appId, rawBody, String(timestamp), secretKey)}`;
}
