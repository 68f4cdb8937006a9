import type { Locale } from '../domain/index.js';
import { letterOf } from './answer.js';
import type { LeitnerDeck } from './leitner.js';
import { PRACTICE_SET_SIZE } from './practice-set.js';

/**
 * Review of mistakes: after a practice set or a contest attempt, each wrong answer with the right
 * answer and the facts it rests on; and "Ôn câu sai", a set made of the member's missed questions.
 */

export interface QuestionTexts {
  readonly question: string;
  readonly options: readonly string[];
  readonly explanation: string;
}

/** What a review needs of a question: its texts, the right option and the facts it cites (content/facts ids). */
export interface ReviewableQuestion {
  readonly questionId: string;
  /** 0-based index of the right option. */
  readonly answer: number;
  readonly vi: QuestionTexts;
  readonly en: QuestionTexts | null;
  /** Fact ids (content/facts); the engine shows their documents with `citeFact` as the source line. */
  readonly facts: readonly string[];
}

/** One answer given in a set or an attempt, in the order asked. */
export interface GivenAnswer {
  readonly questionId: string;
  readonly choice: number;
  readonly correct: boolean;
}

export interface OptionRef {
  /** "A".."D". */
  readonly letter: string;
  /** The option's own text, so the review reads without the question on screen. */
  readonly text: string;
}

export interface Mistake {
  readonly questionId: string;
  /** 1-based position in the set or attempt ("Câu 4"). */
  readonly number: number;
  readonly question: string;
  readonly chosen: OptionRef | null;
  readonly right: OptionRef;
  readonly explanation: string;
  readonly facts: readonly string[];
}

function textsOf(q: ReviewableQuestion, locale: Locale): QuestionTexts {
  return locale === 'en' && q.en ? q.en : q.vi;
}

function option(texts: QuestionTexts, index: number): OptionRef | null {
  const text = texts.options[index];
  return text === undefined ? null : { letter: letterOf(index), text };
}

/**
 * Exactly the wrong answers of a finished set or attempt, in the order asked: what was chosen, the
 * right option by letter and text, the explanation and the facts. Grading is taken from the stored
 * answers (`correct`), never recomputed, so the review shows what was scored. Questions no longer
 * in the bank are left out (their text cannot be shown); `missing` counts them.
 */
export function reviewMistakes(
  answers: readonly GivenAnswer[],
  questionsById: ReadonlyMap<string, ReviewableQuestion>,
  locale: Locale,
): { mistakes: Mistake[]; missing: number } {
  const mistakes: Mistake[] = [];
  let missing = 0;
  answers.forEach((a, i) => {
    if (a.correct) return;
    const q = questionsById.get(a.questionId);
    if (!q) return void (missing += 1);
    const texts = textsOf(q, locale);
    const right = option(texts, q.answer);
    if (!right) return void (missing += 1);
    mistakes.push({
      questionId: q.questionId,
      number: i + 1,
      question: texts.question,
      chosen: option(texts, a.choice),
      right,
      explanation: texts.explanation,
      facts: q.facts,
    });
  });
  return { mistakes, missing };
}

/** One stored answer of the member, any mode (the Answer collection, projected). */
export interface AnswerHistoryItem {
  readonly questionId: string;
  readonly correct: boolean;
  readonly answeredAt: Date;
}

/**
 * The questions the member got wrong the last time they answered them (a question answered wrong
 * and later right is learned, not missed).
 */
export function missedQuestionIds(history: readonly AnswerHistoryItem[]): string[] {
  const last = new Map<string, AnswerHistoryItem>();
  for (const h of history) {
    const held = last.get(h.questionId);
    if (!held || h.answeredAt.getTime() >= held.answeredAt.getTime()) last.set(h.questionId, h);
  }
  return [...last.values()].filter((h) => !h.correct).map((h) => h.questionId);
}

/**
 * "Ôn câu sai": up to ten missed questions still in the bank, due ones first. Due = its Leitner card
 * is due now, or it has no card (missed in a daily question or a contest, never practised): lowest
 * box first, then the earliest due. The rest follow, soonest due first. Fewer than ten missed →
 * a shorter set.
 */
export function planMistakesSet<Q extends { readonly questionId: string }>(
  deck: LeitnerDeck,
  questions: readonly Q[],
  missed: readonly string[],
  now: Date,
  size: number = PRACTICE_SET_SIZE,
): Q[] {
  const wanted = new Set(missed);
  const nowIso = now.toISOString();
  const pool = questions.filter((q) => wanted.has(q.questionId));
  const rank = (q: Q): [number, number, string] => {
    const card = deck[q.questionId];
    if (!card) return [0, 0, ''];
    return [card.due <= nowIso ? 0 : 1, card.box, card.due];
  };
  return pool
    .map((q) => ({ q, r: rank(q) }))
    .sort((a, b) => a.r[0] - b.r[0] || (a.r[0] === 0 ? a.r[1] - b.r[1] : 0) || cmp(a.r[2], b.r[2]) || cmp(a.q.questionId, b.q.questionId))
    .slice(0, size)
    .map((x) => x.q);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
