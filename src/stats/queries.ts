import type { Models } from '../db/index.js';
import { eachDay } from '../domain/index.js';
import { accuracy, ALL_TIME, NO_UNIT } from './reduce.js';

/**
 * Statistics read from the rollups only: their cost grows with bots × units × days, never with the
 * number of answers. `bots` is the set the caller may see (null = every bot).
 */
export interface StatsScope {
  readonly bots: readonly string[] | null;
  readonly from: string;
  readonly to: string;
}

const botFilter = (bots: readonly string[] | null) => (bots ? { bot: { $in: [...bots] } } : {});

export interface Overview {
  readonly from: string;
  readonly to: string;
  /** Distinct participants who ever answered (all time). */
  readonly participants: number;
  /** Participants who gave consent within the range. */
  readonly joined: number;
  readonly answers: number;
  readonly correct: number;
  readonly accuracy: number | null;
  /** Sum over days of the participants active that day. */
  readonly participantDays: number;
  readonly averageTimeMs: number | null;
  readonly bots: ReadonlyArray<{ bot: string; participants: number; answers: number; correct: number }>;
}

export interface SeriesPoint {
  readonly day: string;
  readonly participants: number;
  readonly joined: number;
  readonly answers: number;
  readonly correct: number;
}

export interface UnitStats {
  readonly bot: string;
  readonly unitId: string | null;
  readonly name: string | null;
  readonly size: number | null;
  readonly participants: number;
  /** participants / size, when the unit's size is known. */
  readonly rate: number | null;
  readonly answers: number;
  readonly correct: number;
  readonly accuracy: number | null;
}

export interface QuestionStats {
  readonly questionId: string;
  readonly question: string | null;
  readonly topic: string | null;
  readonly answers: number;
  readonly correct: number;
  readonly accuracy: number | null;
  readonly averageTimeMs: number | null;
}

interface RollupRow {
  bot: string;
  day: string;
  key: string;
  answers?: number;
  correct?: number;
  participants?: number;
  joined?: number;
  timeTakenMsSum?: number;
  timedAnswers?: number;
}

const n = (v: number | undefined) => v ?? 0;
const projection = { _id: 0, bot: 1, day: 1, key: 1, answers: 1, correct: 1, participants: 1, joined: 1, timeTakenMsSum: 1, timedAnswers: 1 };

const rows = async (models: Models, filter: Record<string, unknown>): Promise<RollupRow[]> =>
  (await models.Rollup.collection.find(filter, { projection }).toArray()) as unknown as RollupRow[];

const dayRows = (models: Models, kind: 'day-bot' | 'day-unit' | 'day-question', s: StatsScope) =>
  rows(models, { kind, ...botFilter(s.bots), day: { $gte: s.from, $lte: s.to } });

async function overview(models: Models, s: StatsScope): Promise<Overview> {
  const [bots, days] = await Promise.all([rows(models, { kind: 'bot', ...botFilter(s.bots), day: ALL_TIME }), dayRows(models, 'day-bot', s)]);
  let answers = 0,
    correct = 0,
    joined = 0,
    participantDays = 0,
    time = 0,
    timed = 0;
  for (const r of days) {
    answers += n(r.answers);
    correct += n(r.correct);
    joined += n(r.joined);
    participantDays += n(r.participants);
    time += n(r.timeTakenMsSum);
    timed += n(r.timedAnswers);
  }
  return {
    from: s.from,
    to: s.to,
    participants: bots.reduce((sum, r) => sum + n(r.participants), 0),
    joined,
    answers,
    correct,
    accuracy: accuracy(correct, answers),
    participantDays,
    averageTimeMs: timed > 0 ? Math.round(time / timed) : null,
    bots: bots
      .map((r) => ({ bot: r.bot, participants: n(r.participants), answers: n(r.answers), correct: n(r.correct) }))
      .sort((a, b) => a.bot.localeCompare(b.bot)),
  };
}

async function series(models: Models, s: StatsScope): Promise<SeriesPoint[]> {
  const byDay = new Map(eachDay(s.from, s.to).map((d) => [d, { day: d, participants: 0, joined: 0, answers: 0, correct: 0 }]));
  for (const r of await dayRows(models, 'day-bot', s)) {
    const p = byDay.get(r.day);
    if (!p) continue;
    p.participants += n(r.participants);
    p.joined += n(r.joined);
    p.answers += n(r.answers);
    p.correct += n(r.correct);
  }
  return [...byDay.values()];
}

