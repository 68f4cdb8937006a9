/**
 * A fan-out worker process for the crash test: Agenda + outreach on the test database, sending to
 * the fake platform. Started with tsx, killed with SIGKILL, started again.
 * Env: WORKER_MONGO_URI, WORKER_DB, WORKER_FAKE_URL.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { testConfig } from '../../../src/config/index.js';
import { createModels } from '../../../src/db/models/index.js';
import { createI18n } from '../../../src/i18n/index.js';
import { createScheduler } from '../../../src/jobs/index.js';
import { createOutreach } from '../../../src/outreach/index.js';
import { content, fastBuckets } from './harness.js';
import { messengerSend } from './messenger-send.js';

const env = process.env;
const conn = await mongoose.createConnection(env.WORKER_MONGO_URI!, { dbName: env.WORKER_DB! }).asPromise();
const models = createModels(conn);
const logger = pino({ level: 'warn' });
const { t } = await createI18n(path.resolve(import.meta.dirname, '../../../content'));
const scheduler = createScheduler(conn.db!, logger, { name: `crash-worker-${process.pid}`, processEvery: 200 });
const outreach = createOutreach({
  models,
  scheduler,
  send: messengerSend(env.WORKER_FAKE_URL!),
  content,
  t,
  config: testConfig({ QUIET_HOURS: '00:00-00:00' }),
  logger,
  options: { buckets: fastBuckets(), lockLifetimeMs: 3000, leaseMs: 3000, batchConcurrency: 4, batchSize: 250 },
});
outreach.defineJobs();
await scheduler.start();
console.log('worker ready');
