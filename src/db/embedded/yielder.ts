/**
 * Long work gives the event loop back: the embedded server runs in the product's own process, so
 * a command that holds the loop for seconds (a sort or `$group` over a million answers, an
 * `updateMany` over all of them, a compaction) would stop every other client and the bot with it.
 * Such loops call `due()` per item and `await pause()` when it says so: other connections' commands
 * (a ping, a webhook's insert) then run between two slices, as MongoDB yields its locks.
 */

/** How long one slice of work may hold the event loop. */
export const SLICE_MS = 20;
/** `due()` reads the clock once per this many calls (a power of two minus one, used as a mask). */
const CHECK_MASK = 63;

export class Yielder {
  private deadline: number;
  private calls = 0;
  /** How many times this yielder gave the event loop back (a write re-checks what it matched when > 0). */
  yields = 0;

  constructor(private readonly sliceMs: number = SLICE_MS) {
    this.deadline = performance.now() + sliceMs;
  }

  /** Whether the current slice is spent; cheap enough to call once per document. */
  due(): boolean {
    if ((++this.calls & CHECK_MASK) !== 0) return false;
    return performance.now() >= this.deadline;
  }

  /** Whether the current slice is spent, reading the clock now (for loops over chunks rather than documents). */
  spent(): boolean {
    return performance.now() >= this.deadline;
  }

  /** Lets pending I/O and timers run, then starts a new slice. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.yields++;
    this.deadline = performance.now() + this.sliceMs;
  }

  /** `pause()` when the slice is spent. */
  async tick(): Promise<void> {
    if (this.due()) await this.pause();
  }
}

/** A yielder that never yields: the same code paths, run synchronously (start-up, tests, small inputs). */
export const NEVER: Yielder = Object.assign(Object.create(Yielder.prototype) as Yielder, {
  due: () => false,
  spent: () => false,
  pause: async () => undefined,
  tick: async () => undefined,
  yields: 0,
});
