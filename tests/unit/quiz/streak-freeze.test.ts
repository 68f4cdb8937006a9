import { describe, expect, it } from 'vitest';
import { addDays } from '../../../src/domain/index.js';
import { advanceProtectedStreak, liveProtectedStreak, readProtectedStreak, settleStreak, type ProtectedStreak } from '../../../src/quiz/index.js';

const streak = (s: Partial<ProtectedStreak>): ProtectedStreak => ({ current: 0, best: 0, lastDay: null, freezes: 0, frozenDays: [], ...s });

/** Answers on each day of `days` starting from an empty streak; returns the last state and every step. */
function answerOn(days: string[], start: ProtectedStreak = streak({})) {
  let s = start;
  const steps = [];
  for (const d of days) {
    const step = advanceProtectedStreak(s, d);
    steps.push(step);
    s = step.streak;
  }
  return { s, steps };
}
const run = (from: string, n: number) => Array.from({ length: n }, (_, i) => addDays(from, i));

describe('earning freezes', () => {
  it.each([
    [6, 0],
    [7, 1],
    [13, 1],
    [14, 2],
    [21, 2],
    [28, 2],
  ])('%i days in a row → %i freezes held (one per 7 days, at most 2)', (days, freezes) => {
    expect(answerOn(run('2026-11-01', days)).s.freezes).toBe(freezes);
  });

  it('the 7th day says a freeze was earned; answering twice that day earns nothing more', () => {
    const { s, steps } = answerOn(run('2026-11-01', 7));
    expect(steps.map((x) => x.earned)).toEqual([false, false, false, false, false, false, true]);
    const again = advanceProtectedStreak(s, '2026-11-07');
    expect(again).toEqual({ streak: s, used: [], earned: false, milestone: null });
  });

  it('reports the 7-, 30- and 100-day milestones once each', () => {
    const { steps } = answerOn(run('2026-01-01', 100));
    expect(steps.flatMap((x, i) => (x.milestone ? [[i + 1, x.milestone]] : []))).toEqual([
      [7, 7],
      [30, 30],
      [100, 100],
    ]);
  });
});

describe('a missed day', () => {
  const week = answerOn(run('2026-11-01', 7)).s; // 1..7 Nov, one freeze
  it('uses one freeze automatically and says so; the streak goes on', () => {
    const next = advanceProtectedStreak(week, '2026-11-09'); // 8 Nov missed
    expect(next.used).toEqual(['2026-11-08']);
    expect(next.streak.current).toBe(8);
    expect(next.streak.freezes).toBe(0);
    expect(next.streak.frozenDays).toEqual(['2026-11-08']);
    expect(next.streak.lastDay).toBe('2026-11-09');
  });

  it('uses a freeze once, not twice: settling the same missed day again changes nothing', () => {
    const settled = settleStreak(week, '2026-11-09');
    expect(settled.used).toEqual(['2026-11-08']);
    expect(settleStreak(settled.streak, '2026-11-09')).toEqual({ streak: settled.streak, used: [], broken: false });
    // The daily job settled in the morning; the answer later that day uses nothing more.
    const answered = advanceProtectedStreak(settled.streak, '2026-11-09');
    expect(answered.used).toEqual([]);
    expect(answered.streak.freezes).toBe(0);
    expect(answered.streak.current).toBe(8);
  });

  it.each([
    ['two missed days with two freezes: both used', 14, 2, 2, 15],
    ['two missed days with one freeze: the streak ends, the freeze is kept', 7, 2, 1, 1],
    ['one missed day without a freeze: the streak ends', 6, 1, 0, 1],
  ])('%s', (_name, days, missed, freezesAfterOrKept, currentAfter) => {
    const before = answerOn(run('2026-11-01', days)).s;
    const after = advanceProtectedStreak(before, addDays(before.lastDay!, missed + 1));
    expect(after.streak.current).toBe(currentAfter);
    if (currentAfter === 1) {
      expect(after.used).toEqual([]);
      expect(after.streak.freezes).toBe(freezesAfterOrKept);
    } else {
      expect(after.used).toHaveLength(missed);
      expect(after.streak.freezes).toBe(0);
    }
  });

  it('the live streak counts a day the freezes will cover, and drops to 0 when they cannot', () => {
    expect(liveProtectedStreak(week, '2026-11-08')).toBe(7); // yesterday answered
    expect(liveProtectedStreak(week, '2026-11-09')).toBe(7); // 8 Nov missed, one freeze held
    expect(liveProtectedStreak(week, '2026-11-10')).toBe(0); // two missed, one freeze
    const settled = settleStreak(week, '2026-11-09').streak;
    expect(liveProtectedStreak(settled, '2026-11-09')).toBe(7);
    expect(liveProtectedStreak(settled, '2026-11-10')).toBe(0); // 9 Nov missed too, no freeze left
    expect(liveProtectedStreak(streak({}), '2026-11-10')).toBe(0);
  });
});

describe('stored streaks', () => {
  it.each([
    ['an old document without freezes', { current: 3, best: 5, lastDay: '2026-11-01' }, streak({ current: 3, best: 5, lastDay: '2026-11-01' })],
    [
      'a new one',
      { current: 8, best: 8, lastDay: '2026-11-09', freezes: 1, frozenDays: ['2026-11-08'] },
      streak({ current: 8, best: 8, lastDay: '2026-11-09', freezes: 1, frozenDays: ['2026-11-08'] }),
    ],
    ['nonsense', { current: 'x', freezes: 9, frozenDays: ['not a day', 4] }, streak({ freezes: 2 })],
    ['nothing', undefined, streak({})],
  ] as const)('%s reads as a protected streak', (_name, raw, expected) => {
    expect(readProtectedStreak(raw as never)).toEqual(expected);
  });
});
