import { describe, expect, it } from 'vitest';
import { contestSchema, currentContest } from '../../../src/content/index.js';

const prizes = { first: 1, second: 1, third: 1, consolation: 0 };
const contest = (id: string, start: string, end: string) =>
  contestSchema.parse({ id, title: { vi: id }, window: { start, end }, questionsPerAttempt: 5, timeLimitMinutes: 10, prizes: { individual: prizes, collective: prizes } });

describe('currentContest', () => {
  const longRunning = contest('ca-nam', '2026-11-01', '2027-12-31');
  const december = contest('thang-12', '2026-12-04', '2026-12-10');

  it('is the contest whose window holds the day; of two, the one opened last', () => {
    expect(currentContest([longRunning, december], '2026-12-05')?.id).toBe('thang-12');
    expect(currentContest([december, longRunning], '2026-12-05')?.id).toBe('thang-12');
    expect(currentContest([longRunning, december], '2026-12-03')?.id).toBe('ca-nam');
    expect(currentContest([longRunning, december], '2026-12-11')?.id).toBe('ca-nam');
  });

  it('else the next to open, else the last to have closed', () => {
    expect(currentContest([december], '2026-12-01')?.id).toBe('thang-12');
    expect(currentContest([december, contest('thang-10', '2026-10-01', '2026-10-31')], '2026-12-20')?.id).toBe('thang-12');
    expect(currentContest([], '2026-12-20')).toBeNull();
  });
});
