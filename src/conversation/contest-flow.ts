import { formatDay, formatTime } from '../domain/index.js';
import { pickContestQuestions, roundOf } from '../quiz/index.js';
import { showQuestion } from './show-question.js';
import { formatDuration, localized, textOf } from './messages.js';
import { payload } from './payloads.js';
import type { Turn } from './turn.js';
import type { ActiveAttempt, ViewRequest } from './types.js';

export function inContest(turn: Turn): ActiveAttempt | undefined {
  return turn.state?.contest;
}

export function contestViewIfActive(turn: Turn): ViewRequest {
  return turn.state?.contest ? { contest: true } : {};
}

export function awaitingPrediction(turn: Turn): boolean {
  const a = turn.state?.contest;
  return Boolean(a && a.index >= a.questions.length && turn.input.text !== null && !turn.input.command);
}

export function isPrediction(turn: Turn): boolean {
  return awaitingPrediction(turn) && /^\s*\d{1,7}\s*$/.test((turn.input.text ?? '').slice(0, 40));
}

export function predictionUnclear(turn: Turn): void {
  turn.say(turn.t('contest.predictionInvalid'));
}

export function isContestAnswer(turn: Turn, attemptId: string): boolean {
  const p = turn.input.payload;
  if (p?.kind === 'answer') return p.mode === 'contest' && p.ref === attemptId;
  return turn.input.event.kind === 'text' && !turn.input.command && turn.input.language === null;
}

/** Closes an attempt whose time is up before anything else happens; returns its id when it did. */
export function closeIfExpired(turn: Turn): string | null {
  const attempt = turn.state?.contest;
  if (!attempt || turn.ctx.now.getTime() <= Date.parse(attempt.deadline)) return null;
  const deadline = new Date(attempt.deadline);
  turn.effect({
    type: 'finishAttempt',
    attemptId: attempt.attemptId,
    status: 'expired',
    answered: attempt.answered,
    correct: attempt.correct,
    prediction: null,
    finishedAt: deadline,
    timeTakenMs: deadline.getTime() - Date.parse(attempt.startedAt),
  });
  turn.patch({ contest: undefined });
  turn.say(turn.t('contest.expired', { correct: attempt.correct, total: attempt.questions.length }), [
    turn.choice('standing'),
    ...reviewChoice(turn, attempt),
    turn.choice('contest'),
  ]);
  return attempt.attemptId;
}

/** "Xem câu sai" after an attempt with a wrong answer (issue 19 item 2): the service loads its answers. */
function reviewChoice(turn: Turn, attempt: ActiveAttempt) {
  return attempt.correct < attempt.answered
    ? [{ title: turn.ctx.t(turn.locale, 'learning:practice.seeMistakes'), payload: payload.review({ attemptId: attempt.attemptId }) }]
    : [];
}

function contestState(turn: Turn) {
  const contest = turn.ctx.bot.contest;
  if (!contest) return null;
  const round = roundOf(contest, turn.today);
  const used = turn.ctx.views.contest?.attemptsUsed ?? 0;
  return { contest, round, used, left: Math.max(0, contest.attemptsPerRound - used) };
}

/** "đã công bố tháng 10/2023" once that month has come, "sẽ công bố tháng 10/2027" before. */
function awardsLine(turn: Turn, awards: string | undefined): string {
  if (!awards) return '';
  const m = /^(\d{1,2})\/(\d{4})$/.exec(awards.trim());
  const month = m ? `${m[2]}-${m[1]!.padStart(2, '0')}` : null;
  const done = month !== null && turn.today.slice(0, 7) >= month;
  return turn.t(done ? 'contest.awardsDone' : 'contest.awardsLater', { awards });
}

