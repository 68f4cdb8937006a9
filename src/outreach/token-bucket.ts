import type { ChannelName } from '../domain/index.js';

/**
 * A token bucket: `ratePerSecond` tokens refill continuously up to `burst`; `take()` waits for one.
 * In-process: with several worker processes each has its own bucket, so divide the rate by the number of workers.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Milliseconds until a token is available (0 if one is available now); pure apart from the refill. */
  waitTime(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  /** Waits for a token and takes it; callers are served in order. */
  take(): Promise<void> {
    const next = this.queue.then(async () => {
      for (;;) {
        const wait = this.waitTime();
        if (wait === 0) break;
        await this.sleep(wait);
      }
      this.tokens -= 1;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }
}

export interface SendingRates {
  messengerPerSecond: number;
  zaloOaPerSecond: number;
  zaloPersonalMinIntervalMs: number;
}

/** One bucket per channel from config.sending; zca-js is the slowest (one message per interval, no burst). */
export function createChannelBuckets(rates: SendingRates): Record<ChannelName, TokenBucket> {
  return {
    messenger: new TokenBucket(rates.messengerPerSecond, Math.max(1, Math.ceil(rates.messengerPerSecond / 4))),
    zalo_oa: new TokenBucket(rates.zaloOaPerSecond, Math.max(1, Math.ceil(rates.zaloOaPerSecond / 4))),
    zalo_personal: new TokenBucket(1000 / rates.zaloPersonalMinIntervalMs, 1),
    web: new TokenBucket(1000, 100),
  };
}