/** Per unit: distinct participants (all time, from 'unit' rollups), answers and accuracy in the range. */
async function units(models: Models, s: StatsScope): Promise<UnitStats[]> {
  const [allTime, days] = await Promise.all([rows(models, { kind: 'unit', ...botFilter(s.bots), day: ALL_TIME }), dayRows(models, 'day-unit', s)]);
  const stats = new Map<string, { bot: string; key: string; participants: number; answers: number; correct: number }>();
  const get = (bot: string, key: string) => {
    const id = `${bot}|${key}`;
    let v = stats.get(id);
    if (!v) stats.set(id, (v = { bot, key, participants: 0, answers: 0, correct: 0 }));
    return v;
  };
  for (const r of allTime) get(r.bot, r.key).participants += n(r.participants);
  for (const r of days) {
    if (!n(r.answers)) continue;
    const v = get(r.bot, r.key);
    v.answers += n(r.answers);
    v.correct += n(r.correct);
  }
  const ids = [...new Set([...stats.values()].map((v) => v.key).filter((k) => k !== NO_UNIT))];
  const unitDocs = ids.length ? await models.Unit.collection.find({ unitId: { $in: ids } }, { projection: { unitId: 1, name: 1, size: 1 } }).toArray() : [];
  const info = new Map(unitDocs.map((u) => [String(u.unitId), { name: String(u.name), size: (u.size as number | null) ?? null }]));
  return [...stats.values()]
    .map((v) => {
      const i = v.key === NO_UNIT ? undefined : info.get(v.key);
      const size = i?.size ?? null;
      return {
        bot: v.bot,
        unitId: v.key === NO_UNIT ? null : v.key,
        name: i?.name ?? null,
        size,
        participants: v.participants,
        rate: size ? v.participants / size : null,
        answers: v.answers,
        correct: v.correct,
        accuracy: accuracy(v.correct, v.answers),
      };
    })
    .sort((a, b) => b.participants - a.participants || b.answers - a.answers || String(a.unitId).localeCompare(String(b.unitId)));
}

async function questions(models: Models, s: StatsScope, locale: 'vi' | 'en' = 'vi'): Promise<QuestionStats[]> {
  const agg = new Map<string, { answers: number; correct: number; time: number; timed: number }>();
  for (const r of await dayRows(models, 'day-question', s)) {
    let v = agg.get(r.key);
    if (!v) agg.set(r.key, (v = { answers: 0, correct: 0, time: 0, timed: 0 }));
    v.answers += n(r.answers);
    v.correct += n(r.correct);
    v.time += n(r.timeTakenMsSum);
    v.timed += n(r.timedAnswers);
  }
  const qs = agg.size
    ? await models.Question.collection.find({ questionId: { $in: [...agg.keys()] } }, { projection: { questionId: 1, topic: 1, vi: 1, en: 1 } }).toArray()
    : [];
  const info = new Map(qs.map((q) => [String(q.questionId), q]));
  return [...agg.entries()]
    .map(([questionId, v]) => {
      const q = info.get(questionId);
      const text = q ? ((locale === 'en' && q.en ? q.en : q.vi) as { question: string }).question : null;
      return {
        questionId,
        question: text,
        topic: (q?.topic as string | undefined) ?? null,
        answers: v.answers,
        correct: v.correct,
        accuracy: accuracy(v.correct, v.answers),
        averageTimeMs: v.timed ? Math.round(v.time / v.timed) : null,
      };
    })
    .sort((a, b) => b.answers - a.answers || a.questionId.localeCompare(b.questionId));
}

/** The statistics queries of the admin API and pages, on the rollups of `models`. */
export function createStatsQueries(models: Models) {
  return {
    overview: (s: StatsScope) => overview(models, s),
    series: (s: StatsScope) => series(models, s),
    units: (s: StatsScope) => units(models, s),
    questions: (s: StatsScope, locale: 'vi' | 'en' = 'vi') => questions(models, s, locale),
  };
}

export type StatsQueries = ReturnType<typeof createStatsQueries>;
