import { eachDay, participationRate } from '../domain/index.js';
import type { Models } from '../db/index.js';
import { blockState, usable } from './block-state.js';
import { cover, unpackBlock } from './blocks.js';
import { withParts, type RollupTotals } from './parts.js';
import { accuracy, distinctSince, NO_UNIT } from './reduce.js';

/**
 * Statistics read from the rollups only: their cost grows with bots × units × days of the range,
 * never with the number of answers. `bots` is the set the caller may see (null = every bot). Every
 * figure follows the date range; docs/statistics.md defines each one.
 */
export interface StatsScope {
  readonly bots: readonly string[] | null;
  readonly from: string;
  readonly to: string;
}

/** The unit list a bot uses (its `units` in bots/*.yaml), or null for a bot without one. */
export type UnitListOf = (bot: string) => string | null;

export interface Overview {
  readonly from: string;
  readonly to: string;
  /** Distinct participants who answered in the range (a participant of two bots counts in each). */
  readonly participants: number;
  /** Participants who gave consent within the range. */
  readonly joined: number;
  readonly answers: number;
  readonly correct: number;
  readonly accuracy: number | null;
  /** Sum over the days of the range of the participants active that day. */
  readonly participantDays: number;
  readonly averageTimeMs: number | null;
  /** The same per bot, in the range. */
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
  /** The bot's unit list: unit ids are scoped to it. */
  readonly listId: string | null;
  readonly unitId: string | null;
  readonly name: string | null;
  readonly size: number | null;
  /** Distinct participants who answered in this unit in the range. */
  readonly participants: number;
  /** `participationRate(participants, size)`, the one definition (src/domain). */
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

/** The fields each query reads (fewer fields, less to send per document). */
const FIELDS = {
  overview: ['answers', 'correct', 'participants', 'joined', 'timeTakenMsSum', 'timedAnswers', 'gaps'],
  series: ['answers', 'correct', 'participants', 'joined'],
  units: ['answers', 'correct', 'gaps'],
  questions: ['answers', 'correct', 'timeTakenMsSum', 'timedAnswers'],
} as const;
const projection = (fields: readonly string[]) => Object.fromEntries(['_id', 'pending', ...fields].map((f) => [f, 1]));

/** Groups rows by a key, keeping insertion order. */
function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

const sum = (rows: readonly RollupTotals[], field: 'answers' | 'correct' | 'participants' | 'joined' | 'timeTakenMsSum' | 'timedAnswers') =>
  rows.reduce((s, r) => s + r[field], 0);

/** What the queries read from: the models and each bot's unit list. */
interface QueryContext {
  readonly models: Models;
  readonly unitListOf: UnitListOf;
  /** Read sealed week and month blocks (false: days only, what the blocks must equal; the benchmark compares both). */
  readonly blocks: boolean;
}

/** The bots in scope: the caller's, or every bot with statistics (one small list the updater keeps). */
async function botsOf(ctx: QueryContext, s: StatsScope): Promise<string[]> {
  if (s.bots) return [...s.bots];
  const list = await ctx.models.RollupOp.collection.findOne({ _id: 'bots' as never }, { projection: { bots: 1 } });
  return (list?.bots as string[] | undefined) ?? [];
}

/** Which rollups a query reads: `bot`, `unit` or `question` documents; `daysOnly` for a figure per day. */
type Family = 'bot' | 'unit' | 'question';
const DAY_KINDS_OF: Record<Family, readonly string[]> = { bot: ['day-bot', 'far-bot'], unit: ['day-unit', 'far-unit'], question: ['day-question'] };

/** A far block's rows only carry gaps: every other figure sums the day and block documents. */
const isFar = (r: RollupTotals) => r.kind.startsWith('far-');

/**
 * The range's documents of one family, unfolded parts included: whole months and weeks from their
 * sealed blocks where they can (src/stats/blocks.ts), days elsewhere. Each run of pieces of one kind
 * is one range of `_id`s per bot (`<kind>|<bot>|<day>|<key>`), so only documents of the range are read.
 */
async function rangeRows(ctx: QueryContext, family: Family, s: StatsScope, fields: readonly string[], daysOnly = false): Promise<RollupTotals[]> {
  const bots = await botsOf(ctx, s);
  const state = daysOnly || !ctx.blocks ? null : await blockState(ctx.models);
  const kinds = daysOnly && family === 'bot' ? ['day-bot'] : DAY_KINDS_OF[family];
  // One query per range: each reads its documents straight from the `_id` index (an `$or` of
  // ranges would test every branch against every document on the embedded server).
  const ranges = bots.flatMap((b) =>
    cover(s.from, s.to, state ? usable(state, b) : () => false).flatMap((p) =>
      (p.span === 'day' ? kinds : [`${p.span}-${family}`]).map((k) => ({
        packed: p.span !== 'day',
        filter: { _id: { $gte: `${k}|${b}|${p.from}|`, $lte: `${k}|${b}|${p.to}|\uffff` } },
      })),
    ),
  );
  const found = await Promise.all(
    ranges.map(async (r) => {
      const docs = await ctx.models.Rollup.collection.find(r.filter as never, { projection: r.packed ? { _id: 1, rows: 1 } : projection(fields) }).toArray();
      return r.packed ? docs.flatMap(unpackBlock) : docs.map(withParts);
    }),
  );
  return found.flat();
}

async function overview(ctx: QueryContext, s: StatsScope): Promise<Overview> {
  const rows = await rangeRows(ctx, 'bot', s, FIELDS.overview);
  const days = rows.filter((r) => !isFar(r));
  const time = sum(days, 'timeTakenMsSum');
  const timed = sum(days, 'timedAnswers');
  const answers = sum(days, 'answers');
  const correct = sum(days, 'correct');
  const bots = [...groupBy(rows, (r) => r.bot)].map(([bot, list]) => {
    const own = list.filter((r) => !isFar(r));
    return { bot, participants: distinctSince(list, s.from), answers: sum(own, 'answers'), correct: sum(own, 'correct') };
  });
  return {
    from: s.from,
    to: s.to,
    participants: bots.reduce((n, b) => n + b.participants, 0),
    joined: sum(days, 'joined'),
    answers,
    correct,
    accuracy: accuracy(correct, answers),
    participantDays: sum(days, 'participants'),
    averageTimeMs: timed > 0 ? Math.round(time / timed) : null,
    bots: bots.filter((b) => b.participants > 0 || b.answers > 0).sort((a, b) => a.bot.localeCompare(b.bot)),
  };
}

async function series(ctx: QueryContext, s: StatsScope): Promise<SeriesPoint[]> {
  const byDay = new Map(eachDay(s.from, s.to).map((d) => [d, { day: d, participants: 0, joined: 0, answers: 0, correct: 0 }]));
  for (const r of await rangeRows(ctx, 'bot', s, FIELDS.series, true)) {
    const p = byDay.get(r.day);
    if (!p) continue;
    p.participants += r.participants;
    p.joined += r.joined;
    p.answers += r.answers;
    p.correct += r.correct;
  }
  return [...byDay.values()];
}

type UnitInfo = { listId: string; name: string; size: number | null };

/** Names and sizes of units, each looked up in its bot's own list: `<listId>|<unitId>` → info. */
async function unitInfo(ctx: QueryContext, pairs: ReadonlyArray<{ bot: string; unitId: string }>): Promise<Map<string, UnitInfo>> {
  const lists = [...new Set(pairs.map((p) => ctx.unitListOf(p.bot)).filter((l): l is string => l !== null))];
  const ids = [...new Set(pairs.map((p) => p.unitId))];
  if (lists.length === 0 || ids.length === 0) return new Map();
  const docs = await ctx.models.Unit.collection
    .find({ listId: { $in: lists }, unitId: { $in: ids } }, { projection: { listId: 1, unitId: 1, name: 1, size: 1 } })
    .toArray();
  return new Map(docs.map((u) => [`${u.listId}|${u.unitId}`, { listId: String(u.listId), name: String(u.name), size: (u.size as number | null) ?? null }]));
}

/** One unit's row from its documents of the range. */
function unitRow(ctx: QueryContext, info: Map<string, UnitInfo>, g: { bot: string; key: string; list: RollupTotals[] }, from: string): UnitStats {
  const listId = ctx.unitListOf(g.bot);
  const i = g.key === NO_UNIT || listId === null ? undefined : info.get(`${listId}|${g.key}`);
  const own = g.list.filter((r) => !isFar(r));
  const participants = distinctSince(g.list, from);
  const answers = sum(own, 'answers');
  const correct = sum(own, 'correct');
  const size = i?.size ?? null;
  const unitId = g.key === NO_UNIT ? null : g.key;
  return {
    bot: g.bot,
    listId,
    unitId,
    name: i?.name ?? null,
    size,
    participants,
    rate: participationRate(participants, size),
    answers,
    correct,
    accuracy: accuracy(correct, answers),
  };
}

/** Per unit of the bot's list: distinct participants in the range, their rate, answers and accuracy. */
async function units(ctx: QueryContext, s: StatsScope): Promise<UnitStats[]> {
  const rows = await rangeRows(ctx, 'unit', s, FIELDS.units);
  const unitOf = (r: RollupTotals) => (r.kind === 'far-unit' ? r.key.slice(0, r.key.lastIndexOf('|')) : r.key);
  const groups = [...groupBy(rows, (r) => `${r.bot}\u0000${unitOf(r)}`).values()].map((list) => ({ bot: list[0]!.bot, key: unitOf(list[0]!), list }));
  const info = await unitInfo(
    ctx,
    groups.filter((g) => g.key !== NO_UNIT).map((g) => ({ bot: g.bot, unitId: g.key })),
  );
  return groups
    .map((g) => unitRow(ctx, info, g, s.from))
    .filter((u) => u.participants > 0 || u.answers > 0)
    .sort((a, b) => b.participants - a.participants || b.answers - a.answers || `${a.bot}|${a.unitId}`.localeCompare(`${b.bot}|${b.unitId}`));
}

async function questions(ctx: QueryContext, s: StatsScope, locale: 'vi' | 'en' = 'vi'): Promise<QuestionStats[]> {
  const agg = new Map<string, { answers: number; correct: number; time: number; timed: number }>();
  for (const r of await rangeRows(ctx, 'question', s, FIELDS.questions)) {
    let v = agg.get(r.key);
    if (!v) agg.set(r.key, (v = { answers: 0, correct: 0, time: 0, timed: 0 }));
    v.answers += r.answers;
    v.correct += r.correct;
    v.time += r.timeTakenMsSum;
    v.timed += r.timedAnswers;
  }
  const qs = agg.size
    ? await ctx.models.Question.collection.find({ questionId: { $in: [...agg.keys()] } }, { projection: { questionId: 1, topic: 1, vi: 1, en: 1 } }).toArray()
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

export function createStatsQueries(models: Models, options: { unitListOf?: UnitListOf | undefined; blocks?: boolean | undefined } = {}) {
  const ctx: QueryContext = { models, unitListOf: options.unitListOf ?? (() => null), blocks: options.blocks ?? true };
  return {
    /** Every bot with statistics (the scope "all bots" of an admin). */
    bots: () => botsOf(ctx, { bots: null, from: '', to: '' }),
    overview: (s: StatsScope) => overview(ctx, s),
    series: (s: StatsScope) => series(ctx, s),
    units: (s: StatsScope) => units(ctx, s),
    questions: (s: StatsScope, locale: 'vi' | 'en' = 'vi') => questions(ctx, s, locale),
  };
}

export type StatsQueries = ReturnType<typeof createStatsQueries>;
