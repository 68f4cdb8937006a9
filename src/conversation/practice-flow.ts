import type { Choice } from '../domain/index.js';
import {
  PRACTICE_SET_SIZE,
  answerSetQuestion,
  currentSetQuestion,
  isSetFinished,
  letterOf,
  mistakesText,
  planMistakesSet,
  planPracticeSet,
  practiceSummaryText,
  practiceTopics,
  reviewMistakes,
  setProgress,
  setProgressText,
  shownAt,
  startPracticeSet,
  summarizePracticeSet,
  type GivenAnswer,
  type Mistake,
  type PracticeChoice,
  type PracticeLevel,
  type PracticeSet,
} from '../quiz/index.js';
import { showQuestion } from './show-question.js';
import { inContest, contestInProgress } from './contest-flow.js';
import { textOf } from './messages.js';
import { payload } from './payloads.js';
import type { Turn } from './turn.js';
import type { QuizQuestion, ViewRequest } from './types.js';

/**
 * Practice sets (issue 19 items 1 and 2): "Luyện tập" offers the bot's topics with their counts,
 * then a level, then ten questions with "Câu 4/10" and a summary at the end, with "Luyện tiếp" and
 * "Xem câu sai". "Ôn câu sai" makes a set of the member's missed questions, due ones first. Every
 * answer goes through the one Leitner deck (`grade` in answering.ts), so spaced repetition carries
 * across sets; the set itself is data in the dialogue state (`practiceSet`).
 */

const say = (turn: Turn, key: string, vars?: Record<string, unknown>) => turn.ctx.t(turn.locale, `learning:${key}`, vars);
const topicName = (turn: Turn, topic: string) => turn.ctx.t(turn.locale, `common:topic.${topic}`);
const LEVELS: readonly PracticeLevel[] = [1, 2, 3, 'mixed'];

/** The bot's questions as the planner reads them (a question without a level counts as easy). */
function planned(turn: Turn): Array<QuizQuestion & { difficulty: 1 | 2 | 3 }> {
  return turn.ctx.questions.map((q) => ({ ...q, difficulty: q.difficulty ?? 1 }));
}

function running(turn: Turn): PracticeSet | null {
  const set = turn.state?.practiceSet;
  return set && !isSetFinished(set) ? set : null;
}

/** "Luyện tập": the topics with their counts (one topic: straight to the levels), and the running set to go back to. */
export function practiceOffer(turn: Turn): void {
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  const topics = practiceTopics(planned(turn));
  if (topics.length === 0) return void turn.say(turn.t('daily.none'), turn.menu);
  if (topics.length === 1) return levelOffer(turn, topics[0]!.topic);
  const choices: Choice[] = [
    ...topics.map((x) => ({
      title: say(turn, 'practice.topicChoice', { name: topicName(turn, x.topic), count: x.count }),
      payload: payload.practiceSet(x.topic),
    })),
    { title: say(turn, 'practice.allTopics', { count: turn.ctx.questions.length }), payload: payload.practiceSet('all') },
  ];
  turn.say(say(turn, 'practice.chooseTopic', { size: PRACTICE_SET_SIZE }), [...resumeChoice(turn), ...choices]);
}

function resumeChoice(turn: Turn): Choice[] {
  const set = running(turn);
  return set
    ? [{ title: say(turn, 'practice.resume', { progress: setProgressText(setProgress(set), turn.ctx.t, turn.locale) }), payload: payload.practiceResume() }]
    : [];
}

function levelOffer(turn: Turn, topic: string): void {
  const all = planned(turn).filter((q) => topic === 'all' || q.topic === topic);
  const counts = (level: PracticeLevel) => all.filter((q) => level === 'mixed' || q.difficulty === level).length;
  const choices: Choice[] = LEVELS.filter((l) => counts(l) > 0).map((level) => ({
    title: say(turn, `practice.level.${level}`, { count: counts(level) }),
    payload: payload.practiceSet(topic, level),
  }));
  const name = topic === 'all' ? say(turn, 'practice.every') : topicName(turn, topic);
  turn.say(say(turn, 'practice.chooseLevel', { topic: name, size: PRACTICE_SET_SIZE }), [...resumeChoice(turn), ...choices]);
}

