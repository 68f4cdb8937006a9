/**
 * `npm run bench -- fanout [participants] [maxSeconds]`: one broadcast to 100,000 participants
 * through Agenda and the real fan-out, sending with the product's own send stack
 * (`createChannels(...).send`: error classification, per-bot token bucket, retries, the Messenger
 * Graph client) to the local fake platform with no latency, on the embedded database in memory.
 * The Messenger send rate is set to SEND_RATE_MESSENGER_PER_S=100000 so that the rate limit stays in
 * the path but is not the bottleneck (production default: 40/s).
 * Prints deliveries per second and resident memory growth.
 * Goals: ≥ 1,000 deliveries/s, memory growth < 50 MB. Only 127.0.0.1; bounded in time.
 *
 * The database and the fake platform run in a second process (this file with `--infra`), as they
 * would in production, so the memory figure is the worker's own and the two share the 2 cores.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import mongoose, { Types } from 'mongoose';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createChannels } from '../../src/channels/index.js';
import { testConfig } from '../../src/config/index.js';
import { botSchema, type ContentBundle } from '../../src/content/schema.js';
import { startEmbeddedServer } from '../../src/db/embedded/index.js';
import { createModels } from '../../src/db/models/index.js';
import { createI18n } from '../../src/i18n/index.js';
import { createScheduler } from '../../src/jobs/index.js';
import { createOutreach } from '../../src/outreach/index.js';
import { startFakePlatform } from '../fake-platform.js';

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '../..');

if (process.argv[2] === '--infra') {
  const server = await startEmbeddedServer({ path: null });
  const fake = await startFakePlatform({ port: 0, latencyMs: 0 });
  console.log(JSON.stringify({ uri: server.uri, fakeUrl: fake.url }));
  // Lives as long as the parent: it closes our stdin when it exits.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  await new Promise(() => undefined);
}

const participants = Number(process.argv[2] ?? 100_000);
const maxSeconds = Number(process.argv[3] ?? 600);
const goals = { deliveriesPerSecond: 1000, memoryGrowthMb: 50 };
/** The product's per-bot Messenger limit, raised so it is not what the benchmark measures. */
const sendRateMessengerPerS = 100_000;
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

