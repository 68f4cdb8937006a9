import type { Agenda } from 'agenda';
import { createExpressMiddleware } from 'agendash';
import type { Router } from 'express';
import type { AdminService } from '../admin/index.js';
import type { Config } from '../config/index.js';
import type { ContentRoom } from '../content/index.js';
import type { ContestsView } from '../conversation/index.js';
import type { EmbeddedDbStatus, Models } from '../db/index.js';
import type { Translate } from '../i18n/index.js';
import type { BroadcastService } from '../outreach/index.js';
import type { Stats } from '../stats/index.js';
import { createApiRouter, type BotInfo } from './api/index.js';
import type { MountedRouter } from './app.js';
import { createAdminWeb } from './pages/index.js';

/** What the admin side shows and drives, each built by its own room before http. */
export interface AdminRoutesDeps {
  readonly config: Config;
  readonly models: Models;
  readonly admin: AdminService;
  readonly stats: Stats;
  readonly t: Translate;
  readonly broadcasts: BroadcastService;
  readonly contests: ContestsView;
  /** The content room: the editors of questions, campaigns, contests and unit lists, and the audit log. */
  readonly content: ContentRoom;
  /** The web channel's router (POST/GET /messages) for /simulator. */
  readonly simulatorApi: Router;
  /** The configured bots: ids, names and unit lists, for the pages' pickers and the names in exports. */
  readonly bots: readonly BotInfo[];
  /** Agendash for the scheduler, admins only. */
  readonly agenda?: Agenda | undefined;
  /** The embedded database's figures against its limits (the dashboard's banner); null on MongoDB. */
  readonly databaseStatus?: (() => EmbeddedDbStatus | null) | undefined;
}

/** `/admin` pages with Agendash, `/simulator` and the REST API `/api/v1`. */
export function createAdminRoutes(deps: AdminRoutesDeps): MountedRouter[] {
  const { config } = deps;
  const apiRouter = createApiRouter({
    models: deps.models,
    stats: deps.stats,
    timeZone: config.timeZone,
    publicUrl: config.http.publicUrl,
    broadcasts: deps.broadcasts,
    contests: deps.contests,
    content: deps.content,
    users: deps.admin,
    t: deps.t,
    bots: deps.bots,
    databaseStatus: deps.databaseStatus,
  });
  return createAdminWeb({
    admin: deps.admin,
    isProduction: config.isProduction,
    contentDir: config.paths.content,
    loginMaxPer15Min: config.admin.loginMaxPer15Min,
    simulatorEnabled: config.admin.simulatorEnabled,
    bots: () => deps.bots.map((b) => b.id),
    botInfo: () => deps.bots,
    apiRouter,
    agendash: deps.agenda ? createExpressMiddleware(deps.agenda) : undefined,
    simulatorApi: deps.simulatorApi,
    t: deps.t,
  });
}
