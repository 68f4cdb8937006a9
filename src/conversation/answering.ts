import { formatDay, type OutboundMessage } from '../domain/index.js';
import { advanceProtectedStreak, isSetFinished, letterOf, pickDaily, readProtectedStreak, reviewCard, streakNoticeText } from '../quiz/index.js';
import { askContestQuestion, answerContest, contestInProgress, inContest } from './contest-flow.js';
import { dailyHeader, explanationPicture, feedbackLines, textOf } from './messages.js';
import { payload } from './payloads.js';
import { showQuestion } from './show-question.js';
import { askSetQuestion, continueSet, setHeader } from './practice-flow.js';
import type { Turn } from './turn.js';
import type { PendingQuestion, QuizQuestion } from './types.js';

function pendingHeader(turn: Turn, pending: PendingQuestion): string {
  if (pending.mode === 'daily') return dailyHeader(turn.ctx.t, turn.locale, pending.day);
  const set = turn.state?.practiceSet;
  if (pending.set && set?.setId === pending.set) return setHeader(turn, set, pending.review === true);
  return turn.t(pending.review ? 'question.practiceReview' : 'question.practice');
}

/**
 * Shows again the question that waits for an answer (the contest's current one, else the pending
 * one, unless it expired); false when none waits.
 */
export function repeatWaiting(turn: Turn): boolean {
  const attempt = inContest(turn);
  if (attempt && attempt.index < attempt.questions.length) {
    askContestQuestion(turn, attempt);
    return true;
  }
  const pending = turn.state?.pending;
  const q = pending ? turn.question(pending.questionId) : undefined;
  if (!pending || !q || q.revision !== pending.revision || (pending.mode === 'daily' && pending.day !== turn.today)) return false;
  showQuestion(turn, q, pendingHeader(turn, pending), pending.mode, pending.day);
  return true;
}

export function today(turn: Turn): void {
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  if (turn.answeredToday) return void turn.say(turn.t('daily.already'), [turn.choice('practice'), turn.choice('score')]);
  const q = pickDaily(turn.ctx.bot.id, turn.today, turn.ctx.questions);
  if (!q) return void turn.say(turn.t('daily.none'), turn.menu);
  turn.patch({ pending: { questionId: q.questionId, revision: q.revision, mode: 'daily', day: turn.today, askedAt: turn.ctx.now.toISOString() } });
  showQuestion(turn, q, dailyHeader(turn.ctx.t, turn.locale, turn.today), 'daily', turn.today);
}

/** An answer, tapped or typed (the matcher turns a typed one into the same payload). */
export function answer(turn: Turn): void {
  const p = turn.input.payload;
  if (p?.kind !== 'answer') return;
  if (p.mode === 'contest') {
    const attempt = inContest(turn);
    if (!attempt || attempt.attemptId !== p.ref) return void turn.say(turn.t('contest.closedQuestion'), turn.menu);
    const current = attempt.questions[attempt.index];
    if (!current || current.questionId !== p.questionId) {
      turn.say(turn.t('contest.notCurrent'));
      return askContestQuestion(turn, attempt);
    }
    return answerContest(turn, attempt, p.index);
  }
  const q = turn.question(p.questionId);
  if (!q || q.revision !== p.revision || (p.mode === 'daily' && p.ref !== turn.today)) return expired(turn, p.mode === 'daily' ? p.ref : null);
  if (p.index >= textOf(q, turn.locale).options.length) return answerUnclear(turn);
  const pending = turn.state?.pending;
  // A question of the practice set answered already (a double tap, an old button): counted once.
  if (p.mode === 'practice' && turn.state?.practiceSet?.answers.some((a) => a.questionId === q.questionId) && pending?.questionId !== q.questionId) {
    turn.say(turn.ctx.t(turn.locale, 'learning:practice.alreadyAnswered'));
    if (!repeatWaiting(turn)) turn.say(turn.t('help.short'), turn.menu);
    return;
  }
  const same = pending && pending.questionId === q.questionId && pending.mode === p.mode ? pending : null;
  grade(turn, q, p.mode, p.index, same ? Date.parse(same.askedAt) : null, same?.set ?? null);
}