/** A topic or a topic and level was tapped (or typed: the matcher reads an offered title as the tap). */
export function practiceChosen(turn: Turn): void {
  const p = turn.input.payload;
  if (p?.kind !== 'practiceSet') return;
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  const known = p.topic === 'all' || turn.ctx.questions.some((q) => q.topic === p.topic);
  if (!known) return practiceOffer(turn);
  if (p.level === null) return levelOffer(turn, p.topic);
  startSet(turn, 'practice', { topic: p.topic, level: p.level });
}

function startSet(turn: Turn, kind: PracticeSet['kind'], choice: PracticeChoice, only?: readonly QuizQuestion[]): void {
  const deck = turn.state?.practice ?? {};
  const plan = only ? { questions: [...only], widened: null } : planPracticeSet(deck, planned(turn), choice, turn.ctx.now, turn.input.event.userId);
  if (plan.questions.length === 0) return void turn.say(turn.t('daily.none'), turn.menu);
  const set = startPracticeSet(turn.ctx.newId(), kind, choice, plan.questions, turn.ctx.now);
  turn.patch({ practiceSet: set });
  if (kind === 'mistakes') turn.say(say(turn, 'practice.mistakesIntro', { count: set.questionIds.length }));
  else if (plan.widened) turn.say(say(turn, plan.widened === 'level' ? 'practice.widenedLevel' : 'practice.widenedTopic', { size: PRACTICE_SET_SIZE }));
  askSetQuestion(turn, set);
}

/** "Tiếp tục": the running set's current question again. */
export function practiceResume(turn: Turn): void {
  const set = running(turn);
  if (!set) return practiceOffer(turn);
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  askSetQuestion(turn, set);
}

/** Asks the set's current question with "Câu 4/10"; a question gone from the bank is skipped. */
export function askSetQuestion(turn: Turn, set: PracticeSet): void {
  let current = set;
  let q = questionOf(turn, currentSetQuestion(current));
  // A question retired while the set runs is left out rather than blocking the set.
  while (!q && currentSetQuestion(current) !== null) {
    const ids = current.questionIds.filter((id) => id !== currentSetQuestion(current));
    if (ids.length === 0) return void turn.patch({ practiceSet: undefined });
    current = { ...current, questionIds: ids };
    q = questionOf(turn, currentSetQuestion(current));
  }
  if (!q) return finishSet(turn, current);
  const review = (turn.state?.practice ?? {})[q.questionId] !== undefined;
  turn.patch({
    practiceSet: current,
    practiceLast: q.questionId,
    pending: {
      questionId: q.questionId,
      revision: q.revision,
      mode: 'practice',
      day: turn.today,
      askedAt: turn.ctx.now.toISOString(),
      set: current.setId,
      ...(review ? { review } : {}),
    },
  });
  showQuestion(turn, q, setHeader(turn, current, review), 'practice', turn.today);
}

export function setHeader(turn: Turn, set: PracticeSet, review: boolean): string {
  const progress = setProgressText(setProgress(set), turn.ctx.t, turn.locale);
  return say(turn, set.kind === 'mistakes' ? 'practice.headerMistakes' : review ? 'practice.headerReview' : 'practice.header', { progress });
}

function questionOf(turn: Turn, id: string | null): QuizQuestion | undefined {
  return id ? turn.question(id) : undefined;
}

/**
 * After `grade` stored a practice answer that belongs to the running set: count it once (a double
 * tap or an old button changes nothing) and ask the next question, or end with the summary.
 * Returns false when the answer was not the set's current question.
 */
export function continueSet(turn: Turn, setId: string, questionId: string, choice: number, correct: boolean): boolean {
  const set = turn.state?.practiceSet;
  if (!set || set.setId !== setId) return false;
  const { set: next, recorded } = answerSetQuestion(set, questionId, choice, correct);
  if (!recorded) return false;
  turn.patch({ practiceSet: next });
  if (isSetFinished(next)) finishSet(turn, next);
  else askSetQuestion(turn, next);
  return true;
}

