import { describe, expect, it } from 'vitest';
import { backoffDelay, dayOf, dayRangeInstants, eachDay, fold, formatTime, localMidnight } from '../../../src/domain/index.js';

describe('backoff', () => {
  it('doubles from the base with each failure and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { baseMs: 500, maxMs: 4000 }))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(backoffDelay(10, { baseMs: 200 })).toBe(200 * 2 ** 9);
  });
  it('equal jitter keeps half the wait and draws the other half', () => {
    expect(backoffDelay(3, { baseMs: 1000, jitter: 'equal', random: () => 0 })).toBe(2000);
    expect(backoffDelay(3, { baseMs: 1000, jitter: 'equal', random: () => 1 })).toBe(4000);
  });
  it('a jitter fraction moves the wait by up to that much either way', () => {
    expect(backoffDelay(2, { baseMs: 5000, jitter: 0.2, random: () => 0 })).toBe(8000);
    expect(backoffDelay(2, { baseMs: 5000, jitter: 0.2, random: () => 1 })).toBe(12_000);
    expect(backoffDelay(2, { baseMs: 5000, jitter: 0.2, random: () => 0.5 })).toBe(10_000);
  });
});

describe('days in the configured time zone', () => {
  const lateEvening = new Date('2026-12-01T17:30:00Z');
  it('is the next day in Vietnam and still the same day in London', () => {
    expect(dayOf(lateEvening, 'Asia/Ho_Chi_Minh')).toBe('2026-12-02');
    expect(dayOf(lateEvening, 'Europe/London')).toBe('2026-12-01');
    expect(formatTime(lateEvening, 'Asia/Ho_Chi_Minh')).toBe('00:30 02/12');
  });
  it('lists every day of a range', () => {
    expect(eachDay('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });
});

describe('folding typed text', () => {
  it('drops case, diacritics and punctuation', () => {
    expect(fold('  Câu hỏi HÔM NAY! ')).toBe('cau hoi hom nay');
    expect(fold('Đơn vị')).toBe('don vi');
  });
});

describe('local days as instants', () => {
  it('a Vietnamese day begins at 17:00 UTC the day before, and a range ends at the next local midnight', () => {
    expect(localMidnight('2026-12-01', 'Asia/Ho_Chi_Minh').toISOString()).toBe('2026-11-30T17:00:00.000Z');
    expect(dayRangeInstants('2026-11-30', '2026-12-01', 'Asia/Ho_Chi_Minh')).toEqual({
      from: new Date('2026-11-29T17:00:00.000Z'),
      to: new Date('2026-12-01T17:00:00.000Z'),
    });
  });
});
