import { createHmac } from 'node:crypto';
import { header, type Addressed, type RawWebhook, type Verdict } from '../types.js';
import { safeEqual } from '../verify.js';

/**
 * Meta signs every webhook with `X-Hub-Signature-256: sha256=<HMAC-SHA256(raw body, app secret)>`.
 * https://developers.facebook.com/docs/messenger-platform/webhooks#validate-payloads
 * The HMAC is over the exact bytes received, so the raw body must be kept. Pure.
 */
export function verifyMessengerSignature(request: Pick<RawWebhook, 'rawBody' | 'headers'>, appSecret: string): Verdict {
  const given = header(request.headers, 'x-hub-signature-256');
  if (!given) return { ok: false, status: 403, reason: 'missing X-Hub-Signature-256' };
  const expected = `sha256=${createHmac('sha256', appSecret).update(request.rawBody).digest('hex')}`;
  return safeEqual(given.toLowerCase(), expected) ? { ok: true } : { ok: false, status: 403, reason: 'wrong X-Hub-Signature-256' };
}

/** Signs a body as Meta does (fake platform, tests, benchmark). */
export function signMessengerBody(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Meta's subscription handshake: `GET ?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`.
 * Answers the challenge only when the token matches.
 */
export function verifyMessengerSubscription(
  query: Record<string, unknown>,
  verifyToken: string,
): { ok: true; challenge: string } | { ok: false; status: 403; reason: string } {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') {
    return { ok: false, status: 403, reason: 'not a subscription request' };
  }
  return safeEqual(token, verifyToken) ? { ok: true, challenge } : { ok: false, status: 403, reason: 'wrong verify token' };
}

/**
 * Pure: the entries of a (signed) body that are for `pageId`; entries of other pages are left out
 * with the reason. One Meta app may serve several pages, and each bot answers for its own only.
 * https://developers.facebook.com/docs/messenger-platform/webhooks#event-notifications (`entry[].id` is the page)
 */
export function addressedToPage(body: unknown, pageId: string | undefined): Addressed {
  const entries = (body as { entry?: unknown } | null)?.entry;
  if (!pageId || !Array.isArray(entries)) return { body, ignored: [] };
  const ignored: string[] = [];
  const kept = entries.filter((entry: unknown) => {
    const id = (entry as { id?: unknown } | null)?.id;
    if (String(id) === pageId) return true;
    ignored.push(`entry for page ${typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 40) : '(none)'}, not ${pageId}`);
    return false;
  });
  return { body: { ...(body as object), entry: kept }, ignored };
}
