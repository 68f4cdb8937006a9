import { createHash } from 'node:crypto';
import { topLevelScalar } from '../json-scan.js';
import { header, type Addressed, type RawWebhook, type Verdict } from '../types.js';
import { safeEqual } from '../verify.js';

/**
 * Zalo OA signs webhooks with `X-ZEvent-Signature: mac=<sha256(app_id + raw body + timestamp + OA secret key)>`,
 * a plain SHA-256 of the concatenation, `timestamp` taken from the body.
 * https://developers.zalo.me/docs/official-account/webhook/xac-thuc-webhook
 */
export function zaloMac(appId: string, rawBody: string | Buffer, timestamp: string, secretKey: string): string {
  return createHash('sha256').update(appId).update(rawBody).update(timestamp).update(secretKey).digest('hex');
}

/**
 * Pure verdict on one webhook, on the raw bytes only: the body's top-level `timestamp` is read
 * without parsing the JSON, so nothing a stranger sends is parsed before its signature holds.
 */
export function verifyZaloSignature(request: RawWebhook, appId: string, secretKey: string): Verdict {
  const given = header(request.headers, 'x-zevent-signature');
  if (!given) return { ok: false, status: 403, reason: 'missing X-ZEvent-Signature' };
  const timestamp = topLevelScalar(request.rawBody, 'timestamp');
  if (timestamp === undefined) return { ok: false, status: 403, reason: 'no timestamp in body' };
  const expected = `mac=${zaloMac(appId, request.rawBody, timestamp, secretKey)}`;
  return safeEqual(given.trim().toLowerCase(), expected) ? { ok: true } : { ok: false, status: 403, reason: 'wrong X-ZEvent-Signature' };
}

/** Signs a body as Zalo does (fake platform, tests). */
export function signZaloBody(appId: string, rawBody: string, secretKey: string): string {
  const timestamp = (JSON.parse(rawBody) as { timestamp: string | number }).timestamp;
  return `mac=${zaloMac(appId, rawBody, String(timestamp), secretKey)}`;
}

/** Where a Zalo OA event names the OA: `oa_id`, the recipient of what a person sends, the sender of what the OA sent. */
function oaIdsOf(body: Record<string, unknown>): string[] {
  const idOf = (v: unknown) => {
    const id = (v as { id?: unknown } | null | undefined)?.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  };
  const event = typeof body.event_name === 'string' ? body.event_name : '';
  const ids = [typeof body.oa_id === 'string' || typeof body.oa_id === 'number' ? String(body.oa_id) : undefined];
  if (event.startsWith('user_send_')) ids.push(idOf(body.recipient));
  if (event.startsWith('oa_send_') || event === 'user_received_message' || event === 'user_seen_message') ids.push(idOf(body.sender));
  return ids.filter((id): id is string => id !== undefined);
}

/**
 * Pure: a (signed) Zalo OA event is kept only when the OA it names is this bot's `oaId` (an app can
 * hold several OAs, all signing with the same app secret); an event naming no OA is kept.
 * https://developers.zalo.me/docs/official-account/webhook/tin-nhan/su-kien-nguoi-dung-gui-tin-nhan
 */
export function addressedToOa(body: unknown, oaId: string | undefined): Addressed {
  if (!oaId || typeof body !== 'object' || body === null || Array.isArray(body)) return { body, ignored: [] };
  const other = oaIdsOf(body as Record<string, unknown>).find((id) => id !== oaId);
  return other === undefined ? { body, ignored: [] } : { body: null, ignored: [`event for OA ${other.slice(0, 40)}, not ${oaId}`] };
}
