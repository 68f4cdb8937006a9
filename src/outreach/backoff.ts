/** Exponential backoff with jitter for retryable send failures. */
export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 30_000, maxMs: 30 * 60_000 };

/**
 * Delay before attempt `attempt + 1` after `attempt` failures (1-based): base·2^(attempt−1), capped,
 * then "equal jitter" (half fixed, half random) so a burst of failures does not retry in lock step.
 * A platform's own Retry-After wins when it asks for longer.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random, retryAfterMs?: number): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp / 2 + random() * (exp / 2));
  return Math.max(jittered, retryAfterMs ?? 0);
}
