import { Router, type RequestHandler } from 'express';
import type { Agenda } from 'agenda';
import { createExpressMiddleware } from 'agendash';
import { createAdminService } from '../../admin/index.js';
import type { Config } from '../../config/index.js';
import type { Database } from '../../db/connection.js';
import type { Translate } from '../../i18n/index.js';
import type { Logger } from '../../log/index.js';
import { broadcastInputSchema, broadcastListFilterSchema, broadcastPatchSchema } from '../../outreach/index.js';
import { createStats, type Stats } from '../../stats/index.js';
import { createApiRouter, type BroadcastsPort, type ContestsPort, type QuestionImporter } from '../api/index.js';
import type { MountedRouter } from '../app.js';
import { HttpError } from '../errors.js';
import { createAdminWeb } from './index.js';

/**
 * Parts of other rooms the admin side uses, filled in by the runtime once they exist (late-bound, so
 * the order of wiring in src/runtime.ts does not matter).
 */
export interface AdminPorts {
  broadcasts?: BroadcastsPort;
  contests?: ContestsPort;
  importQuestions?: QuestionImporter;
  /** The web channel's router (POST/GET /messages). */
  simulatorApi?: Router;
  /** Ids of the configured bots. */
  bots?: () => readonly string[];
}

export interface AdminSide {
  readonly stats: Stats;
  readonly ports: AdminPorts;
  readonly routes: MountedRouter[];
  stop(): Promise<void>;
}

/** Prints the first admin's one-time password on stdout, once; it never goes to the JSON log. */
function printFirstAdmin(email: string, password: string): void {
  const lines = [
    'First start: an admin user was created.',
    `  login:    ${email}`,
    `  password: ${password}`,
    'This password is shown once and must be changed at the first login (/admin).',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  console.log(['', '='.repeat(width), ...lines, '='.repeat(width), ''].join('\n'));
}

/**
 * The admin side of the runtime: statistics (listener + periodic catch-up), the first admin user,
 * `/admin` pages with Agendash, `/simulator` and the REST API `/api/v1`.
 */
export async function startAdminSide(deps: { config: Config; logger: Logger; db: Database; agenda?: Agenda; t: Translate }): Promise<AdminSide> {
  const { config, logger, db } = deps;
  const ports: AdminPorts = {};
  const stats = createStats(db.models, { timeZone: config.timeZone, logger });
  const admin = createAdminService(db.models, { sessionSecret: config.admin.sessionSecret });

  const first = await admin.ensureFirstAdmin();
  if (first) {
    printFirstAdmin(first.email, first.password);
    logger.warn({ email: first.email }, 'first admin user created; its one-time password was printed on stdout');
  }

  const lateBroadcasts: BroadcastsPort = {
    create: (...a) => need(ports.broadcasts, 'Broadcasts').create(...(a as [unknown])),
    preview: (...a) => need(ports.broadcasts, 'Broadcasts').preview(...(a as [unknown])),
    update: (...a) => need(ports.broadcasts, 'Broadcasts').update(...(a as [string, unknown])),
    cancel: (...a) => need(ports.broadcasts, 'Broadcasts').cancel(...(a as [string])),
    list: (...a) => need(ports.broadcasts, 'Broadcasts').list(...(a as [unknown])),
    get: (...a) => need(ports.broadcasts, 'Broadcasts').get(...(a as [string])),
    report: (...a) => need(ports.broadcasts, 'Broadcasts').report(...(a as [string])),
  };
  const lateContests: ContestsPort = {
    list: (o) => need(ports.contests, 'Contests').list(o),
    results: (id) => need(ports.contests, 'Contests').results(id),
    prizes: (id) => need(ports.contests, 'Contests').prizes(id),
  };
  const apiRouter = createApiRouter({
    models: db.models,
    stats,
    timeZone: config.timeZone,
    publicUrl: config.http.publicUrl,
    broadcasts: { service: lateBroadcasts, inputSchema: broadcastInputSchema, patchSchema: broadcastPatchSchema, listFilterSchema: broadcastListFilterSchema },
    contests: lateContests,
    importQuestions: (file) => need(ports.importQuestions, 'Question import')(file),
    users: admin,
    t: deps.t,
  });
  const simulatorApi: RequestHandler = (req, res, next) => {
    if (!ports.simulatorApi) return next(new HttpError(503, 'The web channel is not running', 'unavailable'));
    ports.simulatorApi(req, res, next);
  };
  const routes = createAdminWeb({
    admin,
    isProduction: config.isProduction,
    contentDir: config.paths.content,
    loginMaxPer15Min: config.admin.loginMaxPer15Min,
    simulatorEnabled: config.admin.simulatorEnabled,
    bots: () => ports.bots?.() ?? [],
    apiRouter,
    agendash: deps.agenda ? createExpressMiddleware(deps.agenda) : undefined,
    simulatorApi: Router().use(simulatorApi),
  });

  stats.start();
  // Answers recorded while the server was down or whose listener call failed.
  void stats.updater.catchUp({ olderThanMs: 0 }).catch((err) => logger.warn({ err }, 'stats: start-up catch-up failed'));
  return { stats, ports, routes, stop: () => stats.stop() };
}

function need<T>(port: T | undefined, what: string): T {
  if (!port) throw new HttpError(501, `${what} are not available on this server`, 'not_implemented');
  return port;
}
