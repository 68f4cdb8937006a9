import { describe, expect, it } from 'vitest';
import {
  PRACTICE_SET_SIZE,
  answerSetQuestion,
  currentSetQuestion,
  isSetFinished,
  pickPractice,
  planPracticeSet,
  practiceSetSchema,
  practiceTopics,
  reviewCard,
  setProgress,
  startPracticeSet,
  summarizePracticeSet,
  type LeitnerDeck,
  type PracticeQuestion,
} from '../../../src/quiz/index.js';

const now = new Date('2026-12-07T02:00:00Z');
const past = new Date(now.getTime() - 60_000).toISOString();
const future = new Date(now.getTime() + 86_400_000).toISOString();

/** 12 law questions (4 per level), 6 online-safety (level 1), 3 digital-skills (level 2). */
const bank: PracticeQuestion[] = [
  ...Array.from({ length: 12 }, (_, i) => ({ questionId: `law-${String(i + 1).padStart(3, '0')}`, topic: 'laws', difficulty: ((i % 3) + 1) as 1 | 2 | 3 })),
  ...Array.from({ length: 6 }, (_, i) => ({ questionId: `safe-${i + 1}`, topic: 'online-safety', difficulty: 1 as const })),
  ...Array.from({ length: 3 }, (_, i) => ({ questionId: `skill-${i + 1}`, topic: 'digital-skills', difficulty: 2 as const })),
];
const ids = (qs: readonly { questionId: string }[]) => qs.map((q) => q.questionId);

describe('the practice offer', () => {
  it.each([
    [
      'mixed',
      [
        ['laws', 12],
        ['online-safety', 6],
        ['digital-skills', 3],
      ],
    ],
    [
      1,
      [
        ['online-safety', 6],
        ['laws', 4],
      ],
    ],
    [
      2,
      [
        ['laws', 4],
        ['digital-skills', 3],
      ],
    ],
    [3, [['laws', 4]]],
  ] as const)('level %s lists the topics with their counts, most first', (level, expected) => {
    expect(practiceTopics(bank, level).map((t) => [t.topic, t.count])).toEqual(expected);
  });
});

describe('planning a set of ten', () => {
  it.each([
    ['every topic, mixed', { topic: 'all', level: 'mixed' }, null],
    ['laws, mixed (12 questions)', { topic: 'laws', level: 'mixed' }, null],
    ['online safety, level 1 (6): other topics fill the set', { topic: 'online-safety', level: 1 }, 'topic'],
    ['laws, level 3 (4): other levels of laws fill the set', { topic: 'laws', level: 3 }, 'level'],
    ['digital skills, level 3 (none): other levels, then other topics', { topic: 'digital-skills', level: 3 }, 'topic'],
  ] as const)('%s → exactly ten distinct questions', (_name, choice, widened) => {
    const plan = planPracticeSet({}, bank, choice, now, 'member-1');
    expect(plan.questions).toHaveLength(PRACTICE_SET_SIZE);
    expect(new Set(ids(plan.questions)).size).toBe(PRACTICE_SET_SIZE);
    expect(plan.widened).toBe(widened);
  });

  it('asks the member’s choice first and only then widens', () => {
    const plan = planPracticeSet({}, bank, { topic: 'laws', level: 3 }, now, 'member-1');
    expect(plan.questions.slice(0, 4).every((q) => q.topic === 'laws' && q.difficulty === 3)).toBe(true);
    expect(plan.questions.slice(4).every((q) => q.topic === 'laws' && q.difficulty !== 3)).toBe(true);
  });

  it('with fewer than ten questions in the whole bank, the set holds all of them', () => {
    const plan = planPracticeSet({}, bank.slice(0, 7), { topic: 'all', level: 'mixed' }, now, 'member-1');
    expect(plan.questions).toHaveLength(7);
  });

  it('keeps the Leitner order: due questions (lowest box first), then unseen, then the soonest due', () => {
    const deck: LeitnerDeck = {
      'law-001': { box: 3, due: past },
      'law-002': { box: 1, due: past },
      'law-003': { box: 1, due: future },
    };
    const laws = bank.filter((q) => q.topic === 'laws');
    const plan = planPracticeSet(deck, laws, { topic: 'laws', level: 'mixed' }, now, 'member-1');
    expect(ids(plan.questions).slice(0, 2)).toEqual(['law-002', 'law-001']);
    expect(ids(plan.questions)).not.toContain('law-003');
    // The same order single practice questions follow.
    expect(pickPractice(deck, laws, now, 'member-1')!.questionId).toBe('law-002');
  });

  it('spaced repetition carries across sets: a question missed in one set comes back first in the next', () => {
    const choice = { topic: 'all', level: 'mixed' } as const;
    const first = planPracticeSet({}, bank, choice, now, 'member-1');
    let deck: LeitnerDeck = {};
    const missed = first.questions[3]!.questionId;
    for (const q of first.questions) deck = { ...deck, [q.questionId]: reviewCard(deck[q.questionId], q.questionId !== missed, now) };
    const later = new Date(now.getTime() + 15 * 60_000);
    const second = planPracticeSet(deck, bank, choice, later, 'member-1');
    expect(second.questions[0]!.questionId).toBe(missed);
    // Questions answered right are not due yet: the rest of the set is new questions.
    expect(ids(second.questions).filter((id) => id !== missed && deck[id])).toEqual([]);
  });

  it('different members get different unseen orders; the same member the same order', () => {
    const choice = { topic: 'all', level: 'mixed' } as const;
    const a = ids(planPracticeSet({}, bank, choice, now, 'member-a').questions);
    expect(ids(planPracticeSet({}, bank, choice, now, 'member-a').questions)).toEqual(a);
    expect(ids(planPracticeSet({}, bank, choice, now, 'member-b').questions)).not.toEqual(a);
  });
});

