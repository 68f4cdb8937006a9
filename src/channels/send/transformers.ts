import { backoffDelay, PAID_PURPOSES, type ParticipantRef, type SendResult } from '../../domain/index.js';
import type { RawSend } from '../types.js';
import { TokenBucket, type BucketTime } from './token-bucket.js';

export { TokenBucket, type BucketTime } from './token-bucket.js';

/** grammY-style: each wrapper takes the send below it and returns a send with one more concern. */
export type SendTransformer = (prev: RawSend) => RawSend;

/** Builds a send from a raw one and wrappers, innermost first. */
export function composeSend(raw: RawSend, wrappers: readonly SendTransformer[]): RawSend {
  return wrappers.reduce<RawSend>((prev, wrap) => wrap(prev), raw);
}

/** Network failures after which the request cannot have reached the platform (no connection was made). */
const NEVER_SENT = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/i;

/**
 * Turns thrown errors into results: timeouts and network errors are `retryable`, anything else
 * `invalid` (our bug). A failure after the request may have left is `uncertain`. After it, a send never throws.
 */
export const classify: SendTransformer = (prev) => async (to, message, options) => {
  try {
    return await prev(to, message, options);
  } catch (err) {
    const e = err as { code?: string; message?: string; isAxiosError?: boolean };
    const said = `${e.code ?? ''} ${e.message ?? ''}`;
    const network = e.isAxiosError || /ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|ECONNABORTED|socket hang up|timeout/i.test(said);
    return {
      ok: false,
      errorClass: network ? 'retryable' : 'invalid',
      code: e.code,
      reason: e.message ?? String(err),
      ...(network && !NEVER_SENT.test(said) ? { uncertain: true } : {}),
    } as SendResult;
  }
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries `retryable` failures up to `retries` more times, waiting the platform's `retryAfterMs`
 * when it is short, else an exponential backoff. Long waits (quota) are returned to the caller.
 * A paid message whose first try may have gone out (`uncertain`) is never tried again.
 */
export function retry(retries: number, options: { baseMs?: number; maxWaitMs?: number } = {}): SendTransformer {
  const base = options.baseMs ?? 200;
  const maxWait = options.maxWaitMs ?? 5000;
  return (prev) => async (to, message, sendOptions) => {
    let result = await prev(to, message, sendOptions);
    const paid = PAID_PURPOSES.has(sendOptions.purpose);
    for (let attempt = 0; attempt < retries && !result.ok && result.errorClass === 'retryable' && !(paid && result.uncertain); attempt++) {
      const wait = result.retryAfterMs ?? backoffDelay(attempt + 1, { baseMs: base });
      if (wait > maxWait) break;
      await sleep(wait);
      result = await prev(to, message, sendOptions);
    }
    return result;
  };
}

/** A bucket of `ratePerS` tokens a second, bursts up to `burst` (default: one second's worth). */
export function tokenBucket(ratePerS: number, burst = Math.max(1, Math.ceil(ratePerS)), time?: BucketTime): TokenBucket {
  return new TokenBucket(ratePerS, burst, time);
}

/** One bucket per key (bot + channel: platforms limit per page / per OA). */
export function rateLimit(keyOf: (to: ParticipantRef) => string, makeBucket: () => TokenBucket): SendTransformer {
  const buckets = new Map<string, TokenBucket>();
  return (prev) => async (to, message, options) => {
    const key = keyOf(to);
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = makeBucket()));
    await bucket.take();
    return prev(to, message, options);
  };
}

/** Counts failures by class (metrics). */
export function observe(onResult: (to: ParticipantRef, result: SendResult) => void): SendTransformer {
  return (prev) => async (to, message, options) => {
    const result = await prev(to, message, options);
    onResult(to, result);
    return result;
  };
}
