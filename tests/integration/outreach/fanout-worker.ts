/**
 * A fan-out worker process for the crash test: Agenda + outreach on the test database, sending
 * through the product's send stack (`createChannels(...).send`: classify, per-bot token bucket,
 * retry) to the fake platform. Started with tsx, killed with SIGKILL, started again.
 * Env: WORKER_MONGO_URI, WORKER_DB, WORKER_FAKE_URL, WORKER_PAGE_TOKEN; WORKER_PAID=1 turns the bot's
 * Messenger marketing messages on (the paid opt-in path).
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createChannels } from '../../../src/channels/index.js';
import { testConfig } from '../../../src/config/index.js';
import { createModels } from '../../../src/db/models/index.js';
import { createI18n } from '../../../src/i18n/index.js';
import { createScheduler } from '../../../src/jobs/index.js';
import { createOutreach } from '../../../src/outreach/index.js';
import { content, paidContent } from './harness.js';

const env = process.env;
const conn = await mongoose.createConnection(env.WORKER_MONGO_URI!, { dbName: env.WORKER_DB! }).asPromise();
const models = createModels(conn);
const logger = pino({ level: 'warn' });
const { t } = await createI18n(path.resolve(import.meta.dirname, '../../../content'));
const config = testConfig({
  QUIET_HOURS: '00:00-00:00',
  MESSENGER_GRAPH_URL: env.WORKER_FAKE_URL!,
  // The product's per-bot limit stays in the path, high enough not to slow the test down.
  SEND_RATE_MESSENGER_PER_S: '100000',
  DEMO_MESSENGER_APP_SECRET: 'crash-app-secret',
  DEMO_MESSENGER_PAGE_TOKEN: env.WORKER_PAGE_TOKEN!,
  DEMO_MESSENGER_VERIFY_TOKEN: 'crash-verify-token',
  DEMO_MESSENGER_MM_AD_ACCOUNT_ID: '555',
  DEMO_MESSENGER_MM_CAMPAIGN_ID: 'camp-crash',
  DEMO_MESSENGER_MM_ACCESS_TOKEN: 'crash-system-token',
});
const bundle = env.WORKER_PAID === '1' ? paidContent : content;
// Only the send stack: the inbox worker is never started here.
const channels = createChannels({
  config,
  logger: pino({ level: 'silent' }),
  models,
  bots: bundle.bots,
  registry: new Registry(),
  handler: async () => [],
});
const scheduler = createScheduler(conn.db!, logger, { name: `crash-worker-${process.pid}`, processEvery: 200 });
const outreach = createOutreach({
  models,
  scheduler,
  send: channels.send,
  content: bundle,
  reachSettings: (bot) => channels.reachSettings(bot),
  t,
  config,
  logger,
  options: { lockLifetimeMs: 3000, leaseMs: 3000, batchConcurrency: 4, batchSize: 250 },
});
outreach.defineJobs();
await scheduler.start();
console.log('worker ready');
