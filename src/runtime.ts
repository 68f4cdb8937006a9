import { createChannels, renderFor, type Channels } from './channels/index.js';
import type { Config } from './config/index.js';
import { contentPaths, importUploadedQuestions, loadAndSyncContent, type ContentBundle } from './content/index.js';
import { contestsPort, createConversation, type ConversationListeners } from './conversation/index.js';
import { openDatabase, type Database } from './db/connection.js';
import { createApp, type MountedRouter } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { listen } from './http/server.js';
import { startAdminSide } from './http/pages/wire.js';
import { createI18n } from './i18n/index.js';
import { createScheduler } from './jobs/scheduler.js';
import { defineSystemJobs } from './jobs/index.js';
import { createOutreach, type ReceiptEvent } from './outreach/index.js';
import { createLogger, type Logger } from './log/index.js';
import type { InboundHandler, ReadinessCheck } from './domain/index.js';

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

/**
 * Wires every room together. Each room contributes routers, readiness checks and things to stop;
 * stopping runs in the reverse order of starting.
 */
export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const metrics = createMetrics();
  const routes: MountedRouter[] = [];
  const readiness: ReadinessCheck[] = [];
  const stoppers: Array<{ name: string; stop: () => Promise<void> }> = [];

  const db = await openDatabase(config, logger);
  stoppers.push({ name: 'database', stop: () => db.close() });
  readiness.push(db.readiness);

  try {
    const i18n = await createI18n(config.paths.content);

    // Content: refuse to start on invalid content; sync questions and units when CONTENT_SYNC_ON_START.
    const content = await loadAndSyncContent({ config, db, logger });

    const scheduler = createScheduler(db.connection.db!, logger);
    readiness.push(
      config.schedulerEnabled
        ? scheduler.readiness
        : { name: 'scheduler', check: async () => ({ ok: true, detail: 'not run in this process (SCHEDULER_ENABLED=false)' }) },
    );
    stoppers.push({ name: 'scheduler', stop: () => scheduler.stop() });

    // Conversation: the dialogue engine answers every inbound event. Listeners are late-bound (the
    // statistics listener exists once the admin side has started, below).
    const conversationListeners: ConversationListeners = {};
    const conversation = createConversation({ models: db.models, content, t: i18n.t, logger, listeners: conversationListeners });
    const handler: InboundHandler = conversation.handler;

    // Channels: webhooks at /webhooks, the inbox worker, and `send` for every bot and channel.
    // Read and delivery receipts go to outreach, built below (it needs `channels.send`).
    const receipts: { mark?: (e: ReceiptEvent) => Promise<unknown> } = {};
    const onReceipt = async (e: ReceiptEvent) => void (await receipts.mark?.(e));
    const channels = createChannels({ config, logger, models: db.models, bots: content.bots, registry: metrics.registry, handler, onReceipt });
    routes.push({ path: '/webhooks', router: channels.webhookRouter });
    channels.worker.start();
    stoppers.push({ name: 'inbox worker', stop: () => channels.worker.stop() });
    await channels.zaloPersonal.start();
    stoppers.push({ name: 'zalo personal', stop: async () => channels.zaloPersonal.stop() });

    // Admin side (issue 9): statistics, /admin, /simulator, /api/v1. Other rooms fill `admin.ports`
    // (broadcasts, contests, importQuestions, simulatorApi, bots) and pass `admin.stats.listener`
    // ({ answerRecorded, participantChanged }) to the conversation engine.
    const admin = await startAdminSide({ config, logger, db, agenda: scheduler.agenda, t: i18n.t });
    stoppers.push({ name: 'admin', stop: () => admin.stop() });
    Object.assign(conversationListeners, admin.stats.listener);
    admin.ports.contests = contestsPort(content, (id) => conversation.contestResults(id));
    admin.ports.simulatorApi = channels.simulatorApi;
    admin.ports.importQuestions = (upload) => importUploadedQuestions(upload, contentPaths(config), db.models);
    admin.ports.bots = () => content.bots.map((b) => b.id);
    routes.push(...admin.routes);

    // Outreach (issue 8): broadcasts, the daily question and campaign reminders, on Agenda.
    const outreach = createOutreach({
      models: db.models,
      scheduler,
      send: channels.send,
      content,
      t: i18n.t,
      config,
      logger,
      dailyQuestionMessage: (bot, day, locale) => conversation.dailyQuestionMessage(bot, day, locale),
      render: renderFor,
    });
    receipts.mark = (e) => outreach.markReceipt(e);
    admin.ports.broadcasts = outreach.broadcasts;
    outreach.defineJobs();
    await defineSystemJobs(
      scheduler,
      {
        sweepInbox: () => channels.sweepInbox(),
        refreshZaloTokens: () => channels.refreshZaloTokens(),
        closeContests: () => conversation.closeExpiredAttempts(),
      },
      config.timeZone,
    );
    if (config.schedulerEnabled) await outreach.syncCampaignJobs(content);

    if (config.schedulerEnabled) await scheduler.start();

    const app = createApp({ config, logger, metrics, readiness, routes: [...routes, ...(options.extraRoutes ?? [])] });
    const server = await listen(app, config.http.host, config.http.port);
    stoppers.push({ name: 'http', stop: () => server.close(config.shutdownTimeoutMs - 1000) });

    return {
      url: server.url,
      config,
      logger,
      db,
      content,
      channels,
      stop: () => stopAll(stoppers, logger),
    };
  } catch (err) {
    await stopAll(stoppers, logger);
    throw err;
  }
}

async function stopAll(stoppers: Array<{ name: string; stop: () => Promise<void> }>, logger: Logger): Promise<void> {
  for (const s of [...stoppers].reverse()) {
    try {
      await s.stop();
    } catch (err) {
      logger.error({ err, part: s.name }, 'error while stopping');
    }
  }
  stoppers.length = 0;
}
