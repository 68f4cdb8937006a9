import { createAdminService, ensureFirstAdminShown } from './admin/index.js';
import { createChannelReceiving, createChannelSending, joinChannels, renderFor, type Channels } from './channels/index.js';
import type { Config } from './config/index.js';
import { contentPaths, startContent, unitListOf, type ContentRoom, type LiveContent } from './content/index.js';
import { contestsPort, createConversation, type Conversation } from './conversation/index.js';
import { openDatabase, pruneExpired, type Database } from './db/index.js';
import type { ReadinessCheck } from './domain/index.js';
import {
  createAdminRoutes,
  createApp,
  createCertificateRoutes,
  createMediaRoutes,
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
  /**
   * Bots, questions, campaigns, contests and unit lists in force: bots/ and content/ (validated at
   * start) merged with what organisers edited in the admin pages; its fields follow every edit.
   */
  readonly content: LiveContent;
  /** The content room: the editors the pages and the API save through, the audit log. */
  readonly contentRoom: ContentRoom;
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
 * database → i18n → content → scheduler → statistics → channels' sending side → conversation (with
 * the statistics listener, asking Messenger opt-ins where the bot can use them) → outreach (sends through it, asks the conversation for today's question)
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
    // Content: refuse to start on invalid content; merge the organisers' edits; sync when CONTENT_SYNC_ON_START.
    const contentRoom = await startContent({
      paths: contentPaths(config),
      models: db.models,
      logger,
      timeZone: config.timeZone,
      syncOnStart: config.contentSyncOnStart,
    });
    run.stoppers.push({ name: 'content', stop: () => contentRoom.stop() });
    const content = contentRoom.live;
    const scheduler = startScheduler(run, db);
    const stats = await startStats(run, db, content);
    const sending = createChannelSending({ config, logger, models: db.models, bots: content.bots, registry: run.metrics.registry });
    const optInEnabled = (bot: string) => sending.reachSettings(bot).messengerMarketing;
    const conversation = createConversation({
      models: db.models,
      content,
      t,
      timeZone: config.timeZone,
      logger,
      listeners: stats.listener,
      memberKey: config.memberKey,
      publicUrl: config.http.publicUrl,
      optInEnabled,
    });
    const outreach = createOutreach({
      models: db.models,
      scheduler,
      send: sending.send,
      content,
      t,
      config,
      logger,
      dailyQuestionMessage: (bot, day, locale, member) => conversation.dailyQuestionMessage(bot, day, locale, member),
      weeklyRecapMessage: (bot, week, locale, member) => conversation.weeklyRecapMessage(bot, week, locale, member),
      render: renderFor,
      reachSettings: (bot) => sending.reachSettings(bot),
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
    followContentEdits(run, contentRoom, { conversation, outreach });
    await mountAdminSide(run, { db, t, content, contentRoom, stats, conversation, outreach, channels, scheduler });
    await startJobs(run, { db, scheduler, content, conversation, outreach, channels });
    const url = await serve(run, options.extraRoutes ?? []);
    return { url, config, logger, db, content, contentRoom, channels, stop: () => stopAll(run) };
  } catch (err) {
    await stopAll(run);
    throw err;
  }
}

/**
 * An edit of content (in this process, or seen in the database) reaches the rooms: the conversation
 * reads questions again, and a changed calendar or contest reschedules the reminder jobs (only where
 * the scheduler runs: SCHEDULER_ENABLED).
 */
function followContentEdits(run: Assembly, contentRoom: ContentRoom, rooms: { conversation: Conversation; outreach: Outreach }): void {
  contentRoom.store.onChange(async ({ kinds }) => {
    rooms.conversation.contentChanged();
    if (run.config.schedulerEnabled && (kinds.has('campaign') || kinds.has('contest'))) await rooms.outreach.syncCampaignJobs(contentRoom.live);
  });
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

/**
 * Statistics: the rollups' listener for the conversation, and the periodic catch-up. Units are
 * looked up in each bot's own unit list; rollups of an older format are rebuilt once first.
 */
async function startStats(run: Assembly, db: Database, content: LiveContent): Promise<Stats> {
  const stats = createStats(db.models, { timeZone: run.config.timeZone, logger: run.logger, unitListOf: (bot) => unitListOf(content, bot) });
  await stats.prepare();
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
    content: LiveContent;
    contentRoom: ContentRoom;
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
    content: rooms.contentRoom,
    simulatorApi: rooms.channels.simulatorApi,
    bots: content.bots.map((b) => ({ id: b.id, name: b.name, units: b.units, topics: b.topics, topicTags: b.topicTags })),
    agenda: rooms.scheduler.agenda,
    databaseStatus: () => db.embeddedStatus(),
  });
  run.routes.push(...routes);
  // Certificates (issue 19): public verification page and the card's picture.
  run.routes.push(...createCertificateRoutes({ models: db.models, t: rooms.t, publicUrl: config.http.publicUrl }));
  // Pictures of questions and explanations (issue 19 item 8), fetched by the platforms.
  run.routes.push(...createMediaRoutes({ contentDir: config.paths.content }));
}

/** Outreach's jobs (broadcasts, daily question, reminders) and housekeeping; then the scheduler runs. */
async function startJobs(
  run: Assembly,
  rooms: { db: Database; scheduler: Scheduler; content: LiveContent; conversation: Conversation; outreach: Outreach; channels: Channels },
): Promise<void> {
  const { scheduler, outreach, channels, conversation } = rooms;
  outreach.defineJobs();
  await defineSystemJobs(
    scheduler,
    {
      sweepInbox: () => channels.sweepInbox(),
      refreshZaloTokens: () => channels.refreshZaloTokens(),
      // Timed-out attempts first: a round is final only when none of its attempts is open.
      closeContests: async () => {
        await conversation.closeExpiredAttempts();
        await conversation.rankFinishedRounds();
      },
      pruneExpired: () => pruneExpired(rooms.db.models, run.config.retention),
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