export function contestInfo(turn: Turn): void {
  const s = contestState(turn);
  if (!s) return void turn.say(turn.t('contest.none'), turn.menu);
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  const { contest } = s;
  const title = localized(contest.title, turn.locale);
  if (!s.round) {
    const vars = { title, start: formatDay(contest.window.start), end: formatDay(contest.window.end), awards: awardsLine(turn, contest.awards) };
    if (turn.today < contest.window.start) return void turn.say(turn.t('contest.notYet', vars), turn.menu);
    return void turn.say(turn.t('contest.ended', vars), [turn.choice('standing'), turn.choice('today')]);
  }
  const lines = [
    turn.t('contest.info', {
      title,
      start: formatDay(contest.window.start),
      end: formatDay(contest.window.end),
      count: contest.questionsPerAttempt,
      minutes: contest.timeLimitMinutes,
      attempts: contest.attemptsPerRound,
    }),
    turn.t(contest.rounds === 'weekly' ? 'contest.roundWeekly' : 'contest.roundSingle', { round: s.round, used: s.used, attempts: contest.attemptsPerRound }),
    turn.t('contest.rankRule'),
  ];
  const choices = [...(s.left > 0 ? [{ title: turn.t('contest.begin'), payload: payload.contestBegin() }] : []), turn.choice('standing')];
  if (s.left === 0) lines.push(turn.t('contest.noAttemptsLeft'));
  turn.say(lines.join('\n\n'), choices);
}

export function contestBegin(turn: Turn): void {
  const s = contestState(turn);
  if (!s) return void turn.say(turn.t('contest.none'), turn.menu);
  const running = inContest(turn);
  if (running) return contestInProgress(turn, running);
  if (!s.round) return contestInfo(turn);
  if (s.left === 0) return void turn.say(turn.t('contest.noAttemptsLeft'), [turn.choice('standing')]);
  const topics = s.contest.topics;
  const pool = topics ? turn.ctx.questions.filter((q) => topics.includes(q.topic)) : turn.ctx.questions;
  const attemptId = turn.ctx.newId();
  const questions = pickContestQuestions(attemptId, pool, s.contest.questionsPerAttempt).map((q) => ({ questionId: q.questionId, revision: q.revision }));
  if (questions.length === 0) return void turn.say(turn.t('daily.none'), turn.menu);
  const startedAt = turn.ctx.now;
  const deadline = new Date(startedAt.getTime() + s.contest.timeLimitMinutes * 60_000);
  turn.effect({ type: 'startAttempt', attemptId, contestId: s.contest.id, round: s.round, questions, startedAt, deadline });
  const attempt: ActiveAttempt = {
    attemptId,
    contestId: s.contest.id,
    round: s.round,
    questions,
    index: 0,
    answered: 0,
    correct: 0,
    startedAt: startedAt.toISOString(),
    deadline: deadline.toISOString(),
  };
  turn.patch({ contest: attempt, pending: undefined });
  turn.say(turn.t('contest.started', { count: questions.length, minutes: s.contest.timeLimitMinutes, deadline: formatTime(deadline, turn.ctx.timeZone) }));
  askContestQuestion(turn, attempt);
}

export function askContestQuestion(turn: Turn, attempt: ActiveAttempt): void {
  if (attempt.index >= attempt.questions.length) return void turn.say(turn.t('contest.prediction'));
  const ref = attempt.questions[attempt.index]!;
  const q = turn.question(ref.questionId);
  // Retired while the attempt runs: skip it rather than block the attempt.
  if (!q) return advanceContest(turn, { ...attempt, index: attempt.index + 1 });
  const minutesLeft = Math.max(0, Math.ceil((Date.parse(attempt.deadline) - turn.ctx.now.getTime()) / 60_000));
  showQuestion(
    turn,
    q,
    turn.t('question.contest', { n: attempt.index + 1, total: attempt.questions.length, minutes: minutesLeft }),
    'contest',
    attempt.attemptId,
  );
}

export function contestInProgress(turn: Turn, attempt: ActiveAttempt): void {
  turn.say(
    turn.t('contest.inProgress', {
      n: Math.min(attempt.index + 1, attempt.questions.length),
      total: attempt.questions.length,
      deadline: formatTime(new Date(attempt.deadline), turn.ctx.timeZone),
    }),
  );
  askContestQuestion(turn, attempt);
}

