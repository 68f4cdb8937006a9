import { describe, expect, it } from 'vitest';
import { FairQueue, type Waiting } from '../../../src/channels/inbox/fair-queue.js';

/** A delivery of `n` participants, all received at `delivery` (ms), events one ms apart. */
const delivery = (name: string, at: number, n: number): Waiting[] =>
  Array.from({ length: n }, (_, i) => ({ participant: `${name}${i}`, delivery: at, eventAt: at - 1000 + i }));

/**
 * Runs the queue as the worker does with `slots` slots: fills every free slot, then ends the drain
 * that started first, until nothing waits. `arrivals[k]` are added once k drains have ended, before
 * the freed slot is filled. Returns the participants in the order they started.
 */
function simulate(q: FairQueue, slots: number, arrivals: Record<number, Waiting[]> = {}): string[] {
  const started: string[] = [];
  const running: Waiting[] = [];
  const busy = (p: string) => running.some((r) => r.participant === p);
  for (let ended = 0; ; ended++) {
    for (const w of arrivals[ended] ?? []) q.add(w);
    for (let next = running.length < slots ? q.take(busy) : undefined; next; next = running.length < slots ? q.take(busy) : undefined) {
      q.started(next.delivery);
      running.push(next);
      started.push(next.participant);
    }
    const done = running.shift();
    if (!done) return started;
    q.ended(done.delivery);
  }
}

describe('fair inbox queue', () => {
  it('a message arriving while one delivery of 2,000 new members holds every slot gets the next slot that frees', () => {
    const q = new FairQueue();
    for (const w of delivery('burst', 1_000, 2_000)) q.add(w);
    const order = simulate(q, 8, { 3: delivery('probe', 2_000, 1) });
    // 8 slots filled from the burst, 2 drains ended and refilled from it; the probe comes with the
    // third end and takes that slot.
    expect(order.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `burst${i}`));
    expect(order[10]).toBe('probe0');
    expect(order).toHaveLength(2_001);
    // The burst itself stays in its own order.
    expect(order.filter((p) => p.startsWith('burst'))).toEqual(Array.from({ length: 2_000 }, (_, i) => `burst${i}`));
  });

  it('two big deliveries share the slots instead of the older one taking them all', () => {
    const q = new FairQueue();
    for (const w of delivery('a', 1_000, 6)) q.add(w);
    const order = simulate(q, 2, { 1: delivery('b', 2_000, 6) });
    expect(order).toEqual(['a0', 'a1', 'b0', 'a2', 'b1', 'a3', 'b2', 'a4', 'b3', 'a5', 'b4', 'b5']);
  });

  it('with nothing else waiting, one delivery gets every slot, oldest deliveries first', () => {
    const q = new FairQueue();
    for (const w of delivery('late', 3_000, 2)) q.add(w);
    for (const w of delivery('early', 1_000, 2)) q.add(w);
    expect(simulate(q, 4)).toEqual(['early0', 'late0', 'early1', 'late1']);
    const alone = new FairQueue();
    for (const w of delivery('only', 1_000, 5)) alone.add(w);
    expect(simulate(alone, 3)).toEqual(['only0', 'only1', 'only2', 'only3', 'only4']);
  });

  it('orders a delivery by event time, keeps a participant once under its oldest delivery, and skips one being drained', () => {
    const q = new FairQueue();
    q.add({ participant: 'x', delivery: 5, eventAt: 30 });
    q.add({ participant: 'y', delivery: 5, eventAt: 10 });
    q.add({ participant: 'z', delivery: 5, eventAt: 20 });
    // Seen again in a later delivery (more messages): still counted under delivery 5.
    q.add({ participant: 'y', delivery: 9, eventAt: 40 });
    expect(q.size).toBe(3);
    expect(q.take((p) => p === 'y')).toMatchObject({ participant: 'z', delivery: 5 });
    expect(q.take(() => false)).toMatchObject({ participant: 'y', delivery: 5 });
    q.drop('x');
    expect(q.take(() => false)).toBeUndefined();
    expect(q.size).toBe(0);
  });

  it('remembers at most its capacity of participants', () => {
    const q = new FairQueue(3);
    for (const w of delivery('p', 1, 5)) q.add(w);
    expect(q.size).toBe(3);
    expect(simulate(q, 1)).toEqual(['p0', 'p1', 'p2']);
  });
});