export function answerUnclear(turn: Turn): void {
  const attempt = inContest(turn);
  const ref = attempt?.questions[attempt.index];
  const pending = turn.state?.pending;
  const q = ref ? turn.question(ref.questionId) : pending ? turn.question(pending.questionId) : undefined;
  const count = q ? textOf(q, turn.locale).options.length : 4;
  turn.say(turn.t('answer.ambiguous', { last: letterOf(count - 1) }));
  repeatWaiting(turn);
}

function expired(turn: Turn, day: string | null): void {
  turn.patch({ pending: undefined });
  turn.say(day ? turn.t('answer.expiredDaily', { date: /^\d{4}-\d{2}-\d{2}$/.test(day) ? formatDay(day) : day }) : turn.t('answer.expired'), [
    turn.choice('today'),
    turn.choice('practice'),
  ]);
}

/** `choice` is the option's identity (its index in the content). */
function grade(turn: Turn, q: QuizQuestion, mode: 'daily' | 'practice', choice: number, askedAt: number | null, setId: string | null): void {
  const correct = choice === q.answer;
  const timeTakenMs = askedAt !== null && Number.isFinite(askedAt) ? Math.max(0, turn.ctx.now.getTime() - askedAt) : null;
  const record = { questionId: q.questionId, revision: q.revision, mode, day: turn.today, attemptId: null, choice, correct, timeTakenMs };
  const lines = feedbackLines(turn.ctx.t, turn.locale, q, choice, turn.order(q));
  // The explanation's picture comes with the feedback: after the member's answer, before its words.
  const picture = explanationPicture(turn.ctx.t, turn.locale, q);
  if (mode === 'daily') {
    turn.patch({ pending: undefined });
    if (turn.answeredToday) return void turn.say(turn.t('daily.already'), [turn.choice('practice'), turn.choice('score')]);
    // A missed day is covered by a streak freeze (one per 7 days of streak, at most 2 held), and the member is told.
    const advanced = advanceProtectedStreak(readProtectedStreak(turn.ctx.participant.streak), turn.today);
    const { streak } = advanced;
    const notice = streakNoticeText(advanced, turn.ctx.t, turn.locale);
    const already: OutboundMessage = { text: turn.t('daily.already') };
    turn.effect({ type: 'recordAnswer', answer: record, streak, onDuplicate: [already] });
    if (advanced.milestone) turn.effect({ type: 'streakCertificate', days: advanced.milestone });
    turn.say(
      [...lines, turn.t('feedback.streak', { count: streak.current }), ...(notice ? [notice] : [])].join('\n\n'),
      [turn.choice('practice'), turn.choice('score'), turn.choice('leaderboard')],
      picture,
    );
    return;
  }
  const deck = { ...(turn.state?.practice ?? {}) };
  deck[q.questionId] = reviewCard(deck[q.questionId], correct, turn.ctx.now);
  if (setId !== null) {
    // A question of a practice set: the feedback, then the next question or the summary. A practice
    // answer is stored once a day per question (the first counts), and the set goes on either way.
    turn.patch({ pending: undefined, practice: deck });
    const from = turn.messages.length;
    turn.say(lines.join('\n\n'), undefined, picture);
    if (!continueSet(turn, setId, q.questionId, choice, correct)) {
      const set = turn.state?.practiceSet;
      if (set && !isSetFinished(set)) askSetQuestion(turn, set);
      else turn.say(turn.t('help.short'), turn.menu);
    }
    turn.effect({ type: 'recordAnswer', answer: record, onDuplicate: turn.messages.slice(from) });
    return;
  }
  const text = [...lines, turn.t('practice.note')].join('\n\n');
  const choices = [{ title: turn.t('practice.next'), payload: payload.command('practice') }, turn.choice('score'), turn.choice('help')];
  turn.effect({ type: 'recordAnswer', answer: record, onDuplicate: [{ text, choices }] });
  turn.patch({ pending: undefined, practice: deck });
  turn.say(text, choices, picture);
}
