import type { Principal } from '../../admin/index.js';
import type { Locale } from '../../domain/index.js';
import type { Translate } from '../../i18n/index.js';
import { calibrationDays, calibrationTable } from './calibration.js';
import { namesIn } from './names.js';
import { periodLeaderboard } from './stats.js';
import { participantLabel } from '../../stats/index.js';
import { participantRows, type ParticipantRow } from './participants.js';
import { actorOf, type ApiContext } from './shared.js';
import { percentCell, type Cell, type ExportTable } from './tables.js';

/** What every table is filtered by: the caller's bots, the date range, a unit, a row limit, the language. */
export interface TableQuery {
  readonly bot?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly unitId?: string | undefined;
  readonly limit: number;
  readonly lang: Locale;
}
export type Dataset = (p: Principal, q: TableQuery) => Promise<ExportTable>;

/**
 * A table whose headers are column keys, with the headers in `locale` (`admin:export.columns.<key>`;
 * an unknown key stays), and its percentages written in `locale` too.
 */
export function labelled(table: ExportTable, t: Translate, locale: Locale): ExportTable {
  return { ...table, locale, headers: table.headers.map((f) => t(locale, `admin:export.columns.${f}`, { defaultValue: f })) };
}

/** Up to `q.limit` participants the caller may see, page by page. */
async function allParticipants(ctx: ApiContext, p: Principal, q: TableQuery): Promise<ParticipantRow[]> {
  const rows: ParticipantRow[] = [];
  for (let page = 1; rows.length < q.limit; page++) {
    const r = await participantRows(ctx.deps.models, p, { bot: q.bot, unitId: q.unitId, page, pageSize: 200 });
    rows.push(...r.items);
    if (r.items.length < 200) break;
  }
  return rows.slice(0, q.limit);
}

/** The participants as organisers read them: display name, bot, channel, unit, language in words. */
async function participantsTable(ctx: ApiContext, p: Principal, q: TableQuery): Promise<ExportTable> {
  const rows = await allParticipants(ctx, p, q);
  const say = namesIn(q.lang, ctx.deps);
  const unit = await say.units(rows);
  const headers = ['displayName', 'bot', 'channel', 'unit', 'locale', 'consentAt', 'subscribed', 'answered', 'correct', 'streakBest', 'lastInboundAt'];
  return {
    name: 'participants',
    headers,
    rows: rows.map((r): Cell[] => [
      r.displayName,
      say.bot(r.bot),
      say.channel(r.channel),
      unit(r.bot, r.unitId) ?? ctx.deps.t(q.lang, 'admin:overview.noUnit'),
      say.language(r.locale),
      r.consentAt,
      say.yesNo(r.subscribed),
      r.answered,
      r.correct,
      r.streakBest,
      r.lastInboundAt,
    ]),
  };
}

/**
 * Every exportable table but contest results, by name. Organisers read them, so they carry names,
 * not ids: display names, bot and unit names (each unit from its bot's own list), channels, topics
 * and languages in words, yes/no, average times in seconds. Headers are `admin:export.columns.<key>`.
 */
export function datasets(ctx: ApiContext): Record<string, Dataset> {
  const { deps, range } = ctx;
  const { stats } = deps;
  const names = (q: TableQuery) => namesIn(q.lang, deps);
  const noUnit = (q: TableQuery) => deps.t(q.lang, 'admin:overview.noUnit');
  return {
    participants: (p, q) => participantsTable(ctx, p, q),
    series: async (p, q) => ({
      name: 'series',
      headers: ['day', 'participants', 'joined', 'answers', 'correct'],
      rows: (await stats.queries.series(range(p, q))).map((r) => [r.day, r.participants, r.joined, r.answers, r.correct]),
    }),
    units: async (p, q) => {
      const say = names(q);
      return {
        name: 'units',
        headers: ['bot', 'unit', 'size', 'participants', 'ratePercent', 'answers', 'correct', 'accuracyPercent'],
        rows: (await stats.queries.units(range(p, q))).map((r) => [
          say.bot(r.bot),
          r.unitId === null ? noUnit(q) : (r.name ?? r.unitId),
          r.size,
          r.participants,
          percentCell(r.rate),
          r.answers,
          r.correct,
          percentCell(r.accuracy),
        ]),
      };
    },
    questions: async (p, q) => {
      const say = names(q);
      return {
        name: 'questions',
        headers: ['questionId', 'topic', 'question', 'answers', 'correct', 'accuracyPercent', 'averageSeconds'],
        rows: (await stats.queries.questions(range(p, q), q.lang)).map((r) => [
          r.questionId,
          say.topic(r.topic),
          r.question,
          r.answers,
          r.correct,
          percentCell(r.accuracy),
          r.averageTimeMs === null ? null : Math.round(r.averageTimeMs / 100) / 10,
        ]),
      };
    },
    // The questions whose answers contradict their difficulty label, from the questions the caller may
    // see and the answers of their bots (the last 365 days unless from/to say otherwise).
    calibration: async (p, q) => {
      const content = ctx.part('content');
      return calibrationTable(
        { rows: content.questions.rows(actorOf(p)), bots: content.live.bots, stats: stats.queries, t: deps.t, names: names(q) },
        { scope: range(p, { bot: q.bot, ...calibrationDays(ctx.today(), q) }), bot: q.bot, lang: q.lang },
      );
    },
    // The dashboard's leaderboard of the same dates (chat's ranking of a period).
    leaderboard: async (p, q) => {
      const rows = (await periodLeaderboard(deps, range(p, q), q.unitId)).participants.slice(0, Math.min(q.limit, 1000));
      const say = names(q);
      const unit = await say.units(rows);
      return {
        name: 'leaderboard',
        headers: ['rank', 'name', 'bot', 'channel', 'unit', 'correct', 'answered'],
        rows: rows.map((r) => [
          r.rank,
          participantLabel(r.displayName, r.userId),
          say.bot(r.bot),
          say.channel(r.channel),
          unit(r.bot, r.unitId) ?? noUnit(q),
          r.correct,
          r.answered,
        ]),
      };
    },
  };
}
