import type { Request, Response } from 'express';
import { scopeBots } from '../../admin/index.js';
import { rankingRows, RANKING_COLUMNS } from '../../conversation/index.js';
import { z } from 'zod';
import { fieldIssue, InvalidError, type Locale } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { contestFor } from './contests.js';
import { datasets } from './export-tables.js';
import { rangeQuery, type ApiContext } from './shared.js';
import { requireKnownUnits } from './units.js';
import { fileName, sendTable, type ExportTable } from './tables.js';

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
/** A contest's ranked entries as a table in `locale`: the ranking sheet of the workbook, every round in one. */
async function contestResultsTable(ctx: ApiContext, req: Request, contestId: string | undefined, locale: Locale): Promise<ExportTable> {
  if (!contestId) throw new InvalidError('contest_id_required', {}, { fields: [fieldIssue('contestId', 'required')] });
  const r = await contestFor(req, contestId, (id) => ctx.part('contests').results(id, locale));
  const keys = ['round', ...RANKING_COLUMNS.map(([key]) => key)];
  return {
    name: 'contest-results',
    headers: keys.map((k) => r.columns[k] ?? k),
    rows: r.rounds.flatMap((round) => rankingRows(round).map((row) => keys.map((k) => row[k]))),
  };
}

/** The contest's workbook as `contest results --out` writes it, in `locale`. */
async function sendContestWorkbook(ctx: ApiContext, req: Request, res: Response, contestId: string | undefined, locale: Locale): Promise<void> {
  if (!contestId) throw new InvalidError('contest_id_required', {}, { fields: [fieldIssue('contestId', 'required')] });
  const r = await contestFor(req, contestId, (id) => ctx.part('contests').workbook(id, locale));
  res.setHeader('Content-Type', EXPORT_TYPES[0]!);
  res.setHeader('Content-Disposition', `attachment; filename="${fileName(`contest-results-${r.contest.id}-${ctx.today()}`)}.xlsx"`);
  res.send(Buffer.from(await r.workbook.xlsx.writeBuffer()));
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
      if (params.dataset === 'contest-results') {
        if (query.format === 'xlsx') return void (await sendContestWorkbook(ctx, req, res, query.contestId, query.lang));
        const table = await contestResultsTable(ctx, req, query.contestId, query.lang);
        await sendTable(res, table, query.format, `${params.dataset}-${query.contestId}-${ctx.today()}`, deps.timeZone);
        return undefined;
      }
      requireKnownUnits(ctx, query.unitId ? [query.unitId] : undefined, scopeBots(principalOf(req), query.bot));
      const table = await tables[params.dataset]!(principalOf(req), query);
      const labelled = { ...table, headers: labels(table.headers, query.lang) };
      await sendTable(res, labelled, query.format, `${params.dataset}-${query.bot ?? 'all'}-${ctx.today()}`, deps.timeZone);
      return undefined;
    },
  });
}
