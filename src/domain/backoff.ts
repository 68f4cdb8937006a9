/** How long to wait before trying again after a failure; one formula for every retry of the product. */
export interface BackoffOptions {
  /** The wait after the first failure; it doubles with each further failure. */
  readonly baseMs: number;
  /** Ceiling of the doubled wait, before jitter (default: none). */
  readonly maxMs?: number;
  /**
   * Spreads retries so a burst of failures does not retry in lock step: `'equal'` keeps half the
   * wait and draws the other half at random; a number `f` moves the wait by up to ±f of it.
   * Default: no jitter.
   */
  readonly jitter?: 'equal' | number;
  readonly random?: () => number;
}

/**
 * The wait before the next try after `failures` failures (1 = the first): baseMs · 2^(failures − 1),
 * capped at maxMs, then jittered. Pure when `random` is given.
 */
export function backoffDelay(failures: number, options: BackoffOptions): number {
  const exp = Math.min(options.maxMs ?? Number.POSITIVE_INFINITY, options.baseMs * 2 ** Math.max(0, failures - 1));
  const random = options.random ?? Math.random;
  if (options.jitter === 'equal') return Math.round(exp / 2 + random() * (exp / 2));
  if (typeof options.jitter === 'number' && options.jitter > 0) return Math.max(0, Math.round(exp + exp * options.jitter * (random() * 2 - 1)));
  return exp;
}
