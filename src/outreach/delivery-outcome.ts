import type { Delivery } from '../db/index.js';
import { backoffDelay, type SendResult } from '../domain/index.js';

export interface DeliveryBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: DeliveryBackoff = { baseMs: 30_000, maxMs: 30 * 60_000 };

/**
 * The wait before a delivery's next attempt: the doubling backoff with "equal jitter" (half fixed,
 * half random) so a burst of failures does not retry in lock step; a platform's own Retry-After wins
 * when it asks for longer.
 */
function retryDelay(attempts: number, backoff: DeliveryBackoff, random: () => number, retryAfterMs: number | undefined): number {
  return Math.max(backoffDelay(attempts, { ...backoff, jitter: 'equal', random }), retryAfterMs ?? 0);
}

/** The outcome of one send as a delivery update; pure so the retry and skip rules are testable. */
export function outcomeUpdate(
  result: SendResult,
  attempts: number,
  now: Date,
  maxAttempts: number,
  backoff: DeliveryBackoff,
  random: () => number,
): { set: Partial<Delivery>; markUnreachable?: string } {
  if (result.ok) return { set: { status: 'sent', sentAt: now, messageIds: [...result.messageIds], errorClass: null, reason: null, claimedAt: null } };
  const base = { errorClass: result.errorClass, reason: result.reason, claimedAt: null };
  switch (result.errorClass) {
    case 'retryable':
    case 'auth':
      if (attempts >= maxAttempts) return { set: { ...base, status: 'failed' } };
      return { set: { ...base, status: 'pending', notBefore: new Date(now.getTime() + retryDelay(attempts, backoff, random, result.retryAfterMs)) } };
    case 'window_closed':
      return { set: { ...base, status: 'skipped', reason: 'window_closed' } };
    case 'refused':
      // The fan-out tries another path first (deliver.ts); what reaches here has none left.
      return { set: { ...base, status: 'skipped' } };
    case 'unreachable':
      return { set: { ...base, status: 'failed' }, markUnreachable: result.reason };
    case 'invalid':
      return { set: { ...base, status: 'failed' } };
  }
}
