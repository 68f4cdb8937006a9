import { z } from 'zod';
import { pickPractice, type LeitnerDeck } from './leitner.js';

/**
 * Practice sets ("Luyện tập"): ten questions with a beginning, progress ("Câu 4/10") and an end
 * with a summary. The questions come from the same Leitner deck as single practice questions
 * (src/quiz/leitner.ts), so spaced repetition carries on across sets and sessions: the engine keeps
 * calling `reviewCard` after each answer exactly as it does today.
 */

/** Questions in one set. */
export const PRACTICE_SET_SIZE = 10;

export const PRACTICE_LEVELS = [1, 2, 3, 'mixed'] as const;
export type PracticeLevel = (typeof PRACTICE_LEVELS)[number];

/** What the member chose in the offer: one topic id or every topic of the bot, and a level. */
export interface PracticeChoice {
  readonly topic: string | 'all';
  readonly level: PracticeLevel;
}

/** What the planner needs to know of a question (the engine's QuizQuestion plus `difficulty`). */
export interface PracticeQuestion {
  readonly questionId: string;
  readonly topic: string;
  readonly difficulty: 1 | 2 | 3;
}

export interface TopicCount {
  readonly topic: string;
  readonly count: number;
}

/**
 * The topics to offer, with how many questions each has at the chosen level (mixed = all levels).
 * Most questions first, then topic id, so the offer is stable; topics without a question are left out.
 */
export function practiceTopics(questions: readonly PracticeQuestion[], level: PracticeLevel = 'mixed'): TopicCount[] {
  const counts = new Map<string, number>();
  for (const q of questions) if (level === 'mixed' || q.difficulty === level) counts.set(q.topic, (counts.get(q.topic) ?? 0) + 1);
  return [...counts.entries()].map(([topic, count]) => ({ topic, count })).sort((a, b) => b.count - a.count || cmp(a.topic, b.topic));
}

/** How far the planner had to go beyond the member's choice to find ten questions. */
export type Widened = null | 'level' | 'topic';

export interface PracticePlan<Q> {
  /** Exactly PRACTICE_SET_SIZE questions when the bot has that many; otherwise all it has. */
  readonly questions: Q[];
  /** `level`: other levels of the chosen topic were added; `topic`: other topics too. Tell the member. */
  readonly widened: Widened;
}

/**
 * Plans a set: the member's choice first, then (only when it holds fewer than ten questions) the
 * other levels of the topic, then every topic. Within each pool the order is the Leitner order of
 * `pickPractice`: due questions from the lowest box, unseen questions in the member's own fixed
 * order, then the one due soonest. `seed` is the member's id (as for single practice questions).
 */
export function planPracticeSet<Q extends PracticeQuestion>(
  deck: LeitnerDeck,
  questions: readonly Q[],
  choice: PracticeChoice,
  now: Date,
  seed: string,
  size: number = PRACTICE_SET_SIZE,
): PracticePlan<Q> {
  const inTopic = (q: Q) => choice.topic === 'all' || q.topic === choice.topic;
  const atLevel = (q: Q) => choice.level === 'mixed' || q.difficulty === choice.level;
  const pools: Array<[Widened, (q: Q) => boolean]> = [
    [null, (q) => inTopic(q) && atLevel(q)],
    ['level', inTopic],
    ['topic', () => true],
  ];
  const chosen: Q[] = [];
  const taken = new Set<string>();
  let widened: Widened = null;
  for (const [step, accepts] of pools) {
    if (chosen.length >= size) break;
    const pool = questions.filter((q) => accepts(q) && !taken.has(q.questionId));
    const picked = leitnerOrder(deck, pool, now, seed, size - chosen.length);
    if (picked.length && step) widened = step;
    for (const q of picked) {
      chosen.push(q);
      taken.add(q.questionId);
    }
  }
  return { questions: chosen, widened };
}

/** The first `count` questions of a pool in the order `pickPractice` would ask them. */
export function leitnerOrder<Q extends { readonly questionId: string }>(deck: LeitnerDeck, pool: readonly Q[], now: Date, seed: string, count: number): Q[] {
  const left = [...pool];
  const out: Q[] = [];
  while (out.length < count && left.length) {
    const q = pickPractice(deck, left, now, seed);
    if (!q) break;
    out.push(q);
    left.splice(left.indexOf(q), 1);
  }
  return out;
}

