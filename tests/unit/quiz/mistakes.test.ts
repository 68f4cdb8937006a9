import { describe, expect, it } from 'vitest';
import { missedQuestionIds, planMistakesSet, reviewMistakes, type LeitnerDeck, type ReviewableQuestion } from '../../../src/quiz/index.js';

const q = (questionId: string, answer: number, facts: string[] = ['N09']): ReviewableQuestion => ({
  questionId,
  answer,
  vi: { question: `Câu hỏi ${questionId}?`, options: ['Một', 'Hai', 'Ba', 'Bốn'], explanation: `Giải thích ${questionId}.` },
  en: { question: `Question ${questionId}?`, options: ['One', 'Two', 'Three', 'Four'], explanation: `Because ${questionId}.` },
  facts,
});
const bank = new Map(['q1', 'q2', 'q3', 'q4', 'q5'].map((id, i) => [id, q(id, i % 4, [`F${i}`])]));

describe('review of mistakes', () => {
  const answers = [
    { questionId: 'q1', choice: 0, correct: true },
    { questionId: 'q2', choice: 3, correct: false },
    { questionId: 'q3', choice: 2, correct: true },
    { questionId: 'q4', choice: 0, correct: false },
    { questionId: 'q5', choice: 1, correct: false },
  ];

  it('holds exactly the wrong answers, in the order asked, with the right option by letter and text', () => {
    const { mistakes, missing } = reviewMistakes(answers, bank, 'vi');
    expect(missing).toBe(0);
    expect(mistakes.map((m) => [m.number, m.questionId])).toEqual([
      [2, 'q2'],
      [4, 'q4'],
      [5, 'q5'],
    ]);
    expect(mistakes[0]).toEqual({
      questionId: 'q2',
      number: 2,
      question: 'Câu hỏi q2?',
      chosen: { letter: 'D', text: 'Bốn' },
      right: { letter: 'B', text: 'Hai' },
      explanation: 'Giải thích q2.',
      facts: ['F1'],
    });
  });

  it('reads in the member’s language', () => {
    const [first] = reviewMistakes(answers, bank, 'en').mistakes;
    expect(first!.right).toEqual({ letter: 'B', text: 'Two' });
    expect(first!.question).toBe('Question q2?');
  });

  it.each([
    ['a perfect set', answers.map((a) => ({ ...a, correct: true })), 0],
    ['an empty attempt', [], 0],
    ['all wrong', answers.map((a) => ({ ...a, correct: false })), 5],
  ])('%s → %i mistakes', (_name, given, count) => {
    expect(reviewMistakes(given, bank, 'vi').mistakes).toHaveLength(count);
  });

  it('takes the grade that was stored, and counts questions gone from the bank', () => {
    const { mistakes, missing } = reviewMistakes([{ questionId: 'gone', choice: 0, correct: false }, ...answers], bank, 'vi');
    expect(missing).toBe(1);
    expect(mistakes.map((m) => m.number)).toEqual([3, 5, 6]);
  });
});

describe('“Ôn câu sai”', () => {
  const at = (iso: string) => new Date(iso);
  it('a question is missed when its latest answer was wrong', () => {
    const history = [
      { questionId: 'a', correct: false, answeredAt: at('2026-12-01T01:00:00Z') },
      { questionId: 'a', correct: true, answeredAt: at('2026-12-02T01:00:00Z') },
      { questionId: 'b', correct: true, answeredAt: at('2026-12-01T01:00:00Z') },
      { questionId: 'b', correct: false, answeredAt: at('2026-12-03T01:00:00Z') },
      { questionId: 'c', correct: false, answeredAt: at('2026-12-04T01:00:00Z') },
    ];
    expect(missedQuestionIds(history).sort()).toEqual(['b', 'c']);
    expect(missedQuestionIds([...history].reverse()).sort()).toEqual(['b', 'c']);
  });

  it('due ones first (never practised counts as due), lowest box first, then the soonest due; at most ten', () => {
    const now = at('2026-12-07T02:00:00Z');
    const deck: LeitnerDeck = {
      m1: { box: 2, due: '2026-12-06T00:00:00.000Z' },
      m2: { box: 1, due: '2026-12-07T01:00:00.000Z' },
      m3: { box: 1, due: '2026-12-09T00:00:00.000Z' },
      m4: { box: 1, due: '2026-12-08T00:00:00.000Z' },
    };
    const questions = ['m1', 'm2', 'm3', 'm4', 'm5', 'ok'].map((questionId) => ({ questionId }));
    const set = planMistakesSet(deck, questions, ['m1', 'm2', 'm3', 'm4', 'm5'], now);
    expect(set.map((x) => x.questionId)).toEqual(['m5', 'm2', 'm1', 'm4', 'm3']);
    const many = Array.from({ length: 14 }, (_, i) => ({ questionId: `x${i}` }));
    expect(planMistakesSet({}, many, ids(many), now)).toHaveLength(10);
    expect(planMistakesSet({}, many, [], now)).toEqual([]);
  });
});

function ids(qs: readonly { questionId: string }[]): string[] {
  return qs.map((x) => x.questionId);
}
