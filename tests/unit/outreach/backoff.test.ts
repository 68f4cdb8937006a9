import { describe, expect, it } from 'vitest';
import { backoffDelay, TokenBucket } from '../../../src/outreach/index.js';
import { outcomeUpdate } from '../../../src/outreach/fanout.js';

const opts = { baseMs: 1000, maxMs: 60_000 };

describe('retry backoff', () => {
  it('doubles the delay with each attempt, with jitter between half and all of it', () => {
    expect(backoffDelay(1, opts, () => 0)).toBe(500);
    expect(backoffDelay(1, opts, () => 1)).toBe(1000);
    expect(backoffDelay(3, opts, () => 1)).toBe(4000);
    expect(backoffDelay(3, opts, () => 0)).toBe(2000);
  });
  it('caps the delay', () => {
    expect(backoffDelay(20, opts, () => 1)).toBe(60_000);
  });
  it('waits at least as long as the platform asked', () => {
    expect(backoffDelay(1, opts, () => 0, 30_000)).toBe(30_000);
  });
});

describe('what a send result does to a delivery', () => {
  const now = new Date('2026-10-09T01:00:00Z');
  it('records a sent message with its platform ids', () => {
    expect(outcomeUpdate({ ok: true, messageIds: ['m1'] }, 1, now, 5, opts, () => 0).set).toMatchObject({ status: 'sent', sentAt: now, messageIds: ['m1'] });
  });
  it('retries a rate-limited send later, then gives up at the limit', () => {
    const retry = outcomeUpdate({ ok: false, errorClass: 'retryable', reason: 'rate limit' }, 2, now, 5, opts, () => 0);
    expect(retry.set.status).toBe('pending');
    expect(retry.set.notBefore!.getTime() - now.getTime()).toBe(1000);
    expect(outcomeUpdate({ ok: false, errorClass: 'retryable', reason: 'rate limit' }, 5, now, 5, opts, () => 0).set).toMatchObject({
      status: 'failed',
      errorClass: 'retryable',
    });
  });
  it('does not retry an unreachable person and marks them unreachable', () => {
    const r = outcomeUpdate({ ok: false, errorClass: 'unreachable', code: '-213', reason: 'not a follower' }, 1, now, 5, opts, () => 0);
    expect(r.set.status).toBe('failed');
    expect(r.markUnreachable).toBe('not a follower');
  });
  it('skips with window_closed when the platform says the window is closed', () => {
    expect(
      outcomeUpdate({ ok: false, errorClass: 'window_closed', code: '-230', reason: 'no interaction in 7 days' }, 1, now, 5, opts, () => 0).set,
    ).toMatchObject({
      status: 'skipped',
      reason: 'window_closed',
    });
  });
});

describe('token bucket', () => {
  it('lets a burst through, then paces to the rate', async () => {
    let t = 0;
    const slept: number[] = [];
    const bucket = new TokenBucket(
      10,
      2,
      () => t,
      async (ms) => {
        slept.push(ms);
        t += ms;
      },
    );
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(slept).toEqual([100, 100, 100]);
    expect(t).toBe(300);
  });
});
