import { Types } from 'mongoose';
import type { BotConfig } from '../content/index.js';
import type { Models } from '../db/index.js';
import { invitationOf, joinsByUnit } from '../learning/index.js';
import { addDays, weekStart } from '../domain/index.js';
import { periodScores, periodUnits, type DayRange } from '../stats/index.js';
import {
  missedQuestionIds,
  rankContest,
  rankScores,
  rankUnits,
  roundOf,
  type ContestEntry,
  type RankedScore,
  type ScoreRow,
  type UnitInfo,
  type UnitScoreRow,
} from '../quiz/index.js';
import type { AttemptReviewView, ContestView, LeaderboardPeriod, LeaderboardRequest, LeaderboardView, Views, ViewRequest } from './types.js';

/** Lines shown on a leaderboard in chat. */
export const LEADERBOARD_SIZE = 10;

/** The days of a period: today, or this week (Monday to Sunday). */
export function periodRange(period: Exclude<LeaderboardPeriod, 'all'>, today: string): DayRange {
  if (period === 'today') return { from: today, to: today };
  const start = weekStart(today);
  return { from: start, to: addDays(start, 6) };
}

/** Individual rows of a period: one per participant still present (deleted participants drop out). The dashboard reads the same rows for its dates. */
export async function scoreRows(models: Models, bot: string, period: Exclude<LeaderboardPeriod, 'all'>, today: string): Promise<ScoreRow[]> {
  return periodScores(models, bot, periodRange(period, today));
}

/**
 * Unit rows of a period (today, this week): correct daily answers and members who answered the daily
 * question in that unit. The unit leaderboard and the weekly recap rank these same rows.
 */
export async function unitScoreRows(
  models: Models,
  bot: string,
  units: readonly UnitInfo[],
  period: Exclude<LeaderboardPeriod, 'all'>,
  today: string,
): Promise<UnitScoreRow[]> {
  const info = new Map(units.map((u) => [u.unitId, u]));
  return (await periodUnits(models, bot, periodRange(period, today))).map((u) => ({
    ...u,
    name: info.get(u.unitId)?.name ?? u.unitId,
    size: info.get(u.unitId)?.size ?? null,
  }));
}

type TotalsDoc = { _id: Types.ObjectId; displayName: string | null; unitId: string | null; totals: { dailyCorrect: number; dailyAnswered: number } };

/**
 * All time is read from the participants' own totals (bounded by the number of members, not of
 * answers): more daily answers right → fewer daily answers → joined earlier (the id's time).
 */
export async function allTimeBoard(
  models: Models,
  bot: string,
  participantId: string | null,
  limit: number,
): Promise<{ top: RankedScore[]; me: RankedScore | null; of: number }> {
  const active = { bot, 'totals.dailyAnswered': { $gt: 0 } };
  const projection = { displayName: 1, unitId: 1, 'totals.dailyCorrect': 1, 'totals.dailyAnswered': 1 };
  const row = (d: TotalsDoc, rank: number): RankedScore => ({
    participantId: String(d._id),
    name: d.displayName ?? '—',
    unitId: d.unitId,
    correct: d.totals.dailyCorrect,
    answered: d.totals.dailyAnswered,
    reachedAt: d._id.getTimestamp(),
    rank,
  });
  const [docs, of, mine] = await Promise.all([
    limit > 0
      ? models.Participant.find(active, projection).sort({ 'totals.dailyCorrect': -1, 'totals.dailyAnswered': 1, _id: 1 }).limit(limit).lean<TotalsDoc[]>()
      : Promise.resolve([] as TotalsDoc[]),
    models.Participant.countDocuments(active),
    participantId ? models.Participant.findOne({ _id: new Types.ObjectId(participantId), ...active }, projection).lean<TotalsDoc>() : null,
  ]);
  let me: RankedScore | null = null;
  if (mine) {
    const c = mine.totals.dailyCorrect;
    const a = mine.totals.dailyAnswered;
    const better = await models.Participant.countDocuments({
      ...active,
      $or: [
        { 'totals.dailyCorrect': { $gt: c } },
        { 'totals.dailyCorrect': c, 'totals.dailyAnswered': { $lt: a } },
        { 'totals.dailyCorrect': c, 'totals.dailyAnswered': a, _id: { $lt: mine._id } },
      ],
    });
    me = row(mine, better + 1);
  }
  return { top: docs.map((d, i) => row(d, i + 1)), me, of };
}

/** Units over all time, from the members' totals (their current unit). */
async function allTimeUnits(models: Models, bot: string, units: readonly UnitInfo[]) {
  const grouped = await models.Participant.aggregate<{ _id: string; correct: number; participants: number }>([
    { $match: { bot, unitId: { $ne: null }, 'totals.dailyAnswered': { $gt: 0 } } },
    { $group: { _id: '$unitId', correct: { $sum: '$totals.dailyCorrect' }, participants: { $sum: 1 } } },
  ]);
  const info = new Map(units.map((u) => [u.unitId, u]));
  return rankUnits(
    grouped.map((g) => ({
      unitId: g._id,
      name: info.get(g._id)?.name ?? g._id,
      correct: g.correct,
      participants: g.participants,
      size: info.get(g._id)?.size ?? null,
    })),
  );
}

