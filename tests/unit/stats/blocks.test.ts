import { describe, expect, it } from 'vitest';
import { blockDocs, blocksEndingIn, cover, monthOf, weekOf } from '../../../src/stats/blocks.js';
import { distinctSince, zeroCounts, type RollupDoc } from '../../../src/stats/reduce.js';

describe('week and month blocks', () => {
  it('cut weeks at month ends, so every month starts a week block', () => {
    expect(weekOf('2026-03-31')).toEqual({ span: 'week', start: '2026-03-30', end: '2026-03-31' });
    expect(weekOf('2026-04-01')).toEqual({ span: 'week', start: '2026-04-01', end: '2026-04-05' });
    expect(monthOf('2028-02-10')).toEqual({ span: 'month', start: '2028-02-01', end: '2028-02-29' });
    expect(blocksEndingIn('2026-03-28', '2026-04-05').map((b) => `${b.span} ${b.start}..${b.end}`)).toEqual([
      'week 2026-03-23..2026-03-29',
      'week 2026-03-30..2026-03-31',
      'month 2026-03-01..2026-03-31',
      'week 2026-04-01..2026-04-05',
    ]);
  });

  it('cover a year with days at the edges, then weeks, then months', () => {
    const all = cover('2025-12-04', '2026-12-03', () => true);
    expect(all.map((p) => `${p.span} ${p.from}..${p.to}`)).toEqual([
      'day 2025-12-04..2025-12-07',
      'week 2025-12-08..2025-12-29',
      'month 2026-01-01..2026-11-01',
      'day 2026-12-01..2026-12-03',
    ]);
    // Nothing sealed: days only.
    expect(cover('2026-01-01', '2026-01-31', () => false)).toEqual([{ span: 'day', from: '2026-01-01', to: '2026-01-31' }]);
    // A month not sealed yet (or to be sealed again) is read as its sealed weeks and days.
    const partly = cover('2026-01-01', '2026-02-28', (b) => !(b.span === 'month' && b.start === '2026-02-01') && b.end <= '2026-02-22');
    expect(partly.map((p) => `${p.span} ${p.from}..${p.to}`)).toEqual([
      'month 2026-01-01..2026-01-01',
      'week 2026-02-01..2026-02-16',
      'day 2026-02-23..2026-02-28',
    ]);
  });

  it('count gaps from the block’s first day, so a block reads like a day', () => {
    const day = (d: string, gaps: Record<string, number>): RollupDoc => ({
      kind: 'day-bot',
      bot: 'b',
      day: d,
      key: '',
      ...zeroCounts(),
      answers: 1,
      participants: 1,
      gaps,
    });
    // Three members: active on the 2nd after a gap of 5; on the 3rd and the 5th; new on the 6th.
    const days = [day('2026-03-02', { 5: 1 }), day('2026-03-03', { 10: 1 }), day('2026-03-05', { 2: 1 }), day('2026-03-06', { n: 1 })];
    const [block] = blockDocs(weekOf('2026-03-02'), days);
    expect(block).toMatchObject({ kind: 'week-bot', day: '2026-03-02', answers: 4, participants: 4, gaps: { 5: 1, 9: 1, n: 1 } });
    for (const from of ['2026-02-20', '2026-02-25', '2026-02-27', '2026-03-01', '2026-03-02'])
      expect(distinctSince([block!], from)).toBe(distinctSince(days, from));
  });
});
