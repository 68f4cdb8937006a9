import { describe, expect, it } from 'vitest';
import { advanceProtectedStreak, readProtectedStreak, recapWeekOf, settleStreak, wantsRecap } from '../../../src/quiz/index.js';

describe('which week a recap is about', () => {
  it.each([
    ['Sunday evening (the default schedule): the week ending that day', '2026-12-13', '2026-12-07'],
    ['Monday morning: the week just ended', '2026-12-14', '2026-12-07'],
    ['a Wednesday: the last full week', '2026-12-16', '2026-12-07'],
    ['across a year end', '2027-01-03', '2026-12-28'],
  ])('%s', (_name, today, week) => {
    expect(recapWeekOf(today)).toBe(week);
  });
});

describe('who gets a recap', () => {
  it('a member who answered that week, unless they said “Dừng tổng kết”; older documents without the flag receive it', () => {
    expect(wantsRecap({ recap: true }, 3)).toBe(true);
    expect(wantsRecap({}, 1)).toBe(true);
    expect(wantsRecap({ recap: null }, 1)).toBe(true);
    expect(wantsRecap({ recap: false }, 5)).toBe(false);
    expect(wantsRecap({ recap: true }, 0)).toBe(false);
  });
});

describe('a freeze applied by the daily job and the next answer', () => {
  const held = readProtectedStreak({ current: 7, best: 7, lastDay: '2026-12-08', freezes: 1, frozenDays: [] });

  it('the job covers the missed day once, a second run covers nothing, and the answer uses no second freeze', () => {
    const job = settleStreak(held, '2026-12-10');
    expect(job.used).toEqual(['2026-12-09']);
    expect(job.streak.freezes).toBe(0);
    expect(settleStreak(job.streak, '2026-12-10').used).toEqual([]);
    const answer = advanceProtectedStreak(job.streak, '2026-12-10');
    expect(answer.used).toEqual([]);
    expect(answer.streak).toMatchObject({ current: 8, freezes: 0, frozenDays: ['2026-12-09'] });
  });

  it('the lazy path alone (no job ran) uses the same one freeze for the same day', () => {
    const answer = advanceProtectedStreak(held, '2026-12-10');
    const job = settleStreak(held, '2026-12-10');
    expect(answer.used).toEqual(job.used);
    expect(answer.streak.frozenDays).toEqual(job.streak.frozenDays);
    expect(answer.streak.freezes).toBe(job.streak.freezes);
  });
});