export async function loadLeaderboard(
  models: Models,
  bot: string,
  units: readonly UnitInfo[],
  request: LeaderboardRequest,
  today: string,
  participantId: string | null,
): Promise<LeaderboardView> {
  if (request.kind === 'units' && request.period === 'all') return { ...request, top: [], me: null, units: await allTimeUnits(models, bot, units) };
  if (request.period === 'all') {
    const board = await allTimeBoard(models, bot, participantId, LEADERBOARD_SIZE);
    return { ...request, top: board.top, me: board.me, units: [] };
  }
  if (request.kind === 'units') return { ...request, top: [], me: null, units: rankUnits(await unitScoreRows(models, bot, units, request.period, today)) };
  const ranked = rankScores(await scoreRows(models, bot, request.period, today));
  return {
    ...request,
    top: ranked.slice(0, LEADERBOARD_SIZE),
    me: ranked.find((r) => r.participantId === participantId) ?? null,
    units: [],
  };
}

/** Finished and expired attempts of one round, as contest entries. */
export async function roundEntries(models: Models, bot: string, contestId: string, round: string): Promise<ContestEntry[]> {
  const docs = await models.ContestAttempt.find({ bot, contestId, round, status: { $in: ['finished', 'expired'] } }).lean();
  return docs.map((d) => ({
    attemptId: String(d._id),
    participantId: String(d.participantId),
    name: d.displayName ?? '—',
    unitId: d.unitId,
    correct: d.correct,
    questionCount: d.questions.length,
    prediction: d.prediction,
    timeTakenMs: d.timeTakenMs ?? Math.max(0, d.deadline.getTime() - d.startedAt.getTime()),
    submittedAt: d.finishedAt ?? d.deadline,
  }));
}

/** The round a member asks about: today's, or the last one once the contest is over. */
export function currentRound(contest: NonNullable<BotConfig['contest']>, today: string): string | null {
  return roundOf(contest, today) ?? (today > contest.window.end ? roundOf(contest, contest.window.end) : null);
}

export async function loadContestView(models: Models, bot: BotConfig, today: string, participantId: string | null): Promise<ContestView> {
  const contest = bot.contest;
  if (!contest) return { round: null, attemptsUsed: 0, standing: null };
  const open = roundOf(contest, today);
  const round = currentRound(contest, today);
  if (!round || !participantId) return { round: open, attemptsUsed: 0, standing: null };
  const entries = await roundEntries(models, bot.id, contest.id, round);
  const attemptsUsed = open ? entries.filter((e) => e.participantId === participantId).length : 0;
  const { ranking, perfect } = rankContest(entries);
  const mine = ranking.find((r) => r.participantId === participantId);
  return {
    round: open ?? round,
    attemptsUsed,
    standing: mine ? { rank: mine.rank, of: ranking.length, correct: mine.correct, questionCount: mine.questionCount, perfect } : null,
  };
}

/** Loads what an intent asked for (see `viewsFor`). */
export async function loadViews(
  models: Models,
  bot: BotConfig,
  units: readonly UnitInfo[],
  request: ViewRequest,
  today: string,
  participantId: string | null,
  /** The member's unit: an invitation made now is counted for it. */
  unitId: string | null = null,
): Promise<Views> {
  const views: { -readonly [K in keyof Views]: Views[K] } = {};
  if (request.score) {
    const board = await allTimeBoard(models, bot.id, participantId, 0);
    views.score = { rank: board.me?.rank ?? null, of: board.of };
  }
  if (request.leaderboard) {
    const board = await loadLeaderboard(models, bot.id, units, request.leaderboard, today, participantId);
    views.leaderboard = request.leaderboard.kind === 'units' ? { ...board, invitations: Object.fromEntries(await joinsByUnit(models, bot.id)) } : board;
  }
  if (request.contest) views.contest = await loadContestView(models, bot, today, participantId);
  if (request.invitation) {
    const invitation = participantId ? await invitationOf(models, { bot: bot.id, participantId, unitId }) : null;
    views.invitation = invitation ? { code: invitation.code, joins: invitation.joins } : null;
  }
  if (request.missed) views.missed = participantId ? await loadMissed(models, participantId) : [];
  if (request.attemptReview) views.attemptReview = participantId ? await loadAttemptReview(models, participantId, request.attemptReview) : null;
  return views;
}

/** "Ôn câu sai": the questions whose latest answer (any mode) was wrong. */
async function loadMissed(models: Models, participantId: string): Promise<string[]> {
  const history = await models.Answer.find({ participantId: new Types.ObjectId(participantId) }, { questionId: 1, correct: 1, answeredAt: 1 }).lean();
  return missedQuestionIds(history);
}

/**
 * A finished (or expired) contest attempt of this participant: its stored answers in the order of
 * the attempt's questions. Unanswered questions of an expired attempt are not answers. Another
 * member's attempt, or one still open, gives null.
 */
async function loadAttemptReview(models: Models, participantId: string, attemptId: string): Promise<AttemptReviewView | null> {
  if (!Types.ObjectId.isValid(attemptId)) return null;
  const pid = new Types.ObjectId(participantId);
  const attempt = await models.ContestAttempt.findOne(
    { _id: new Types.ObjectId(attemptId), participantId: pid, status: { $ne: 'open' } },
    { questions: 1 },
  ).lean();
  if (!attempt) return null;
  const answers = await models.Answer.find({ participantId: pid, attemptId: attempt._id }, { questionId: 1, choice: 1, correct: 1 }).lean();
  const byQuestion = new Map(answers.map((a) => [a.questionId, a]));
  return {
    attemptId,
    answers: attempt.questions.flatMap((q) => {
      const a = byQuestion.get(q.questionId);
      return a ? [{ questionId: a.questionId, choice: a.choice, correct: a.correct }] : [];
    }),
  };
}
