import { describe, expect, it } from 'vitest';
import {
  accuracy,
  answerDeltas,
  distinctSince,
  firstOfDayDeltas,
  gapKey,
  mergeDeltas,
  RollupAccumulator,
  type AnswerFacts,
} from '../../../src/stats/reduce.js';

const answer = (over: Partial<AnswerFacts>): AnswerFacts => ({
  id: 'a1',
  participantId: 'p1',
  bot: 'demo',
  unitId: 'u1',
  questionId: 'q1',
  day: '2026-10-10',
  correct: true,
  timeTakenMs: 1000,
  ...over,
});

const byId = (acc: RollupAccumulator) => new Map(acc.rollups().map((r) => [`${r.kind}|${r.day}|${r.key}`, r]));

describe('rollup arithmetic', () => {
  it('an answer adds one answer to its day, its unit that day and its question that day', () => {
    const deltas = answerDeltas(answer({ correct: false }));
    expect(deltas.map((d) => `${d.kind}/${d.day}/${d.key}`)).toEqual(['day-bot/2026-10-10/', 'day-unit/2026-10-10/u1', 'day-question/2026-10-10/q1']);
    expect(deltas.every((d) => d.inc.answers === 1 && d.inc.correct === 0 && d.inc.timeTakenMsSum === 1000)).toBe(true);
  });

  it('a first answer of a day counts the participant with the gap to their previous active day', () => {
    expect(gapKey('2026-10-10', null)).toBe('n');
    expect(gapKey('2026-10-10', '2026-10-09')).toBe('1');
    expect(gapKey('2026-03-01', '2026-02-27')).toBe('2');
    expect(gapKey('2027-10-12', '2026-10-10')).toBe('n');
    expect(firstOfDayDeltas({ bot: 'demo' }, '2026-10-10', '3')).toEqual([
      { kind: 'day-bot', bot: 'demo', day: '2026-10-10', key: '', inc: { participants: 1 }, gaps: { 3: 1 } },
    ]);
    // Beyond 32 days the gap goes to a block of its own, so a day's document never holds more than 33 counters.
    expect(firstOfDayDeltas({ bot: 'demo', unitId: null }, '2026-10-10', '40')).toEqual([
      { kind: 'day-unit', bot: 'demo', day: '2026-10-10', key: '-', inc: { participants: 1 } },
      { kind: 'far-unit', bot: 'demo', day: '2026-10-10', key: '-|b1', inc: {}, gaps: { 40: 1 } },
    ]);
  });

  it('merges the deltas of one operation into one part per document', () => {
    const merged = mergeDeltas([...answerDeltas(answer({})), ...answerDeltas(answer({ correct: false, questionId: 'q2' }))]);
    expect(merged.find((d) => d.kind === 'day-bot')).toMatchObject({ inc: { answers: 2, correct: 1, timeTakenMsSum: 2000, timedAnswers: 2 } });
    expect(merged).toHaveLength(4);
  });

  it('a participant answering twice on one day counts once that day, and once in each unit they answered in', () => {
    const acc = new RollupAccumulator();
    acc.addAnswer(answer({ id: 'a1', questionId: 'q1' }));
    acc.addAnswer(answer({ id: 'a2', questionId: 'q2', correct: false }));
    acc.addAnswer(answer({ id: 'a3', day: '2026-10-11' }));
    acc.addAnswer(answer({ id: 'a4', day: '2026-10-11', unitId: 'u2' }));
    acc.addAnswer(answer({ id: 'a5', participantId: 'p2', unitId: null }));
    const docs = byId(acc);
    expect(docs.get('day-bot|2026-10-10|')).toMatchObject({ answers: 3, correct: 2, participants: 2, gaps: { n: 2 } });
    expect(docs.get('day-bot|2026-10-11|')).toMatchObject({ answers: 2, participants: 1, gaps: { 1: 1 } });
    expect(docs.get('day-unit|2026-10-10|u1')).toMatchObject({ answers: 2, correct: 1, participants: 1 });
    expect(docs.get('day-unit|2026-10-11|u1')).toMatchObject({ participants: 1, gaps: { 1: 1 } });
    expect(docs.get('day-unit|2026-10-11|u2')).toMatchObject({ participants: 1, gaps: { n: 1 } });
    expect(docs.get('day-unit|2026-10-10|-')).toMatchObject({ answers: 1, participants: 1 });
    expect(docs.get('day-question|2026-10-10|q2')).toMatchObject({ answers: 1, correct: 0, timeTakenMsSum: 1000, timedAnswers: 1 });
  });

  it('counts distinct participants over any date range from the gaps', () => {
    const acc = new RollupAccumulator();
    // p1 on the 1st, 2nd and 20th; p2 on the 2nd and, after 50 days, on 21 November; p3 on the 20th.
    for (const [p, day] of [
      ['p1', '2026-10-01'],
      ['p1', '2026-10-02'],
      ['p1', '2026-10-20'],
      ['p2', '2026-10-02'],
      ['p2', '2026-11-21'],
      ['p3', '2026-10-20'],
    ] as const)
      acc.addAnswer(answer({ participantId: p, day }));
    const rows = acc.rollups().filter((r) => r.kind === 'day-bot' || r.kind === 'far-bot');
    const distinct = (from: string, to: string) =>
      distinctSince(
        rows.filter((r) => r.day >= from && r.day <= to),
        from,
      );
    expect(distinct('2026-10-01', '2026-10-31')).toBe(3);
    expect(distinct('2026-10-02', '2026-10-02')).toBe(2);
    expect(distinct('2026-10-02', '2026-10-20')).toBe(3);
    expect(distinct('2026-10-03', '2026-10-20')).toBe(2);
    expect(distinct('2026-10-03', '2026-11-30')).toBe(3);
    expect(distinct('2026-10-21', '2026-11-30')).toBe(1);
    expect(rows.find((r) => r.kind === 'far-bot')).toMatchObject({ day: '2026-11-21', key: 'b1', gaps: { 50: 1 } });
  });

  it('a participant joins on the day of their consent, in the bot', () => {
    const acc = new RollupAccumulator();
    acc.addJoin('demo', '2026-10-10');
    expect(acc.rollups()).toEqual([expect.objectContaining({ kind: 'day-bot', key: '', joined: 1, answers: 0 })]);
  });

  it('accuracy of nothing is unknown, not zero', () => {
    expect(accuracy(0, 0)).toBeNull();
    expect(accuracy(1, 4)).toBe(0.25);
  });
});
