import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../src/domain/index.js';
import { advanceStreak, liveStreak, pickPractice, reviewCard, type LeitnerDeck } from '../../../src/quiz/index.js';

const now = new Date('2023-06-10T02:00:00Z');
const qs = ['a', 'b', 'c', 'd'].map((questionId) => ({ questionId }));

describe('practice with Leitner boxes', () => {
  it('a wrong answer goes back to box 1 and comes back within minutes', () => {
    const card = reviewCard({ box: 3, due: now.toISOString() }, false, now);
    expect(card.box).toBe(1);
    expect(Date.parse(card.due) - now.getTime()).toBe(10 * 60_000);
  });

  it('a right answer moves up a box and comes back later each time', () => {
    const first = reviewCard(undefined, true, now);
    const second = reviewCard(first, true, now);
    expect([first.box, second.box]).toEqual([1, 2]);
    expect(Date.parse(second.due)).toBeGreaterThan(Date.parse(first.due));
    expect(reviewCard({ box: 5, due: '' }, true, now).box).toBe(5);
  });

  it('asks due questions from the lowest box first, then unseen ones', () => {
    const past = new Date(now.getTime() - 1000).toISOString();
    const future = new Date(now.getTime() + 86_400_000).toISOString();
    const deck: LeitnerDeck = { a: { box: 3, due: past }, b: { box: 1, due: past }, c: { box: 1, due: future } };
    expect(pickPractice(deck, qs, now, 'u1')!.questionId).toBe('b');
    const noneDue: LeitnerDeck = { a: { box: 2, due: future }, b: { box: 1, due: future }, c: { box: 1, due: future } };
    expect(pickPractice(noneDue, qs, now, 'u1')!.questionId).toBe('d');
  });

  it('never asks the same question twice in a row while others exist', () => {
    const past = new Date(now.getTime() - 1000).toISOString();
    const deck: LeitnerDeck = { a: { box: 1, due: past } };
    expect(pickPractice(deck, qs, now, 'u1', 'a')!.questionId).not.toBe('a');
    expect(pickPractice({}, [{ questionId: 'only' }], now, 'u1', 'only')!.questionId).toBe('only');
  });

  it('when everything is learned, the one due soonest comes back', () => {
    const deck: LeitnerDeck = {
      a: { box: 5, due: '2023-07-01T00:00:00.000Z' },
      b: { box: 5, due: '2023-06-20T00:00:00.000Z' },
      c: { box: 5, due: '2023-06-25T00:00:00.000Z' },
      d: { box: 5, due: '2023-06-30T00:00:00.000Z' },
    };
    expect(pickPractice(deck, qs, now, 'u1')!.questionId).toBe('b');
  });
});

describe('streaks across days in Asia/Ho_Chi_Minh', () => {
  const zero = { current: 0, best: 0, lastDay: null };

  it('grows on consecutive Vietnamese days even when the UTC date does not change', () => {
    // 08:00 and 23:30 on 1 June in Vietnam are both 1 June UTC; 00:30 on 2 June in Vietnam is still 1 June UTC.
    const d1 = dayOf(new Date('2023-06-01T01:00:00Z'), 'Asia/Ho_Chi_Minh');
    const d2 = dayOf(new Date('2023-06-01T17:30:00Z'), 'Asia/Ho_Chi_Minh');
    expect([d1, d2]).toEqual(['2023-06-01', '2023-06-02']);
    const s = advanceStreak(advanceStreak(zero, d1), d2);
    expect(s).toEqual({ current: 2, best: 2, lastDay: '2023-06-02' });
  });

  it('counts a day once however many answers it has', () => {
    const s = advanceStreak(advanceStreak(zero, '2023-06-01'), '2023-06-01');
    expect(s.current).toBe(1);
  });

  it('restarts at 1 after a missed day and keeps the best', () => {
    let s = advanceStreak(zero, '2023-06-01');
    s = advanceStreak(s, '2023-06-02');
    s = advanceStreak(s, '2023-06-03');
    s = advanceStreak(s, '2023-06-05');
    expect(s).toEqual({ current: 1, best: 3, lastDay: '2023-06-05' });
  });

  it('shows a broken streak as 0 once a whole day has passed without an answer', () => {
    const s = { current: 4, best: 4, lastDay: '2023-06-01' };
    expect(liveStreak(s, '2023-06-02')).toBe(4);
    expect(liveStreak(s, '2023-06-03')).toBe(0);
  });
});