/** `choice` is the option's identity. Contest answers get no feedback until the attempt ends. */
export function answerContest(turn: Turn, attempt: ActiveAttempt, choice: number): void {
  const ref = attempt.questions[attempt.index];
  const q = ref ? turn.question(ref.questionId) : undefined;
  if (!ref || !q) return askContestQuestion(turn, attempt);
  if (choice >= textOf(q, turn.locale).options.length) {
    turn.say(turn.t('answer.ambiguous', { last: String.fromCharCode(64 + textOf(q, turn.locale).options.length) }));
    return askContestQuestion(turn, attempt);
  }
  const correct = choice === q.answer;
  turn.effect({
    type: 'recordAnswer',
    answer: {
      questionId: q.questionId,
      revision: ref.revision,
      mode: 'contest',
      day: turn.today,
      attemptId: attempt.attemptId,
      choice,
      correct,
      timeTakenMs: turn.ctx.now.getTime() - Date.parse(attempt.startedAt),
    },
    onDuplicate: [{ text: turn.t('contest.duplicate') }],
  });
  turn.say(turn.t('contest.recorded', { n: attempt.index + 1, total: attempt.questions.length }));
  advanceContest(turn, { ...attempt, index: attempt.index + 1, answered: attempt.answered + 1, correct: attempt.correct + (correct ? 1 : 0) });
}

function advanceContest(turn: Turn, attempt: ActiveAttempt): void {
  turn.patch({ contest: attempt });
  if (attempt.index < attempt.questions.length) return askContestQuestion(turn, attempt);
  if (turn.ctx.bot.contest?.prediction ?? false) return void turn.say(turn.t('contest.prediction'));
  finishContest(turn, attempt, null);
}

export function prediction(turn: Turn): void {
  const attempt = inContest(turn);
  if (!attempt) return;
  finishContest(turn, attempt, Number((turn.input.text ?? '').trim()));
}

function finishContest(turn: Turn, attempt: ActiveAttempt, predicted: number | null): void {
  const timeTakenMs = turn.ctx.now.getTime() - Date.parse(attempt.startedAt);
  turn.effect({
    type: 'finishAttempt',
    attemptId: attempt.attemptId,
    status: 'finished',
    answered: attempt.answered,
    correct: attempt.correct,
    prediction: predicted,
    finishedAt: turn.ctx.now,
    timeTakenMs,
  });
  turn.patch({ contest: undefined });
  const attempts = turn.ctx.bot.contest?.attemptsPerRound ?? 1;
  const left = Math.max(0, attempts - (turn.ctx.views.contest?.attemptsUsed ?? 0) - 1);
  const lines = [
    turn.t('contest.finished', { correct: attempt.correct, total: attempt.questions.length, time: formatDuration(turn.ctx.t, turn.locale, timeTakenMs) }),
    predicted === null ? '' : turn.t('contest.predictionSaved', { prediction: predicted }),
    turn.t('contest.attemptsLeft', { left }),
  ];
  turn.say(lines.filter(Boolean).join('\n'), [
    turn.choice('standing'),
    ...reviewChoice(turn, attempt),
    ...(left > 0 ? [{ title: turn.t('contest.again'), payload: payload.contestBegin() }] : []),
    turn.choice('help'),
  ]);
}

export function standing(turn: Turn): void {
  const s = contestState(turn);
  if (!s) return void turn.say(turn.t('contest.none'), turn.menu);
  const view = turn.ctx.views.contest;
  const st = view?.standing;
  if (!st) {
    turn.say(turn.t('contest.noStanding'), s.round && s.left > 0 ? [{ title: turn.t('contest.begin'), payload: payload.contestBegin() }] : turn.menu);
    return;
  }
  turn.say(
    [
      turn.t('contest.standing', { round: view?.round ?? '1', rank: st.rank, of: st.of, correct: st.correct, total: st.questionCount, perfect: st.perfect }),
      turn.t('contest.rankRule'),
    ].join('\n\n'),
    turn.menu,
  );
}
