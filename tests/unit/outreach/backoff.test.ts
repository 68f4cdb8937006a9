import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../../src/domain/index.js';
import { outcomeUpdate } from '../../../src/outreach/fanout.js';

const opts = { baseMs: 1000, maxMs: 60_000 };

describe('when a failed delivery is tried again', () => {
  const now = new Date('2026-10-09T01:00:00Z');
  const busy: SendResult = { ok: false, errorClass: 'retryable', reason: 'busy' };
  const wait = (attempts: number, random: number, result: SendResult = busy) =>
    outcomeUpdate(result, attempts, now, 50, opts, () => random).set.notBefore!.getTime() - now.getTime();
  it('doubles the delay with each attempt, with jitter between half and all of it', () => {
    expect(wait(1, 0)).toBe(500);
    expect(wait(1, 1)).toBe(1000);
    expect(wait(3, 1)).toBe(4000);
    expect(wait(3, 0)).toBe(2000);
  });
  it('caps the delay', () => {
    expect(wait(20, 1)).toBe(60_000);
  });
  it('waits at least as long as the platform asked', () => {
    expect(wait(1, 0, { ...busy, retryAfterMs: 30_000 })).toBe(30_000);
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
