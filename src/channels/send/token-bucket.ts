/** The clock a bucket waits on; tests give a fake one that advances when slept on. */
export interface BucketTime {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTime: BucketTime = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

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
    private readonly time: BucketTime = realTime,
  ) {
    this.tokens = burst;
    this.last = time.now();
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
        await this.time.sleep(wait);
      }
      this.tokens -= 1;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private refill(): void {
    const t = this.time.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
  }
}
