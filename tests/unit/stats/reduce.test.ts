import { describe, expect, it } from 'vitest';
import { eachDay } from '../../../src/domain/index.js';
import { accuracy, answerDeltas, RollupAccumulator, type AnswerFacts } from '../../../src/stats/reduce.js';

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

describe('rollup arithmetic', () => {
  it('an answer adds one answer to its day, its unit that day, its question that day, its unit and its bot', () => {
    const deltas = answerDeltas(answer({ correct: false }), { firstOfDay: true, firstInUnit: false, firstInBot: false });
    expect(deltas.map((d) => `${d.kind}/${d.day}/${d.key}`)).toEqual([
      'day-bot/2026-10-10/',
      'day-unit/2026-10-10/u1',
      'day-question/2026-10-10/q1',
      'unit/*/u1',
      'bot/*/',
    ]);
    expect(deltas.every((d) => d.inc.answers === 1 && d.inc.correct === 0)).toBe(true);
    expect(deltas[0]!.inc.participants).toBe(1);
    expect(deltas[1]!.inc.participants).toBe(1);
    expect(deltas[3]!.inc.participants).toBe(0);
  });

  it('a participant answering twice on one day counts once that day and once overall', () => {
    const acc = new RollupAccumulator();
    acc.addAnswer(answer({ id: 'a1', questionId: 'q1' }));
    acc.addAnswer(answer({ id: 'a2', questionId: 'q2', correct: false }));
    acc.addAnswer(answer({ id: 'a3', day: '2026-10-11' }));
    acc.addAnswer(answer({ id: 'a4', participantId: 'p2', unitId: null }));
    const byId = new Map(acc.rollups().map((r) => [`${r.kind}|${r.day}|${r.key}`, r]));
    expect(byId.get('day-unit|2026-10-10|u1')).toMatchObject({ answers: 2, correct: 1, participants: 1 });
    expect(byId.get('day-unit|2026-10-11|u1')).toMatchObject({ answers: 1, participants: 1 });
    expect(byId.get('day-unit|2026-10-10|-')).toMatchObject({ answers: 1, participants: 1 });
    expect(byId.get('bot|*|')).toMatchObject({ answers: 4, correct: 3, participants: 2 });
    expect(byId.get('unit|*|u1')).toMatchObject({ participants: 1, answers: 3 });
    expect(byId.get('day-question|2026-10-10|q2')).toMatchObject({ answers: 1, correct: 0, timeTakenMsSum: 1000, timedAnswers: 1 });
  });

  it('a participant joins once however often they are seen', () => {
    const acc = new RollupAccumulator();
    acc.addJoin('demo', 'p1', '2026-10-10', 'u1');
    acc.addJoin('demo', 'p1', '2026-10-10', 'u1');
    expect(acc.rollups()).toEqual([
      expect.objectContaining({ kind: 'day-bot', key: '', joined: 1, answers: 0 }),
      expect.objectContaining({ kind: 'day-unit', key: 'u1', joined: 1, answers: 0 }),
    ]);
  });

  it('accuracy of nothing is unknown, not zero', () => {
    expect(accuracy(0, 0)).toBeNull();
    expect(accuracy(1, 4)).toBe(0.25);
  });

  it('lists every day of a range, across month ends', () => {
    expect(eachDay('2026-02-27', '2026-03-02')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(eachDay('2026-03-02', '2026-03-01')).toEqual([]);
  });
});