const infra = spawn(process.execPath, ['--import', 'tsx', self, '--infra'], { stdio: ['pipe', 'pipe', 'inherit'] });
const { uri, fakeUrl } = await new Promise<{ uri: string; fakeUrl: string }>((resolve, reject) => {
  const lines = readline.createInterface({ input: infra.stdout! });
  lines.on('line', (line) => {
    if (line.startsWith('{')) resolve(JSON.parse(line) as { uri: string; fakeUrl: string });
  });
  infra.once('exit', (code) => reject(new Error(`infra process exited ${code}`)));
});
/** CPU seconds (user + system) a process has used, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid: number | string): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
const fakeLog = async () => (await (await fetch(`${fakeUrl}/_log?platform=messenger`)).json()) as Array<{ recipient?: string }>;
const conn = await mongoose.createConnection(uri, { dbName: 'bench_fanout' }).asPromise();
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
  facts: [],
  bots: [
    botSchema.parse({
      id: 'bench',
      name: { vi: 'Bench' },
      organisation: { vi: 'Bench' },
      dailyQuestion: { cron: '0 8 * * *', enabled: false },
      topics: ['cds'],
      units: 'x',
    }),
  ],
  campaigns: [],
  questions: [],
  unitLists: [],
};
const { t } = await createI18n(path.join(root, 'content'));
const config = testConfig({
  QUIET_HOURS: '00:00-00:00',
  MESSENGER_GRAPH_URL: fakeUrl,
  SEND_RATE_MESSENGER_PER_S: String(sendRateMessengerPerS),
  BENCH_MESSENGER_APP_SECRET: 'bench-app-secret',
  BENCH_MESSENGER_PAGE_TOKEN: 'bench-page-token',
  BENCH_MESSENGER_VERIFY_TOKEN: 'bench-verify-token',
});
// The product's send stack only: the inbox worker is never started; its logger is silent.
const channels = createChannels({ config, logger: pino({ level: 'silent' }), models, bots: content.bots, registry: new Registry(), handler: async () => [] });
console.log(`sending through createChannels(...).send to ${fakeUrl}, SEND_RATE_MESSENGER_PER_S=${sendRateMessengerPerS}`);
const scheduler = createScheduler(conn.db!, logger, { name: 'bench', processEvery: 100 });
const outreach = createOutreach({
  models,
  scheduler,
  send: channels.send,
  content,
  t,
  config,
  logger,
  options: { batchConcurrency: 8, chunkSize: 100 },
});
outreach.defineJobs();
await scheduler.start();

// A full collection before and after, so "growth" is memory the fan-out keeps, not garbage not yet collected.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
gc();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const cpuBefore = { worker: cpuSeconds('self'), infra: cpuSeconds(infra.pid!) };
const started = performance.now();
const b = await outreach.broadcasts.create({ text: { vi: 'Chào mừng Ngày Chuyển đổi số quốc gia 10/10!' }, audience: { bots: ['bench'] } }, 'bench');
let sent = 0;
let status = 'scheduled';
while (performance.now() - started < maxSeconds * 1000) {
  await new Promise((r) => setTimeout(r, 1000));
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  status = (await models.Broadcast.findById(b.id).select('status').lean())?.status ?? '?';
  const elapsed = Math.round((performance.now() - started) / 1000);
  // Counting scans the broadcast's deliveries: only now and then, so the probe does not slow the run.
  if (elapsed % 10 === 0 || status === 'done') sent = await models.Delivery.countDocuments({ broadcastId: b.id, status: 'sent' });
  console.log(`${elapsed} s: ${sent} sent (${status}), rss ${mb(process.memoryUsage().rss)} MB, heap ${mb(process.memoryUsage().heapUsed)} MB`);
  if (status === 'done') break;
}
sent = await models.Delivery.countDocuments({ broadcastId: b.id, status: 'sent' });
const seconds = (performance.now() - started) / 1000;
gc();
const rssAfter = process.memoryUsage().rss;
const cpuAfter = { worker: cpuSeconds('self'), infra: cpuSeconds(infra.pid!) };
const cpu =
  cpuBefore.worker !== null && cpuAfter.worker !== null && cpuBefore.infra !== null && cpuAfter.infra !== null
    ? { workerSeconds: Math.round((cpuAfter.worker - cpuBefore.worker) * 10) / 10, infraSeconds: Math.round((cpuAfter.infra - cpuBefore.infra) * 10) / 10 }
    : null;
// With the machine to ourselves the worker and the database each get a core: the busier one bounds throughput.
const deliveriesPerCpuSecond = cpu ? Math.round(sent / Math.max(cpu.workerSeconds, cpu.infraSeconds)) : null;
const load1 = fs.existsSync('/proc/loadavg') ? Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]) : null;
const platformLog = await fakeLog();
const report = await outreach.broadcasts.report(b.id);
logger.level = 'silent'; // Agenda's poll may race the closing connection; nothing to report then
await scheduler.stop();
await conn.close();
infra.stdin!.end();
infra.kill();

const deliveriesPerSecond = Math.round(sent / seconds);
const memoryGrowthMb = mb(rssAfter - rssBefore);
const peakRssGrowthMb = mb(rssPeak - rssBefore);
const result = {
  bench: 'fanout',
  participants,
  send: 'createChannels(...).send',
  sendRateMessengerPerS,
  sent,
  platformMessages: platformLog.length,
  duplicates: platformLog.length - new Set(platformLog.map((m) => m.recipient)).size,
  status,
  seconds: Math.round(seconds * 10) / 10,
  deliveriesPerSecond,
  memoryGrowthMb,
  peakRssGrowthMb,
  cpu,
  deliveriesPerCpuSecond,
  loadAverage: load1,
  byStatus: report.byStatus,
  goals,
  ok: status === 'done' && sent === participants && deliveriesPerSecond >= goals.deliveriesPerSecond && memoryGrowthMb < goals.memoryGrowthMb,
};
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
