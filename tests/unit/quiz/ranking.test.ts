import { describe, expect, it } from 'vitest';
import { awardPrizes, bestAttempts, rankCollective, rankContest, rankScores, rankUnits, roundOf, type ContestEntry } from '../../../src/quiz/index.js';

const at = (m: number) => new Date(Date.UTC(2023, 5, 1, 1, m));
function entry(id: string, over: Partial<ContestEntry>): ContestEntry {
  return {
    attemptId: `a-${id}`,
    participantId: id,
    name: id,
    unitId: 'u1',
    correct: 5,
    questionCount: 10,
    prediction: null,
    timeTakenMs: 60_000,
    submittedAt: at(0),
    ...over,
  };
}

describe('contest ranking (the Quảng Trị rule)', () => {
  it('more correct answers rank first', () => {
    const { ranking } = rankContest([entry('p1', { correct: 7 }), entry('p2', { correct: 9 })]);
    expect(ranking.map((r) => r.participantId)).toEqual(['p2', 'p1']);
  });

  it('equal scores: the prediction closest to the real number of perfect participants wins', () => {
    // Two perfect participants; p1 predicts 2 (exact), p2 predicts 5, p3 gives no prediction.
    const { ranking, perfect } = rankContest([
      entry('p3', { correct: 10, timeTakenMs: 1_000 }),
      entry('p2', { correct: 10, prediction: 5, timeTakenMs: 2_000 }),
      entry('p1', { correct: 10, prediction: 2, timeTakenMs: 9_000 }),
    ]);
    expect(perfect).toBe(3);
    expect(ranking.map((r) => [r.participantId, r.predictionDistance])).toEqual([
      ['p1', 1],
      ['p2', 2],
      ['p3', null],
    ]);
  });

  it('equal score and prediction: shorter time, then the earlier submission', () => {
    const { ranking } = rankContest([
      entry('slow', { prediction: 0, timeTakenMs: 90_000 }),
      entry('late', { prediction: 0, timeTakenMs: 60_000, submittedAt: at(30) }),
      entry('early', { prediction: 0, timeTakenMs: 60_000, submittedAt: at(10) }),
    ]);
    expect(ranking.map((r) => r.participantId)).toEqual(['early', 'late', 'slow']);
    expect(ranking.map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it('only the best attempt of each participant counts', () => {
    const best = bestAttempts([
      entry('p1', { attemptId: 'x', correct: 4 }),
      entry('p1', { attemptId: 'y', correct: 8 }),
      entry('p1', { attemptId: 'z', correct: 8, timeTakenMs: 10_000 }),
    ]);
    expect(best.map((e) => e.attemptId)).toEqual(['z']);
  });

  it('hands out individual prizes 1/2/2/3 down the ranking', () => {
    const ranking = Array.from({ length: 10 }, (_, i) => `p${i + 1}`);
    const prizes = awardPrizes(ranking, { first: 1, second: 2, third: 2, consolation: 3 });
    expect(prizes.map((p) => `${p.prize}:${p.winner}`)).toEqual([
      'first:p1',
      'second:p2',
      'second:p3',
      'third:p4',
      'third:p5',
      'consolation:p6',
      'consolation:p7',
      'consolation:p8',
    ]);
  });

  it('leaves lower prizes unawarded when there are fewer entrants than prizes', () => {
    expect(awardPrizes(['only'], { first: 1, second: 1, third: 1, consolation: 1 })).toEqual([{ prize: 'first', winner: 'only' }]);
  });

  it('ranks units by participation rate, then average score, by default', () => {
    const units = [
      { unitId: 'u1', name: 'Trường A', size: 10 },
      { unitId: 'u2', name: 'Trường B', size: 4 },
      { unitId: 'u3', name: 'Sở C', size: null },
    ];
    const rows = rankCollective(
      [
        entry('a1', { unitId: 'u1', correct: 10 }),
        entry('a2', { unitId: 'u1', correct: 10 }),
        entry('b1', { unitId: 'u2', correct: 3 }),
        entry('b2', { unitId: 'u2', correct: 5 }),
        entry('c1', { unitId: 'u3', correct: 10 }),
      ],
      units,
      ['participationRate', 'averageScore'],
    );
    expect(rows.map((r) => [r.unitId, r.participationRate, r.averageScore])).toEqual([
      ['u2', 0.5, 4],
      ['u1', 0.2, 10],
      ['u3', null, 10],
    ]);
    const byScore = rankCollective([entry('a1', { unitId: 'u1', correct: 10 }), entry('b1', { unitId: 'u2', correct: 3 })], units, ['averageScore']);
    expect(byScore[0]!.unitId).toBe('u1');
  });

  it('numbers weekly rounds from the first day of the window', () => {
    const contest = { window: { start: '2023-06-01', end: '2023-09-15' }, rounds: 'weekly' as const };
    expect(roundOf(contest, '2023-06-01')).toBe('1');
    expect(roundOf(contest, '2023-06-07')).toBe('1');
    expect(roundOf(contest, '2023-06-08')).toBe('2');
    expect(roundOf(contest, '2023-05-31')).toBeNull();
    expect(roundOf(contest, '2023-09-16')).toBeNull();
    expect(roundOf({ ...contest, rounds: 'single' }, '2023-07-01')).toBe('1');
  });
});

describe('leaderboards', () => {
  it('equal scores: whoever reached the score earlier ranks first; then fewer answers; then id', () => {
    const rows = rankScores([
      { participantId: 'c', name: 'C', unitId: null, correct: 3, answered: 3, reachedAt: at(5) },
      { participantId: 'b', name: 'B', unitId: null, correct: 3, answered: 5, reachedAt: at(1) },
      { participantId: 'a', name: 'A', unitId: null, correct: 3, answered: 4, reachedAt: at(1) },
      { participantId: 'd', name: 'D', unitId: null, correct: 4, answered: 9, reachedAt: at(9) },
    ]);
    expect(rows.map((r) => `${r.rank}${r.participantId}`)).toEqual(['1d', '2a', '3b', '4c']);
  });

  it('units: correct answers, then participation rate (unknown sizes last), then participants', () => {
    const rows = rankUnits([
      { unitId: 'x', name: 'X', correct: 5, participants: 5, size: null },
      { unitId: 'y', name: 'Y', correct: 5, participants: 2, size: 4 },
      { unitId: 'z', name: 'Z', correct: 9, participants: 1, size: 100 },
    ]);
    expect(rows.map((r) => [r.unitId, r.participationRate])).toEqual([
      ['z', 0.01],
      ['y', 0.5],
      ['x', null],
    ]);
  });
});
