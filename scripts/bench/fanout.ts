/**
 * `npm run bench -- fanout [participants] [maxSeconds]`: one broadcast to 100,000 participants
 * through Agenda and the real fan-out, on the embedded database in memory, against the local
 * fake platform with no latency. Prints deliveries per second and resident memory growth.
 * Goals: ≥ 1,000 deliveries/s, memory growth < 50 MB. Only 127.0.0.1; bounded in time.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose, { Types } from 'mongoose';
import { pino } from 'pino';
import { testConfig } from '../../src/config/index.js';
import { botSchema, type ContentBundle } from '../../src/content/schema.js';
import { startEmbeddedServer } from '../../src/db/embedded/index.js';
import { createModels } from '../../src/db/models/index.js';
import { createI18n } from '../../src/i18n/index.js';
import { createScheduler } from '../../src/jobs/index.js';
import { createOutreach, TokenBucket } from '../../src/outreach/index.js';
import { startFakePlatform } from '../fake-platform.js';
import { messengerSend } from '../../tests/integration/outreach/messenger-send.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const participants = Number(process.argv[2] ?? 100_000);
const maxSeconds = Number(process.argv[3] ?? 300);
const goals = { deliveriesPerSecond: 1000, memoryGrowthMb: 50 };
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

const server = await startEmbeddedServer({ host: '127.0.0.1', port: 0, path: null });
const fake = await startFakePlatform({ port: 0, latencyMs: 0 });
const conn = await mongoose.createConnection(server.uri, { dbName: 'bench_fanout' }).asPromise();
const models = createModels(conn);
await Promise.all(Object.values(models).map((m) => m.init()));
const logger = pino({ level: 'warn' });

console.log(`seeding ${participants} participants…`);
const now = new Date();
for (let i = 0; i < participants; i += 5000) {
  await models.Participant.collection.insertMany(
    Array.from({ length: Math.min(5000, participants - i) }, (_, k) => ({
      _id: new Types.ObjectId(),
      bot: 'bench',
      channel: 'messenger',
      userId: `psid-${i + k}`,
      groupId: null,
      locale: (i + k) % 10 === 0 ? 'en' : 'vi',
      unitId: `unit-${(i + k) % 40}`,
      consent: { at: now, version: '1' },
      subscribed: true,
      unreachable: null,
      lastInboundAt: now,
      state: {},
    })),
  );
}

const content: ContentBundle = {
  bots: [botSchema.parse({ id: 'bench', name: { vi: 'Bench' }, organisation: { vi: 'Bench' }, dailyQuestion: { cron: '0 8 * * *', enabled: false }, topics: ['cds'], units: 'x' })],
  campaigns: [],
  questions: [],
  unitLists: [],
};
const { t } = await createI18n(path.join(root, 'content'));
const scheduler = createScheduler(conn.db!, logger, { name: 'bench', processEvery: 100 });
const unlimited = () => new TokenBucket(1_000_000, 1_000_000);
const outreach = createOutreach({
  models,
  scheduler,
  send: messengerSend(fake.url),
  content,
  t,
  config: testConfig({ QUIET_HOURS: '00:00-00:00' }),
  logger,
  options: { buckets: { messenger: unlimited(), zalo_oa: unlimited(), zalo_personal: unlimited(), web: unlimited() }, batchConcurrency: 8, chunkSize: 100 },
});
outreach.defineJobs();
await scheduler.start();

global.gc?.();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const started = performance.now();
const b = await outreach.broadcasts.create({ text: { vi: 'Chào mừng Ngày Chuyển đổi số quốc gia 10/10!' }, audience: { bots: ['bench'] } }, 'bench');
let sent = 0;
let status = 'scheduled';
while (performance.now() - started < maxSeconds * 1000) {
  await new Promise((r) => setTimeout(r, 1000));
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  sent = await models.Delivery.countDocuments({ broadcastId: b.id, status: 'sent' });
  status = (await models.Broadcast.findById(b.id).select('status').lean())?.status ?? '?';
  console.log(`${Math.round((performance.now() - started) / 1000)} s: ${sent} sent (${status}), rss ${mb(process.memoryUsage().rss)} MB`);
  if (status === 'done') break;
}
const seconds = (performance.now() - started) / 1000;
const platformLog = await fake.log();
const report = await outreach.broadcasts.report(b.id);
await scheduler.stop();
await conn.close();
await fake.close();
await server.close();

const deliveriesPerSecond = Math.round(sent / seconds);
const memoryGrowthMb = mb(rssPeak - rssBefore);
const result = {
  bench: 'fanout',
  participants,
  sent,
  platformMessages: platformLog.length,
  duplicates: platformLog.length - new Set(platformLog.map((m) => m.recipient)).size,
  status,
  seconds: Math.round(seconds * 10) / 10,
  deliveriesPerSecond,
  memoryGrowthMb,
  byStatus: report.byStatus,
  goals,
  ok: status === 'done' && sent === participants && deliveriesPerSecond >= goals.deliveriesPerSecond && memoryGrowthMb < goals.memoryGrowthMb,
};
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