describe('a set while it runs', () => {
  const plan = planPracticeSet({}, bank, { topic: 'all', level: 'mixed' }, now, 'member-1');
  const start = () => startPracticeSet('set-1', 'practice', { topic: 'all', level: 'mixed' }, plan.questions, now);

  it('shows progress “Câu n/10” and finishes after exactly ten answers', () => {
    let set = start();
    expect(setProgress(set)).toEqual({ number: 1, of: 10 });
    for (let i = 0; i < 10; i++) {
      const q = currentSetQuestion(set)!;
      set = answerSetQuestion(set, q, 0, i % 2 === 0).set;
      expect(setProgress(set)).toEqual({ number: Math.min(i + 2, 10), of: 10 });
    }
    expect(isSetFinished(set)).toBe(true);
    expect(currentSetQuestion(set)).toBeNull();
    expect(set.answers).toHaveLength(10);
  });

  it('an answer to another question (a double tap, an old button) is not counted', () => {
    const set = start();
    const first = answerSetQuestion(set, currentSetQuestion(set)!, 1, true);
    expect(first.recorded).toBe(true);
    const again = answerSetQuestion(first.set, set.questionIds[0]!, 1, true);
    expect(again.recorded).toBe(false);
    expect(again.set).toBe(first.set);
    expect(answerSetQuestion(first.set, 'not-in-the-set', 0, true).recorded).toBe(false);
  });

  it('survives the dialogue state: what is stored reads back; a broken one is refused', () => {
    const set = start();
    expect(practiceSetSchema.parse(JSON.parse(JSON.stringify(set)))).toEqual(set);
    expect(practiceSetSchema.safeParse({ ...set, questionIds: [] }).success).toBe(false);
    expect(practiceSetSchema.safeParse({ ...set, questionIds: Array(11).fill('x') }).success).toBe(false);
  });

  it('summarises score, time and the topics with the most wrong answers', () => {
    let set = start();
    const topic = new Map(bank.map((q) => [q.questionId, q.topic]));
    for (const id of set.questionIds) set = answerSetQuestion(set, id, 0, topic.get(id) === 'online-safety').set;
    const finishedAt = new Date(now.getTime() + 4 * 60_000 + 30_000);
    const summary = summarizePracticeSet(set, (id) => topic.get(id), finishedAt);
    const wrongByTopic = new Map<string, number>();
    for (const id of set.questionIds) if (topic.get(id) !== 'online-safety') wrongByTopic.set(topic.get(id)!, (wrongByTopic.get(topic.get(id)!) ?? 0) + 1);
    expect(summary.correct).toBe(set.questionIds.filter((id) => topic.get(id) === 'online-safety').length);
    expect(summary.total).toBe(10);
    expect(summary.durationMs).toBe(270_000);
    expect(summary.reviewTopics.map((t) => t.topic)).toEqual(
      [...wrongByTopic.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t),
    );
    expect(summary.reviewTopics.map((t) => t.topic)).not.toContain('online-safety');
  });

  it('a set without a mistake has nothing to review', () => {
    let set = start();
    for (const id of set.questionIds) set = answerSetQuestion(set, id, 0, true).set;
    expect(summarizePracticeSet(set, () => 'laws', now).reviewTopics).toEqual([]);
  });
});
