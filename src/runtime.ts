import { createAdminService, ensureFirstAdminShown } from './admin/index.js';
import { createChannelReceiving, createChannelSending, joinChannels, renderFor, type Channels } from './channels/index.js';
import type { Config } from './config/index.js';
import { contentPaths, importUploadedQuestions, loadAndSyncContent, type ContentBundle } from './content/index.js';
import { contestsPort, createConversation, type Conversation } from './conversation/index.js';
import { openDatabase, type Database } from './db/index.js';
import type { ReadinessCheck } from './domain/index.js';
import {
  createAdminRoutes,
  createApp,
  createCertificateRoutes,
  createMetrics,
  isAdminRequest,
  listen,
  type AppDeps,
  type Metrics,
  type MountedRouter,
} from './http/index.js';
import { createI18n, type Translate } from './i18n/index.js';
import { createScheduler, defineSystemJobs, type Scheduler } from './jobs/index.js';
import { createLogger, type Logger } from './log/index.js';
import { createOutreach, type Outreach } from './outreach/index.js';
import { createStats, type Stats } from './stats/index.js';

export interface Runtime {
  readonly url: string;
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  /** Bots, questions, campaigns and unit lists from bots/ and content/, validated at start. */
  readonly content: ContentBundle;
  /** Webhooks, inbox worker and `send` (src/channels). */
  readonly channels: Channels;
  /** Graceful: stop accepting, finish requests in flight, stop workers and scheduler, close the database. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  readonly logger?: Logger;
  /** Mounted after the product's routes; lets tests add e.g. a deliberately slow route. */
  readonly extraRoutes?: readonly MountedRouter[];
}

/** What is being started: routers to mount, checks for /readyz, and what to stop, in the order started. */
interface Assembly {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly routes: MountedRouter[];
  readonly readiness: ReadinessCheck[];
  readonly stoppers: Array<{ name: string; stop: () => Promise<void> }>;
  /** Who may read /readyz's details (admins), once the admin side is built. */
  mayReadDetails?: AppDeps['mayReadDetails'];
}

/**
 * Wires every room together, inside out, each built with the typed parts of the rooms below it:
 * database → i18n → content → scheduler → statistics → conversation (with the statistics listener)
 * → channels' sending side → outreach (sends through it, asks the conversation for today's question)
 * → channels' receiving side (events to the conversation, receipts to outreach) → admin pages and
 * API. Stopping runs in the reverse order of starting.
 */
export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const run: Assembly = { config, logger, metrics: createMetrics(), routes: [], readiness: [], stoppers: [] };
  const db = await openDatabase(config, logger);
  run.stoppers.push({ name: 'database', stop: () => db.close() });
  run.readiness.push(db.readiness);
  try {
    const { t } = await createI18n(config.paths.content);
    // Content: refuse to start on invalid content; sync questions and units when CONTENT_SYNC_ON_START.
    const content = await loadAndSyncContent({ config, db, logger });
    const scheduler = startScheduler(run, db);
    const stats = startStats(run, db);
    const conversation = createConversation({
      models: db.models,
      content,
      t,
      timeZone: config.timeZone,
      logger,
      listeners: stats.listener,
      memberKey: config.memberKey,
      publicUrl: config.http.publicUrl,
    });
    const sending = createChannelSending({ config, logger, models: db.models, bots: content.bots, registry: run.metrics.registry });
    const outreach = createOutreach({
      models: db.models,
      scheduler,
      send: sending.send,
      content,
      t,
      config,
      logger,
      dailyQuestionMessage: (bot, day, locale, member) => conversation.dailyQuestionMessage(bot, day, locale, member),
      render: renderFor,
    });
    const receiving = createChannelReceiving(sending, {
      config,
      logger,
      models: db.models,
      handler: conversation.handler,
      onReceipt: async (e) => void (await outreach.markReceipt(e)),
    });
    const channels = joinChannels(sending, receiving);
    await startChannels(run, channels);
    await mountAdminSide(run, { db, t, content, stats, conversation, outreach, channels, scheduler });
    await startJobs(run, { scheduler, content, conversation, outreach, channels });
    const url = await serve(run, options.extraRoutes ?? []);
    return { url, config, logger, db, content, channels, stop: () => stopAll(run) };
  } catch (err) {
    await stopAll(run);
    throw err;
  }
}

