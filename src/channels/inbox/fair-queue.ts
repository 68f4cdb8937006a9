/**
 * The participants with inbox entries waiting, and which one a free worker slot goes to.
 *
 * A **delivery** is what one webhook request (one simulator message, one zca-js batch) brought: its
 * entries share `receivedAt`. A free slot goes to the waiting delivery with the fewest drains running
 * in this process, the oldest delivery on a tie, and within it to the participant whose entry is
 * earliest. One delivery of 2,000 new members therefore cannot hold every slot while a later
 * delivery waits: the later one gets the next slot that frees, and the big one still gets every slot
 * no other delivery wants. Each participant's own entries stay in order (one drain at a time, under
 * its lease; drain.ts).
 *
 * Pure bookkeeping, no clock and no I/O: the worker says what waits, what started and what ended.
 */

/** A participant with work waiting, and the delivery it is counted under. */
export interface Waiting {
  readonly participant: string;
  /** `receivedAt` (ms) of the participant's oldest waiting entry: its delivery. */
  readonly delivery: number;
  /** The platform's time (ms) of that entry: the order within a delivery. */
  readonly eventAt: number;
}

/** Beyond this many waiting participants new ones are not remembered; the worker's poll finds them later. */
export const MAX_WAITING = 50_000;

export class FairQueue {
  /** The record each waiting participant currently has; list items not equal to it are stale. */
  private readonly waiting = new Map<string, Waiting>();
  /** Delivery → its waiting participants in event order, from `heads[delivery]` on. */
  private readonly lists = new Map<number, Waiting[]>();
  private readonly heads = new Map<number, number>();
  /** Delivery → drains running for it in this process. */
  private readonly running = new Map<number, number>();

  constructor(private readonly capacity = MAX_WAITING) {}

  /** Participants waiting (including those whose drain is running now). */
  get size(): number {
    return this.waiting.size;
  }

  /** Remembers a participant; one already waiting keeps the older of its two deliveries. */
  add(w: Waiting): void {
    const known = this.waiting.get(w.participant);
    if (known && (known.delivery < w.delivery || (known.delivery === w.delivery && known.eventAt <= w.eventAt))) return;
    if (!known && this.waiting.size >= this.capacity) return;
    this.waiting.set(w.participant, w);
    let list = this.lists.get(w.delivery);
    if (!list) {
      this.lists.set(w.delivery, (list = []));
      this.heads.set(w.delivery, 0);
    }
    // Usually appended: a delivery's events come in order. Otherwise inserted in place.
    let i = list.length;
    const head = this.heads.get(w.delivery)!;
    while (i > head && list[i - 1]!.eventAt > w.eventAt) i--;
    list.splice(i, 0, w);
  }

  /** Forgets a participant (e.g. another process holds its lease and works on it). */
  drop(participant: string): void {
    this.waiting.delete(participant);
  }

  /**
   * Takes the participant the next free slot goes to, skipping those `busy` says are being worked on
   * here (they stay waiting): from the delivery with the fewest drains running, the oldest on a tie.
   */
  take(busy: (participant: string) => boolean): Waiting | undefined {
    let best: { delivery: number; index: number; running: number } | null = null;
    for (const delivery of [...this.lists.keys()]) {
      const running = this.running.get(delivery) ?? 0;
      if (best && (running > best.running || (running === best.running && delivery > best.delivery))) continue;
      const index = this.firstRunnable(delivery, busy);
      if (index < 0) continue;
      best = { delivery, index, running };
    }
    if (!best) return undefined;
    const list = this.lists.get(best.delivery)!;
    const [w] = list.splice(best.index, 1) as [Waiting];
    this.waiting.delete(w.participant);
    this.compact(best.delivery);
    return w;
  }

  /** A drain counted under `delivery` started. */
  started(delivery: number): void {
    this.running.set(delivery, (this.running.get(delivery) ?? 0) + 1);
  }

  /** A drain counted under `delivery` ended. */
  ended(delivery: number): void {
    const n = (this.running.get(delivery) ?? 0) - 1;
    if (n > 0) this.running.set(delivery, n);
    else this.running.delete(delivery);
  }

  /** The index of the first participant of a delivery that may start now, or -1; drops stale items from the head. */
  private firstRunnable(delivery: number, busy: (participant: string) => boolean): number {
    const list = this.lists.get(delivery)!;
    let head = this.heads.get(delivery)!;
    while (head < list.length && this.waiting.get(list[head]!.participant) !== list[head]) head++;
    this.heads.set(delivery, head);
    for (let i = head; i < list.length; i++) {
      const w = list[i]!;
      if (this.waiting.get(w.participant) === w && !busy(w.participant)) return i;
    }
    if (head >= list.length) this.compact(delivery);
    return -1;
  }

  /** Frees what a delivery's list no longer needs; a delivery with nobody waiting is forgotten. */
  private compact(delivery: number): void {
    const list = this.lists.get(delivery);
    if (!list) return;
    const head = this.heads.get(delivery)!;
    if (head >= list.length) {
      this.lists.delete(delivery);
      this.heads.delete(delivery);
    } else if (head > 64 && head * 2 > list.length) {
      list.splice(0, head);
      this.heads.set(delivery, 0);
    }
  }
}