// ---------------------------------------------------------------- the set while it runs

const setAnswerSchema = z.object({ questionId: z.string(), choice: z.number().int().min(0), correct: z.boolean() });

/**
 * A running set as the engine stores it in the dialogue state (participant.state). Zod, because
 * stored state is external input: an unreadable set is dropped, not trusted.
 */
export const practiceSetSchema = z.object({
  setId: z.string(),
  /** `practice` for "Luyện tập"; `mistakes` for "Ôn câu sai". */
  kind: z.enum(['practice', 'mistakes']),
  topic: z.string(),
  level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal('mixed')]),
  questionIds: z.array(z.string()).min(1).max(PRACTICE_SET_SIZE),
  answers: z.array(setAnswerSchema).max(PRACTICE_SET_SIZE),
  startedAt: z.string(),
});
export type PracticeSet = z.infer<typeof practiceSetSchema>;
export type SetAnswer = z.infer<typeof setAnswerSchema>;

export function startPracticeSet(
  setId: string,
  kind: PracticeSet['kind'],
  choice: PracticeChoice,
  questions: readonly { readonly questionId: string }[],
  now: Date,
): PracticeSet {
  if (questions.length === 0) throw new RangeError('a practice set needs at least one question');
  return {
    setId,
    kind,
    topic: choice.topic,
    level: choice.level,
    questionIds: questions.slice(0, PRACTICE_SET_SIZE).map((q) => q.questionId),
    answers: [],
    startedAt: now.toISOString(),
  };
}

/** The question to ask now, or null once every question is answered. */
export function currentSetQuestion(set: PracticeSet): string | null {
  return set.questionIds[set.answers.length] ?? null;
}

/** "Câu 4/10": the number of the question being asked (or the last one, once finished) and the total. */
export function setProgress(set: PracticeSet): { readonly number: number; readonly of: number } {
  return { number: Math.min(set.answers.length + 1, set.questionIds.length), of: set.questionIds.length };
}

export function isSetFinished(set: PracticeSet): boolean {
  return set.answers.length >= set.questionIds.length;
}

/**
 * Records the answer to the current question. An answer to any other question (a button tapped
 * twice, an old message) leaves the set unchanged: each question of the set counts once.
 */
export function answerSetQuestion(set: PracticeSet, questionId: string, choice: number, correct: boolean): { set: PracticeSet; recorded: boolean } {
  if (currentSetQuestion(set) !== questionId) return { set, recorded: false };
  return { set: { ...set, answers: [...set.answers, { questionId, choice, correct }] }, recorded: true };
}

export interface TopicMistakes {
  readonly topic: string;
  readonly wrong: number;
  readonly answered: number;
}

export interface PracticeSummary {
  readonly correct: number;
  readonly answered: number;
  readonly total: number;
  /** From the start of the set to `finishedAt`. */
  readonly durationMs: number;
  /** Topics with wrong answers in this set, the most wrong first (at most three): "which topics to review". */
  readonly reviewTopics: readonly TopicMistakes[];
}

/** The summary at the end of a set. `topicOf` maps a question id to its topic (unknown → left out of topics). */
export function summarizePracticeSet(set: PracticeSet, topicOf: (questionId: string) => string | undefined, finishedAt: Date): PracticeSummary {
  const byTopic = new Map<string, { wrong: number; answered: number }>();
  for (const a of set.answers) {
    const topic = topicOf(a.questionId);
    if (!topic) continue;
    const t = byTopic.get(topic) ?? { wrong: 0, answered: 0 };
    t.answered += 1;
    if (!a.correct) t.wrong += 1;
    byTopic.set(topic, t);
  }
  const reviewTopics = [...byTopic.entries()]
    .filter(([, t]) => t.wrong > 0)
    .map(([topic, t]) => ({ topic, ...t }))
    .sort((a, b) => b.wrong - a.wrong || b.wrong / b.answered - a.wrong / a.answered || cmp(a.topic, b.topic))
    .slice(0, 3);
  return {
    correct: set.answers.filter((a) => a.correct).length,
    answered: set.answers.length,
    total: set.questionIds.length,
    durationMs: Math.max(0, finishedAt.getTime() - Date.parse(set.startedAt)),
    reviewTopics,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