function finishSet(turn: Turn, set: PracticeSet): void {
  const summary = summarizePracticeSet(set, (id) => turn.question(id)?.topic, turn.ctx.now);
  const choices: Choice[] = [
    { title: say(turn, 'practice.again'), payload: set.kind === 'mistakes' ? payload.command('mistakes') : payload.practiceSet(set.topic, set.level) },
    ...(summary.correct < summary.answered ? [{ title: say(turn, 'practice.seeMistakes'), payload: payload.review('set') }] : []),
    turn.choice('practice'),
    turn.choice('score'),
  ];
  turn.patch({ practiceSet: { ...set, questionIds: set.questionIds.slice(0, Math.max(1, set.answers.length)) } });
  turn.say(
    practiceSummaryText(summary, (topic) => topicName(turn, topic), turn.ctx.t, turn.locale),
    choices,
  );
}

// ---------------------------------------------------------------- review of mistakes

/** The views a review needs: a contest attempt's answers are loaded by the service. */
export function reviewViews(turn: Turn): ViewRequest {
  const p = turn.input.payload;
  return p?.kind === 'review' && p.of !== 'set' ? { attemptReview: p.of.attemptId } : {};
}

/** "Xem câu sai": exactly the wrong answers of the last set, or of a finished contest attempt. */
export function review(turn: Turn): void {
  const p = turn.input.payload;
  if (p?.kind !== 'review') return;
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  const view = turn.ctx.views.attemptReview;
  const answers: readonly GivenAnswer[] | null =
    p.of === 'set' ? (turn.state?.practiceSet?.answers ?? null) : view && view.attemptId === p.of.attemptId ? view.answers : null;
  if (!answers || answers.length === 0) return void turn.say(say(turn, 'review.nothing'), turn.menu);
  sayMistakes(turn, answers);
}

function sayMistakes(turn: Turn, answers: readonly GivenAnswer[]): void {
  const byId = new Map(turn.ctx.questions.map((q) => [q.questionId, { ...q, facts: [] as string[] }]));
  const { mistakes, missing } = reviewMistakes(answers, byId, turn.locale);
  const shown = mistakes.map((m) => asShown(turn, m, answers[m.number - 1]?.choice ?? null));
  const text = mistakesText(shown, (m) => sourceOf(turn, m.questionId), turn.ctx.t, turn.locale);
  const lines = missing ? [text, say(turn, 'review.missing', { count: missing })] : [text];
  const choices = mistakes.length ? [turn.choice('mistakes'), turn.choice('practice'), turn.choice('score')] : [turn.choice('practice'), turn.choice('score')];
  turn.say(lines.join('\n\n'), choices);
}

/** A mistake's letters as this member saw the options (their own order), not the content's. */
function asShown(turn: Turn, m: Mistake, choice: number | null): Mistake {
  const q = turn.question(m.questionId);
  if (!q) return m;
  const order = turn.order(q);
  const options = textOf(q, turn.locale).options;
  const ref = (option: number) => ({ letter: letterOf(shownAt(order, option)), text: options[option] ?? '' });
  return { ...m, right: ref(q.answer), chosen: choice !== null && options[choice] !== undefined ? ref(choice) : null };
}

function sourceOf(turn: Turn, questionId: string): string | null {
  const q = turn.question(questionId);
  return q ? q.source[turn.locale] || q.source.vi || null : null;
}

/** "Ôn câu sai": a set of the member's missed questions (the service loads which), due ones first. */
export function mistakesSet(turn: Turn): void {
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  const missed = turn.ctx.views.missed ?? [];
  const questions = planMistakesSet(turn.state?.practice ?? {}, turn.ctx.questions, missed, turn.ctx.now);
  if (questions.length === 0) return void turn.say(say(turn, 'practice.noMistakes'), [turn.choice('practice'), turn.choice('today')]);
  startSet(turn, 'mistakes', { topic: 'all', level: 'mixed' }, questions);
}
