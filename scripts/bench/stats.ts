/**
 * `npm run bench -- stats [bigAnswers] [maxSeconds]`: does the statistics overview stay fast as
 * answers grow? Seeds 10,000 answers (and their rollups), times GET /api/v1/stats/overview, then
 * grows to 1,000,000 answers and times it again, on the embedded database in memory. Answers and
 * rollups are bulk-inserted directly (rollups computed with the same reducer as `stats rebuild`).
 * Prints the ratio t(1M)/t(10k); goal ≤ 2. Only 127.0.0.1; seeding stops at `maxSeconds`.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import mongoose, { Types } from 'mongoose';
import { pino } from 'pino';
import { createAdminService } from '../../src/admin/index.js';
import { testConfig } from '../../src/config/index.js';
import { startEmbeddedServer } from '../../src/db/embedded/index.js';
import { createModels } from '../../src/db/models/index.js';
import { createApp } from '../../src/http/app.js';
import { createApiRouter } from '../../src/http/api/index.js';
import { createI18n } from '../../src/i18n/index.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createAdminWeb } from '../../src/http/pages/index.js';
import { listen } from '../../src/http/server.js';
import { createStats, RollupAccumulator, type AnswerFacts } from '../../src/stats/index.js';

const SMALL = 10_000;
const BIG = Number(process.argv[2] ?? 1_000_000);
const maxSeconds = Number(process.argv[3] ?? 900);
const GOAL_RATIO = 2;
const BOTS = ['demo', 'truong'];
const UNITS = 20;
const QUESTIONS = 100;
const DAYS = 60;
const PARTICIPANTS = 5_000;
const BATCH = 20_000;

const started = Date.now();
const server = await startEmbeddedServer({ path: null });
const conn = await mongoose.createConnection(server.uri, { dbName: 'bench_stats' }).asPromise();
const models = createModels(conn);
await Promise.all(Object.values(models).map((m) => m.init()));
const logger = pino({ level: 'warn' });
const config = testConfig({ MONGODB_URI: server.uri, MONGODB_DB_NAME: 'bench_stats' });
const stats = createStats(models, { timeZone: config.timeZone, catchUpEveryMs: 0 });
const admin = createAdminService(models, { sessionSecret: undefined });
const { token } = await admin.createToken({ name: 'bench', role: 'admin' });
const routes = createAdminWeb({
  admin,
  isProduction: false,
  contentDir: config.paths.content,
  loginMaxPer15Min: 10,
  simulatorEnabled: false,
  bots: () => BOTS,
  apiRouter: createApiRouter({ models, stats, timeZone: config.timeZone, t: (await createI18n(config.paths.content)).t }),
});
const app = createApp({ config, logger, metrics: createMetrics(), readiness: [], routes });
const http = await listen(app, '127.0.0.1', 0);

// Deterministic answers spread over DAYS days (ending today), UNITS units, QUESTIONS questions.
const participantIds = Array.from({ length: PARTICIPANTS }, () => new Types.ObjectId());
const today = new Date();
const dayStrings = Array.from({ length: DAYS }, (_, i) => new Date(today.getTime() - (DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10));
/** A cheap integer hash, so day, participant and question of an answer are not correlated. */
const mix = (i: number, salt: number) => {
  let h = Math.imul(i ^ salt, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
};
function makeAnswer(i: number) {
  const p = mix(i, 1) % PARTICIPANTS;
  // Every day, unit and question is present from the first 10,000 answers on, so both sizes read the same rollups.
  const dayIndex = mix(i, 2) % DAYS;
  return {
    _id: new Types.ObjectId(),
    participantId: participantIds[p]!,
    bot: BOTS[p % BOTS.length]!,
    channel: 'web',
    unitId: `u${p % UNITS}`,
    questionId: `q${mix(i, 3) % QUESTIONS}`,
    revision: 'r1',
    mode: 'practice',
    day: dayStrings[dayIndex]!,
    attemptId: new Types.ObjectId(),
    choice: i % 4,
    correct: i % 3 !== 0,
    timeTakenMs: 3000 + (i % 5000),
    answeredAt: new Date(today.getTime() - (DAYS - dayIndex) * 86_400_000 + (i % 86_400_000)),
    rolledUp: true,
  };
}

const acc = new RollupAccumulator();
let seeded = 0;
let timedOut = false;
async function seedTo(target: number): Promise<void> {
  while (seeded < target) {
    if ((Date.now() - started) / 1000 > maxSeconds) {
      timedOut = true;
      console.log(`time budget of ${maxSeconds}s reached at ${seeded} answers`);
      break;
    }
    const n = Math.min(BATCH, target - seeded);
    const docs = Array.from({ length: n }, (_, k) => makeAnswer(seeded + k));
    await models.Answer.collection.insertMany(docs, { ordered: false });
    for (const d of docs) {
      const facts: AnswerFacts = {
        id: String(d._id),
        participantId: String(d.participantId),
        bot: d.bot,
        unitId: d.unitId,
        questionId: d.questionId,
        day: d.day,
        correct: d.correct,
        timeTakenMs: d.timeTakenMs,
      };
      acc.addAnswer(facts);
    }
    seeded += n;
    if (seeded % 100_000 < BATCH) console.log(`  ${seeded} answers (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await models.Rollup.collection.deleteMany({});
  const docs = acc.rollups().map((r) => ({ ...r, recent: [] as string[] }));
  for (let i = 0; i < docs.length; i += BATCH) await models.Rollup.collection.insertMany(docs.slice(i, i + BATCH));
}

// The embedded server runs in this process: collect the seeding's garbage before timing, the same
// way for both sizes, so a collector pause left over from seeding is not billed to the overview.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function timeOverview(): Promise<{ medianMs: number; p95Ms: number; rollups: number }> {
  gc();
  await new Promise((r) => setTimeout(r, 500));
  const url = `${http.url}/api/v1/stats/overview`;
  const headers = { Authorization: `Bearer ${token}` };
  for (let i = 0; i < 5; i++) await (await fetch(url, { headers })).json();
  const times: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    const r = await fetch(url, { headers });
    await r.json();
    if (r.status !== 200) throw new Error(`overview answered ${r.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: Math.round(times[Math.floor(times.length / 2)]! * 100) / 100,
    p95Ms: Math.round(times[Math.floor(times.length * 0.95)]! * 100) / 100,
    rollups: await models.Rollup.collection.countDocuments({}),
  };
}

console.log(`seeding ${SMALL} answers…`);
await seedTo(SMALL);
const small = await timeOverview();
console.log(`overview with ${seeded} answers: median ${small.medianMs} ms, p95 ${small.p95Ms} ms (${small.rollups} rollup documents)`);
console.log(`seeding up to ${BIG} answers…`);
await seedTo(BIG);
const bigAnswers = seeded;
const big = await timeOverview();
console.log(`overview with ${bigAnswers} answers: median ${big.medianMs} ms, p95 ${big.p95Ms} ms (${big.rollups} rollup documents)`);
const ratio = Math.round((big.medianMs / small.medianMs) * 100) / 100;
console.log(`t(${bigAnswers})/t(${SMALL}) = ${ratio}`);

await http.close(1000);
await conn.close();
await server.close();
console.log(
  JSON.stringify({
    bench: 'stats',
    smallAnswers: SMALL,
    bigAnswers,
    smallMedianMs: small.medianMs,
    bigMedianMs: big.medianMs,
    bigP95Ms: big.p95Ms,
    rollupDocuments: big.rollups,
    ratio,
    goals: { ratio: GOAL_RATIO, bigAnswers: BIG },
    timedOut,
    seconds: Math.round((Date.now() - started) / 1000),
    ok: ratio <= GOAL_RATIO && bigAnswers >= BIG,
  }),
);
process.exit(0);
