import { describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../../../src/domain/index.js';
import { pickDaily, rotation } from '../../../src/quiz/index.js';

const bank = (n: number) => Array.from({ length: n }, (_, i) => ({ questionId: `q-${String(i).padStart(3, '0')}` }));

describe('today’s question', () => {
  it('is the same question for everyone on a bot on a given day, whatever order the bank comes in', () => {
    const questions = bank(40);
    const a = pickDaily('quang-tri', '2023-06-01', questions);
    const b = pickDaily('quang-tri', '2023-06-01', [...questions].reverse());
    expect(a).toEqual(b);
  });

  it('differs between bots so two bots do not march in step', () => {
    const questions = bank(40);
    const days = Array.from({ length: 10 }, (_, i) => addDays('2023-06-01', i));
    const one = days.map((d) => pickDaily('bot-a', d, questions)!.questionId);
    const two = days.map((d) => pickDaily('bot-b', d, questions)!.questionId);
    expect(one).not.toEqual(two);
  });

  it('never repeats within 30 days when the bank has at least 30 questions', () => {
    const questions = bank(45);
    for (const start of ['2023-06-01', '2024-02-15', '2025-12-20']) {
      const ids = Array.from({ length: 30 }, (_, i) => pickDaily('quang-tri', addDays(start, i), questions)!.questionId);
      expect(new Set(ids).size).toBe(30);
    }
  });

  it('shows every question once before any repeats when the bank is small', () => {
    const questions = bank(7);
    const ids = Array.from({ length: 7 }, (_, i) => pickDaily('demo', addDays('2023-09-01', i), questions)!.questionId);
    expect(new Set(ids).size).toBe(7);
  });

  it('keeps the order of the other questions when one is added', () => {
    const before = rotation('demo', bank(10)).map((q) => q.questionId);
    const after = rotation('demo', [...bank(10), { questionId: 'q-new' }])
      .map((q) => q.questionId)
      .filter((id) => id !== 'q-new');
    expect(after).toEqual(before);
  });

  it('is null without questions', () => {
    expect(pickDaily('demo', '2023-06-01', [])).toBeNull();
  });

  it('counts days in Asia/Ho_Chi_Minh: 17:30 UTC is already the next day in Vietnam', () => {
    expect(dayOf(new Date('2023-06-01T16:59:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2023-06-01');
    expect(dayOf(new Date('2023-06-01T17:00:00Z'), 'Asia/Ho_Chi_Minh')).toBe('2023-06-02');
  });
});

describe('calendar arithmetic on Vietnamese days', () => {
  it('adds days across months and leap years, and finds the Monday of a week', async () => {
    const { addDays: add, daysBetween, weekStart, dayNumber, dayOf: day } = await import('../../../src/domain/index.js');
    expect(add('2024-02-28', 1)).toBe('2024-02-29');
    expect(add('2023-12-31', 1)).toBe('2024-01-01');
    expect(add('2023-03-01', -1)).toBe('2023-02-28');
    expect(daysBetween('2023-06-01', '2023-09-15')).toBe(106);
    expect(weekStart('2023-06-11')).toBe('2023-06-05'); // a Sunday
    expect(weekStart('2023-06-05')).toBe('2023-06-05'); // a Monday
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(day(new Date('2023-06-01T17:00:00Z'), 'Europe/London')).toBe('2023-06-01');
  });
});