/** Agenda on the product's database; with SCHEDULER_ENABLED=false it is defined but not run here. */
function startScheduler(run: Assembly, db: Database): Scheduler {
  const scheduler = createScheduler(db.connection.db!, run.logger);
  run.readiness.push(
    run.config.schedulerEnabled
      ? scheduler.readiness
      : { name: 'scheduler', check: async () => ({ ok: true, detail: 'not run in this process (SCHEDULER_ENABLED=false)' }) },
  );
  run.stoppers.push({ name: 'scheduler', stop: () => scheduler.stop() });
  return scheduler;
}

/** Statistics: the rollups' listener for the conversation, and the periodic catch-up. */
function startStats(run: Assembly, db: Database): Stats {
  const stats = createStats(db.models, { timeZone: run.config.timeZone, logger: run.logger });
  stats.start();
  // Answers recorded while the server was down or whose listener call failed.
  void stats.updater.catchUp({ olderThanMs: 0 }).catch((err) => run.logger.warn({ err }, 'stats: start-up catch-up failed'));
  run.stoppers.push({ name: 'stats', stop: () => stats.stop() });
  return stats;
}

/** Webhooks at /webhooks, the inbox worker, the zca-js connections. */
async function startChannels(run: Assembly, channels: Channels): Promise<void> {
  run.routes.push({ path: '/webhooks', router: channels.webhookRouter });
  channels.worker.start();
  run.stoppers.push({ name: 'inbox worker', stop: () => channels.worker.stop() });
  await channels.zaloPersonal.start();
  run.stoppers.push({ name: 'zalo personal', stop: async () => channels.zaloPersonal.stop() });
}

/** The first admin user, then /admin, /simulator and /api/v1. */
async function mountAdminSide(
  run: Assembly,
  rooms: {
    db: Database;
    t: Translate;
    content: ContentBundle;
    stats: Stats;
    conversation: Conversation;
    outreach: Outreach;
    channels: Channels;
    scheduler: Scheduler;
  },
): Promise<void> {
  const { config } = run;
  const { db, content, conversation } = rooms;
  const admin = createAdminService(db.models, { sessionSecret: config.admin.sessionSecret });
  await ensureFirstAdminShown(admin, run.logger);
  run.mayReadDetails = isAdminRequest(admin);
  const routes = createAdminRoutes({
    config,
    models: db.models,
    admin,
    stats: rooms.stats,
    t: rooms.t,
    broadcasts: rooms.outreach.broadcasts,
    contests: contestsPort(content, (id) => conversation.contestResults(id), { t: rooms.t, timeZone: config.timeZone }),
    importQuestions: (upload) => importUploadedQuestions(upload, contentPaths(config), db.models),
    simulatorApi: rooms.channels.simulatorApi,
    bots: content.bots.map((b) => ({ id: b.id, name: b.name, units: b.units, topics: b.topics, topicTags: b.topicTags })),
    agenda: rooms.scheduler.agenda,
  });
  run.routes.push(...routes);
  // Certificates (issue 19): public verification page and the card's picture.
  run.routes.push(...createCertificateRoutes({ models: db.models, t: rooms.t, publicUrl: config.http.publicUrl }));
}

/** Outreach's jobs (broadcasts, daily question, reminders) and housekeeping; then the scheduler runs. */
async function startJobs(
  run: Assembly,
  rooms: { scheduler: Scheduler; content: ContentBundle; conversation: Conversation; outreach: Outreach; channels: Channels },
): Promise<void> {
  const { scheduler, outreach, channels, conversation } = rooms;
  outreach.defineJobs();
  await defineSystemJobs(
    scheduler,
    {
      sweepInbox: () => channels.sweepInbox(),
      refreshZaloTokens: () => channels.refreshZaloTokens(),
      closeContests: () => conversation.closeExpiredAttempts(),
    },
    run.config.timeZone,
  );
  if (run.config.schedulerEnabled) {
    await outreach.syncCampaignJobs(rooms.content);
    await scheduler.start();
  }
}

/** The express app on HOST:PORT. */
async function serve(run: Assembly, extraRoutes: readonly MountedRouter[]): Promise<string> {
  const { config, logger, metrics, readiness } = run;
  const app = createApp({
    config,
    logger,
    metrics,
    readiness,
    routes: [...run.routes, ...extraRoutes],
    ...(run.mayReadDetails ? { mayReadDetails: run.mayReadDetails } : {}),
  });
  const server = await listen(app, config.http.host, config.http.port);
  run.stoppers.push({ name: 'http', stop: () => server.close(config.shutdownTimeoutMs - 1000) });
  return server.url;
}

async function stopAll(run: Assembly): Promise<void> {
  for (const s of [...run.stoppers].reverse()) {
    try {
      await s.stop();
    } catch (err) {
      run.logger.error({ err, part: s.name }, 'error while stopping');
    }
  }
  run.stoppers.length = 0;
}
