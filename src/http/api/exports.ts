import type { Request } from 'express';
import { z } from 'zod';
import { scopeBots, type Principal } from '../../admin/index.js';
import { fieldIssue, InvalidError, type Locale } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { contestTable } from './contests.js';
import { participantRows, type ParticipantRow } from './participants.js';
import { rangeQuery, type ApiContext } from './shared.js';
import { sendTable, type Cell, type ExportTable } from './tables.js';

const EXPORT_TYPES = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'];
const lang = z.enum(['vi', 'en']).default('vi').describe('language of the column headers: vi (default) or en; dates are dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh');
const exportQuery = rangeQuery.and(
  z.object({
    format: z.enum(['csv', 'xlsx']).default('csv'),
    lang,
    unitId: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
  }),
);
type ExportQuery = z.output<typeof exportQuery>;
type Dataset = (p: Principal, q: ExportQuery) => Promise<ExportTable>;

const PARTICIPANT_COLUMNS = [
  'id',
  'bot',
  'channel',
  'userId',
  'displayName',
  'unitId',
  'locale',
  'consentAt',
  'subscribed',
  'answered',
  'correct',
  'streakBest',
  'lastInboundAt',
] as const satisfies ReadonlyArray<keyof ParticipantRow>;

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** Every exportable table but contest results, by name. */
function datasets({ deps, range }: ApiContext): Record<string, Dataset> {
  const { stats } = deps;
  return {
    participants: async (p, q) => {
      const rows: ParticipantRow[] = [];
      for (let page = 1; rows.length < q.limit; page++) {
        const r = await participantRows(deps.models, p, { bot: q.bot, unitId: q.unitId, page, pageSize: 200 });
        rows.push(...r.items);
        if (r.items.length < 200) break;
      }
      return { name: 'participants', headers: [...PARTICIPANT_COLUMNS], rows: rows.slice(0, q.limit).map((r) => PARTICIPANT_COLUMNS.map((c) => r[c])) };
    },
    series: async (p, q) => ({
      name: 'series',
      headers: ['day', 'participants', 'joined', 'answers', 'correct'],
      rows: (await stats.queries.series(range(p, q))).map((r) => [r.day, r.participants, r.joined, r.answers, r.correct]),
    }),
    units: async (p, q) => ({
      name: 'units',
      headers: ['bot', 'unitId', 'name', 'size', 'participants', 'ratePercent', 'answers', 'correct', 'accuracyPercent'],
      rows: (await stats.queries.units(range(p, q))).map((r) => [
        r.bot,
        r.unitId,
        r.name,
        r.size,
        r.participants,
        pct(r.rate),
        r.answers,
        r.correct,
        pct(r.accuracy),
      ]),
    }),
    questions: async (p, q) => ({
      name: 'questions',
      headers: ['questionId', 'topic', 'question', 'answers', 'correct', 'accuracyPercent', 'averageTimeMs'],
      rows: (await stats.queries.questions(range(p, q))).map((r) => [
        r.questionId,
        r.topic,
        r.question,
        r.answers,
        r.correct,
        pct(r.accuracy),
        r.averageTimeMs,
      ]),
    }),
    leaderboard: async (p, q) => ({
      name: 'leaderboard',
      headers: ['rank', 'name', 'bot', 'channel', 'unitId', 'correct', 'answered', 'streakBest'],
      rows: (await stats.leaderboard({ bots: scopeBots(p, q.bot), unitId: q.unitId, limit: Math.min(q.limit, 1000) })).map((r) => [
        r.rank,
        r.name,
        r.bot,
        r.channel,
        r.unitId,
        r.correct,
        r.answered,
        r.streakBest,
      ]),
    }),
  };
}

/** A contest's ranked results as a table: one column per field any row has. */
async function contestResultsTable(ctx: ApiContext, req: Request, contestId: string | undefined): Promise<ExportTable> {
  if (!contestId) throw new InvalidError('contest_id_required', {}, { fields: [fieldIssue('contestId', 'required')] });
  const r = await contestTable(ctx.part('contests'), req, contestId, 'results');
  const fields = [...new Set(r.rows.flatMap((row) => Object.keys(row)))];
  return { name: 'contest-results', headers: fields, rows: r.rows.map((row) => fields.map((h) => (row as Record<string, Cell>)[h])) };
}

/** `GET /exports/:dataset`: a table as CSV or XLSX, headers in the caller's language, dates in the configured zone. */
export function addExportRoutes(ctx: ApiContext): void {
  const { api, deps } = ctx;
  const tables = datasets(ctx);
  /** Header labels of the fields, in the requested language; an unknown field keeps its name. */
  const labels = (fields: readonly string[], locale: Locale) => fields.map((f) => deps.t(locale, `admin:export.columns.${f}`, { defaultValue: f }));
  api.add({
    method: 'get',
    path: '/exports/:dataset',
    tag: 'exports',
    summary: `Download a table as CSV or XLSX: ${Object.keys(tables).join(', ')}, contest-results (with contestId)`,
    params: z.object({ dataset: z.enum([...Object.keys(tables), 'contest-results'] as unknown as [string, ...string[]]) }),
    query: exportQuery.and(z.object({ contestId: z.string().min(1).max(100).optional() })),
    produces: EXPORT_TYPES,
    handler: async ({ params, query }, req, res) => {
      const table =
        params.dataset === 'contest-results' ? await contestResultsTable(ctx, req, query.contestId) : await tables[params.dataset]!(principalOf(req), query);
      const labelled = { ...table, headers: labels(table.headers, query.lang) };
      await sendTable(res, labelled, query.format, `${params.dataset}-${query.bot ?? 'all'}-${ctx.today()}`, deps.timeZone);
      return undefined;
    },
  });
}
