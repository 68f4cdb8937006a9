import express, { Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { requireAdmin, requireBot, scopeBots, visibleBots, type AdminService, type Principal } from '../../admin/index.js';
import { addDays, CHANNELS, dayOf, daysBetween, ForbiddenError, InvalidError, NotFoundError, type Locale } from '../../domain/index.js';
import { ADMIN_ROLES, type Models } from '../../db/index.js';
import type { Translate } from '../../i18n/index.js';
import type { ContestsView } from '../../conversation/index.js';
import { broadcastInputSchema, broadcastListFilterSchema, broadcastPatchSchema, type BroadcastService } from '../../outreach/index.js';
import type { Stats } from '../../stats/index.js';
import { principalOf, requirePrincipal } from '../auth.js';
import { HttpError } from '../errors.js';
import { ApiRegistry } from './registry.js';
import { sendTable, type Cell, type ExportTable } from './tables.js';

export { formatExportDate, toCsv, toXlsx, type ExportTable } from './tables.js';

/** `ok: false` means nothing was written; `problems` says why, one line a bad row. */
export interface QuestionImportReport {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

/** Imports questions from a CSV or XLSX table (src/content `importUploadedQuestions`). */
export type QuestionImporter = (file: { format: 'csv' | 'xlsx'; data: Buffer }) => Promise<QuestionImportReport>;

/** What the API needs of the admin service to manage the users of the web pages and the API tokens. */
export type UsersPort = Pick<AdminService, 'listUsers' | 'createUser' | 'setDisabled' | 'resetPassword' | 'listTokens' | 'createToken' | 'revokeToken'>;

export interface ApiDeps {
  readonly models: Models;
  readonly stats: Stats;
  readonly timeZone: string;
  readonly publicUrl?: string | undefined;
  /** Absent parts answer 501 (a server or benchmark built without them). */
  readonly broadcasts?: BroadcastService | undefined;
  readonly contests?: ContestsView | undefined;
  readonly importQuestions?: QuestionImporter | undefined;
  readonly users?: UsersPort | undefined;
  /** The runtime's i18next lookup, for export column headers (`admin:export.columns.<field>`). */
  readonly t: Translate;
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-10-10')
  .refine((d) => DateTime.fromISO(d).isValid, 'is not a real date');
const botId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a bot id like "demo"');
const rangeQuery = z
  .object({
    bot: botId.optional().describe('only this bot (default: every bot you may see)'),
    from: day.optional().describe('first day, YYYY-MM-DD (Asia/Ho_Chi_Minh); default 29 days before `to`'),
    to: day.optional().describe('last day, YYYY-MM-DD; default today'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be after `to`', path: ['from'] });
const paging = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};
const format = z.enum(['csv', 'xlsx']).default('csv');
const idParam = z.object({ id: z.string().min(1).max(100) });
const EXPORT_TYPES = ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv'];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The REST API under /api/v1, plus its OpenAPI document. Authentication runs before this router. */
export function createApiRouter(deps: ApiDeps): Router {
  const { models, stats } = deps;
  const api = new ApiRegistry();

  const today = () => dayOf(new Date(), deps.timeZone);
  const range = (p: Principal, q: { bot?: string | undefined; from?: string | undefined; to?: string | undefined }) => {
    const to = q.to ?? today();
    const from = q.from ?? addDays(to, -29);
    if (daysBetween(from, to) > 366) {
      throw new InvalidError('stats_range_too_long', { days: 366 }, { fields: [{ field: 'from', message: 'range at most 366 days' }] });
    }
    return { bots: scopeBots(p, q.bot), from, to };
  };
  const broadcasts = () => {
    if (!deps.broadcasts) throw new HttpError(501, 'Broadcasts are not available on this server', 'not_implemented');
    return deps.broadcasts;
  };
  const contests = () => {
    if (!deps.contests) throw new HttpError(501, 'Contests are not available on this server', 'not_implemented');
    return deps.contests;
  };

  // ---- who am I ----
  api.add({
    method: 'get',
    path: '/me',
    tag: 'access',
    summary: 'The caller: role and the bots it may see',
    handler: async (_i, req) => {
      const p = principalOf(req);
      return { kind: p.kind, name: p.name, role: p.role, bots: visibleBots(p) ?? 'all', mustChangePassword: p.mustChangePassword };
    },
  });

  // ---- participants ----
  const participantQuery = z.object({
    bot: botId.optional(),
    channel: z.enum(CHANNELS).optional(),
    unitId: z.string().min(1).max(100).optional(),
    q: z.string().trim().min(1).max(100).optional().describe('part of the display name or platform id'),
    ...paging,
  });
  const participantRows = async (p: Principal, q: z.output<typeof participantQuery>) => {
    const bots = scopeBots(p, q.bot);
    const filter: Record<string, unknown> = {};
    if (bots) filter.bot = { $in: [...bots] };
    if (q.channel) filter.channel = q.channel;
    if (q.unitId) filter.unitId = q.unitId;
    if (q.q) filter.$or = [{ displayName: { $regex: escapeRegex(q.q), $options: 'i' } }, { userId: { $regex: escapeRegex(q.q) } }];
    const projection = { state: 0 };
    const [items, total] = await Promise.all([
      models.Participant.collection
        .find(filter, { projection })
        .sort({ _id: 1 })
        .skip((q.page - 1) * q.pageSize)
        .limit(q.pageSize)
        .toArray(),
      models.Participant.collection.countDocuments(filter),
    ]);
    return {
      page: q.page,
      pageSize: q.pageSize,
      total,
      items: items.map((d) => ({
        id: String(d._id),
        bot: d.bot as string,
        channel: d.channel as string,
        userId: d.userId as string,
        displayName: (d.displayName as string | null) ?? null,
        unitId: (d.unitId as string | null) ?? null,
        locale: d.locale as string,
        consentAt: (d.consent as { at: Date } | null)?.at ?? null,
        subscribed: !!d.subscribed,
        answered: Number(d.totals?.answered ?? 0),
        correct: Number(d.totals?.correct ?? 0),
        streakBest: Number(d.streak?.best ?? 0),
        lastInboundAt: (d.lastInboundAt as Date | null) ?? null,
        createdAt: (d.createdAt as Date | null) ?? null,
      })),
    };
  };
  api.add({
    method: 'get',
    path: '/participants',
    tag: 'participants',
    summary: 'Search participants (paged)',
    query: participantQuery,
    handler: async ({ query }, req) => participantRows(principalOf(req), query),
  });

  // ---- units and questions ----
  api.add({
    method: 'get',
    path: '/units',
    tag: 'content',
    summary: 'Units (CĐCS) of every unit list',
    query: z.object({ listId: z.string().min(1).max(100).optional(), includeRetired: z.enum(['true', 'false']).default('false') }),
    handler: async ({ query }) => {
      const filter: Record<string, unknown> = {};
      if (query.listId) filter.listId = query.listId;
      if (query.includeRetired === 'false') filter.retiredAt = null;
      const docs = await models.Unit.collection
        .find(filter, { projection: { _id: 0, listId: 1, unitId: 1, name: 1, size: 1, parent: 1, example: 1, retiredAt: 1 } })
        .sort({ listId: 1, unitId: 1 })
        .toArray();
      return { items: docs };
    },
  });
  const questionQuery = z.object({
    topic: z.string().min(1).max(100).optional(),
    q: z.string().trim().min(1).max(100).optional(),
    includeRetired: z.enum(['true', 'false']).default('false'),
    ...paging,
  });
  const questionRows = async (query: z.output<typeof questionQuery>) => {
    const filter: Record<string, unknown> = {};
    if (query.topic) filter.topic = query.topic;
    if (query.includeRetired === 'false') filter.retiredAt = null;
    if (query.q)
      filter.$or = [{ questionId: { $regex: escapeRegex(query.q), $options: 'i' } }, { 'vi.question': { $regex: escapeRegex(query.q), $options: 'i' } }];
    const [items, total] = await Promise.all([
      models.Question.collection
        .find(filter, { projection: { _id: 0 } })
        .sort({ questionId: 1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .toArray(),
      models.Question.collection.countDocuments(filter),
    ]);
    return { page: query.page, pageSize: query.pageSize, total, items };
  };
  api.add({
    method: 'get',
    path: '/questions',
    tag: 'content',
    summary: 'Questions of the bank (paged)',
    query: questionQuery,
    handler: async ({ query }) => questionRows(query),
  });
  api.add({
    method: 'post',
    path: '/questions/import',
    tag: 'content',
    summary: 'Import questions from a CSV or XLSX table (body: the file, Content-Type text/csv or the XLSX type)',
    adminOnly: true,
    handler: async (_i, req) => {
      if (!deps.importQuestions) throw new HttpError(501, 'Question import is not available on this server', 'not_implemented');
      const type = String(req.headers['content-type'] ?? '');
      const fmt = type.includes('spreadsheetml') ? 'xlsx' : type.startsWith('text/csv') ? 'csv' : null;
      if (!fmt || !Buffer.isBuffer(req.body)) throw new InvalidError('import_file_type');
      const result = await deps.importQuestions({ format: fmt, data: req.body });
      // Nothing was written: the caller gets every bad row, as the CLI prints them.
      if (result.ok === false) throw new InvalidError('import_rejected', {}, { problems: result.problems });
      return result;
    },
  });

  // ---- statistics ----
  api.add({
    method: 'get',
    path: '/stats/overview',
    tag: 'stats',
    summary: 'Totals for a date range (from rollups only)',
    query: rangeQuery,
    handler: async ({ query }, req) => stats.queries.overview(range(principalOf(req), query)),
  });
  api.add({
    method: 'get',
    path: '/stats/series',
    tag: 'stats',
    summary: 'Participants, new participants, answers and correct answers per day',
    query: rangeQuery,
    handler: async ({ query }, req) => ({ items: await stats.queries.series(range(principalOf(req), query)) }),
  });
  api.add({
    method: 'get',
    path: '/stats/units',
    tag: 'stats',
    summary: 'Per unit: participants, participation rate, answers and correct answers',
    query: rangeQuery,
    handler: async ({ query }, req) => ({ items: await stats.queries.units(range(principalOf(req), query)) }),
  });
  const localeQ = z.enum(['vi', 'en']).default('vi');
  api.add({
    method: 'get',
    path: '/stats/questions',
    tag: 'stats',
    summary: 'Per question: answers and accuracy',
    query: rangeQuery.and(z.object({ locale: localeQ })),
    handler: async ({ query }, req) => ({ items: await stats.queries.questions(range(principalOf(req), query), query.locale) }),
  });
  const leaderboardQuery = z.object({
    bot: botId.optional(),
    unitId: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(20),
  });
  api.add({
    method: 'get',
    path: '/stats/leaderboard',
    tag: 'stats',
    summary: 'Participants with the most correct answers (all time); and units by participants',
    query: leaderboardQuery,
    handler: async ({ query }, req) => {
      const bots = scopeBots(principalOf(req), query.bot);
      return { participants: await stats.leaderboard({ bots, unitId: query.unitId, limit: query.limit }) };
    },
  });

  // ---- broadcasts (outreach service) ----
  /** An organiser's audience stays within their bots; a patch that names no bots keeps the stored ones (already checked). */
  const restrictAudience = <T extends { audience?: { bots?: string[] | undefined } | undefined }>(
    p: Principal,
    input: T,
    mode: 'create' | 'patch' = 'create',
  ): T => {
    const visible = visibleBots(p);
    const audience = input.audience;
    if (!visible || !audience) return input;
    if (mode === 'patch' && audience.bots === undefined) return input;
    if (!audience.bots || audience.bots.length === 0) audience.bots = [...visible];
    for (const b of audience.bots) requireBot(p, b);
    return input;
  };
  const checkBroadcastAccess = async (p: Principal, id: string) => {
    const b = await broadcasts().get(id);
    const visible = visibleBots(p);
    if (visible) {
      const bots = b.audience.bots;
      if (bots.length === 0 || bots.some((x) => !visible.includes(x))) throw new ForbiddenError('broadcast_forbidden');
    }
    return b;
  };
  api.add({
    method: 'get',
    path: '/broadcasts',
    tag: 'broadcasts',
    summary: 'List broadcasts',
    query: broadcastListFilterSchema,
    handler: async ({ query }, req) => {
      const items = await broadcasts().list(query);
      const visible = visibleBots(principalOf(req));
      return { items: visible ? items.filter((b) => b.audience.bots.length > 0 && b.audience.bots.every((x) => visible.includes(x))) : items };
    },
  });
  api.add({
    method: 'post',
    path: '/broadcasts/preview',
    tag: 'broadcasts',
    summary: 'Preview a broadcast: rendered text per locale and the audience size',
    body: broadcastInputSchema,
    handler: async ({ body }, req) => broadcasts().preview(restrictAudience(principalOf(req), body)),
  });
  api.add({
    method: 'post',
    path: '/broadcasts',
    tag: 'broadcasts',
    summary: 'Create and schedule a broadcast (sendAt "now" or a local time in Asia/Ho_Chi_Minh)',
    body: broadcastInputSchema,
    handler: async ({ body }, req) => broadcasts().create(restrictAudience(principalOf(req), body), principalOf(req).name),
  });
  api.add({
    method: 'get',
    path: '/broadcasts/:id',
    tag: 'broadcasts',
    summary: 'One broadcast',
    params: idParam,
    handler: async ({ params }, req) => checkBroadcastAccess(principalOf(req), params.id),
  });
  api.add({
    method: 'patch',
    path: '/broadcasts/:id',
    tag: 'broadcasts',
    summary: 'Change a scheduled broadcast: only the fields named change (audience merges field by field; sendAt reschedules)',
    params: idParam,
    body: broadcastPatchSchema,
    handler: async ({ params, body }, req) => {
      await checkBroadcastAccess(principalOf(req), params.id);
      return broadcasts().update(params.id, restrictAudience(principalOf(req), body, 'patch'));
    },
  });
  api.add({
    method: 'post',
    path: '/broadcasts/:id/cancel',
    tag: 'broadcasts',
    summary: 'Cancel a broadcast: deliveries not yet sent are dropped',
    params: idParam,
    handler: async ({ params }, req) => {
      await checkBroadcastAccess(principalOf(req), params.id);
      return broadcasts().cancel(params.id);
    },
  });
  api.add({
    method: 'get',
    path: '/broadcasts/:id/report',
    tag: 'broadcasts',
    summary: 'Delivery report: counts per status and error class',
    params: idParam,
    handler: async ({ params }, req) => {
      await checkBroadcastAccess(principalOf(req), params.id);
      return broadcasts().report(params.id);
    },
  });

  // ---- contests ----
  api.add({
    method: 'get',
    path: '/contests',
    tag: 'contests',
    summary: 'Contest rounds',
    query: z.object({ bot: botId.optional() }),
    handler: async ({ query }, req) => ({ items: await contests().list({ bots: scopeBots(principalOf(req), query.bot) }) }),
  });
  const contestOf = async (req: express.Request, id: string, what: 'results' | 'prizes') => {
    const r = await contests()[what](id);
    if (!r) throw new NotFoundError('contest_not_found', { id });
    requireBot(principalOf(req), r.contest.bot);
    return r;
  };
  api.add({
    method: 'get',
    path: '/contests/:id/results',
    tag: 'contests',
    summary: 'Ranked results of a contest round',
    params: idParam,
    handler: async ({ params }, req) => contestOf(req, params.id, 'results'),
  });
  api.add({
    method: 'get',
    path: '/contests/:id/prizes',
    tag: 'contests',
    summary: 'Prize winners of a contest round',
    params: idParam,
    handler: async ({ params }, req) => contestOf(req, params.id, 'prizes'),
  });

  // ---- users of the web pages (admins only) ----
  const users = () => {
    if (!deps.users) throw new HttpError(501, 'User management is not available on this server', 'not_implemented');
    return deps.users;
  };
  /** The logged-in user asking, or null for an API token (which is nobody's account). */
  const actingUserId = (req: express.Request) => {
    const p = principalOf(req);
    return p.kind === 'user' ? p.id : null;
  };
  // A user or a token has a role, and an organiser the bots it may see (at least one).
  const roleFields = z.object({
    role: z.enum(ADMIN_ROLES),
    bots: z.array(botId).max(100).default([]).describe('the bots an organiser may see (admins see all)'),
  });
  const hasBots = (u: { role: string; bots: string[] }) => u.role === 'admin' || u.bots.length > 0;
  const organiserNeedsBots = { message: 'an organiser needs at least one bot', path: ['bots'] };
  const newUser = roleFields.extend({ email: z.email().max(200) }).refine(hasBots, organiserNeedsBots);
  api.add({
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'Users of the admin pages',
    adminOnly: true,
    handler: async () => ({ items: await users().listUsers() }),
  });
  api.add({
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create a user; the answer holds a one-time password, shown only this once and changed at the first login',
    adminOnly: true,
    body: newUser,
    handler: async ({ body }, _req, res) => {
      const u = await users().createUser({ email: body.email, role: body.role, bots: body.role === 'admin' ? [] : body.bots });
      res.status(201);
      return { id: u.id, email: u.email, password: u.password };
    },
  });
  for (const [action, summary] of [
    ['disable', 'Disable a user and end their sessions (not yourself, not the last admin)'],
    ['enable', 'Enable a disabled user'],
  ] as const) {
    api.add({
      method: 'post',
      path: `/users/:id/${action}`,
      tag: 'users',
      summary,
      adminOnly: true,
      params: idParam,
      handler: async ({ params }, req) => {
        await users().setDisabled(params.id, action === 'disable', actingUserId(req));
        return { ok: true };
      },
    });
  }
  api.add({
    method: 'post',
    path: '/users/:id/reset-password',
    tag: 'users',
    summary: 'A new one-time password for a user, shown only this once; their sessions end',
    adminOnly: true,
    params: idParam,
    handler: async ({ params }) => users().resetPassword(params.id),
  });
  api.add({
    method: 'get',
    path: '/tokens',
    tag: 'users',
    summary: 'API tokens (never the tokens themselves)',
    adminOnly: true,
    handler: async () => ({ items: await users().listTokens() }),
  });
  api.add({
    method: 'post',
    path: '/tokens',
    tag: 'users',
    summary: 'Create an API token; the answer holds the token, shown only this once',
    adminOnly: true,
    body: roleFields.extend({ name: z.string().trim().min(1).max(100) }).refine(hasBots, organiserNeedsBots),
    handler: async ({ body }, _req, res) => {
      const created = await users().createToken({ name: body.name, role: body.role, bots: body.role === 'admin' ? [] : body.bots });
      res.status(201);
      return created;
    },
  });
  api.add({
    method: 'post',
    path: '/tokens/:id/revoke',
    tag: 'users',
    summary: 'Revoke an API token: it stops working at once',
    adminOnly: true,
    params: idParam,
    handler: async ({ params }) => {
      if (!(await users().revokeToken(params.id))) throw new NotFoundError('api_token_not_found');
      return { ok: true };
    },
  });

  // ---- exports ----
  const lang = z
    .enum(['vi', 'en'])
    .default('vi')
    .describe('language of the column headers: vi (default) or en; dates are dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh');
  const exportQuery = rangeQuery.and(
    z.object({ format, lang, unitId: z.string().min(1).max(100).optional(), limit: z.coerce.number().int().min(1).max(100_000).default(10_000) }),
  );
  /** Header labels of the fields, in the requested language; an unknown field keeps its name. */
  const labels = (fields: readonly string[], locale: Locale) => fields.map((f) => deps.t(locale, `admin:export.columns.${f}`, { defaultValue: f }));
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  const datasets: Record<string, (p: Principal, q: z.output<typeof exportQuery>, req: express.Request) => Promise<ExportTable>> = {
    participants: async (p, q) => {
      const rows: Awaited<ReturnType<typeof participantRows>>['items'] = [];
      for (let page = 1; rows.length < q.limit; page++) {
        const r = await participantRows(p, { bot: q.bot, unitId: q.unitId, page, pageSize: 200 });
        rows.push(...r.items);
        if (r.items.length < 200) break;
      }
      return {
        name: 'participants',
        headers: [
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
        ],
        rows: rows
          .slice(0, q.limit)
          .map((r) => [
            r.id,
            r.bot,
            r.channel,
            r.userId,
            r.displayName,
            r.unitId,
            r.locale,
            r.consentAt,
            r.subscribed,
            r.answered,
            r.correct,
            r.streakBest,
            r.lastInboundAt,
          ]),
      };
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
  api.add({
    method: 'get',
    path: '/exports/:dataset',
    tag: 'exports',
    summary: `Download a table as CSV or XLSX: ${Object.keys(datasets).join(', ')}, contest-results (with contestId)`,
    params: z.object({ dataset: z.enum([...Object.keys(datasets), 'contest-results'] as unknown as [string, ...string[]]) }),
    query: exportQuery.and(z.object({ contestId: z.string().min(1).max(100).optional() })),
    produces: EXPORT_TYPES,
    handler: async ({ params, query }, req, res) => {
      const p = principalOf(req);
      let table: ExportTable;
      if (params.dataset === 'contest-results') {
        if (!query.contestId) throw new InvalidError('contest_id_required', {}, { fields: [{ field: 'contestId', message: 'required' }] });
        const r = await contestOf(req, query.contestId, 'results');
        const fields = [...new Set(r.rows.flatMap((row) => Object.keys(row)))];
        table = { name: 'contest-results', headers: fields, rows: r.rows.map((row) => fields.map((h) => (row as Record<string, Cell>)[h])) };
      } else {
        table = await datasets[params.dataset]!(p, query, req);
      }
      table = { ...table, headers: labels(table.headers, query.lang) };
      await sendTable(res, table, query.format, `${params.dataset}-${query.bot ?? 'all'}-${today()}`, deps.timeZone);
      return undefined;
    },
  });

  const router = Router();
  router.get('/openapi.json', (req, res) => {
    const base = deps.publicUrl ?? `${req.protocol}://${req.get('host')}`;
    res.json(api.openapi({ title: 'CĐS quiz bot admin API', version: '1.0.0', serverUrl: `${base}/api/v1` }));
  });
  router.use(requirePrincipal());
  router.use(express.json({ limit: '256kb' }));
  router.use(express.raw({ type: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], limit: '10mb' }));
  api.mount(router, (spec, req) => {
    if (spec.adminOnly) requireAdmin(principalOf(req));
  });
  return router;
}
