/**
 * `npm run bench -- stats [maxSeconds]`: does the dashboard stay fast with a year of a provincial
 * union's answers, and what does one answer cost the rollups? On the embedded server:
 * 1. Seeds the shape of scripts/bench/lib/stats-shape.ts (10 bots, 500 units, 10,000 members, 365
 *    days) into one database, and only its last 30 days into another; builds both databases'
 *    rollups with `stats rebuild` (timed; it also seals the week and month blocks).
 * 2. Loads the dashboard as the page does (overview, series, units and questions of the last 30
 *    days, in parallel, over HTTP) 30 times on each: the ratio t(year)/t(month) shows whether the
 *    cost grows with the data behind the range; the documents read per load are counted. Then the
 *    whole year as the range, through the week and month blocks and through the days only (the
 *    path without blocks, same data, same run): documents read and time, and their ratios.
 * 3. Applies fresh answers through the rollup updater on a server with a journal: one at a time
 *    (each its own batch, the most expensive case) and 8 at a time (the inbox worker's
 *    concurrency); journal bytes per answer and answers per second.
 * Goals: ratio ≤ 2; journal ≤ 4 KB per answer applied alone; the whole year reads ≤ 10 % of the
 * documents the days-only path reads, and loads in ≤ 2 s (median). Stops seeding at `maxSeconds`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { createAdminService } from '../../src/admin/index.js';
import { testConfig } from '../../src/config/index.js';
import { startEmbeddedServer } from '../../src/db/embedded/index.js';
import { createModels, type Models } from '../../src/db/models/index.js';
import { createApp } from '../../src/http/app.js';
import { createApiRouter } from '../../src/http/api/index.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createAdminWeb } from '../../src/http/pages/index.js';
import { listen } from '../../src/http/server.js';
import { createI18n } from '../../src/i18n/index.js';
import { createStats } from '../../src/stats/index.js';
import { answersOfDay, BOTS, dayString, DAYS, members, unitDocs, UNITS_PER_BOT } from './lib/stats-shape.js';

// The embedded server keeps a year of answers in this process's heap: run with room for it.
if (!process.env.BENCH_STATS_HEAP) {
  const child = spawnSync(process.execPath, ['--max-old-space-size=6144', '--import', 'tsx', ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_STATS_HEAP: '6144' },
  });
  process.exit(child.status ?? 1);
}

const maxSeconds = Number(process.argv[2] ?? 1500);
const GOAL_RATIO = 2;
const GOAL_JOURNAL_BYTES = 4096;
const GOAL_YEAR_DOCS_RATIO = 0.1;
const GOAL_YEAR_MS = 2000;
const MONTH = 30;
const started = Date.now();
const elapsed = () => Math.round((Date.now() - started) / 1000);
const today = new Date();
const all = members();
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const server = await startEmbeddedServer({ path: null });
const { t } = await createI18n('content');

interface Site {
  models: Models;
  url: string;
  token: string;
  /** Documents the server returned to this site's queries so far. */
  docsRead: () => number;
  close(): Promise<void>;
}

/** A database with the API over it, as the admin page reaches it. */
async function openSite(dbName: string, blocks = true): Promise<Site> {
  const conn = await mongoose.createConnection(server.uri, { dbName, monitorCommands: true }).asPromise();
  let docs = 0;
  conn.getClient().on('commandSucceeded', (e) => {
    const c = (e.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
    docs += (c?.firstBatch ?? c?.nextBatch ?? []).length;
  });
  const models = createModels(conn);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const config = testConfig({ MONGODB_URI: server.uri, MONGODB_DB_NAME: dbName });
  const stats = createStats(models, { timeZone: 'UTC', catchUpEveryMs: 0, unitListOf: (bot) => bot, blocks });
  const admin = createAdminService(models, { sessionSecret: undefined });
  const { token } = await admin.createToken({ name: 'bench', role: 'admin' });
  const apiRouter = createApiRouter({ models, stats, timeZone: 'UTC', t });
  const routes = createAdminWeb({
    admin,
    isProduction: false,
    contentDir: 'content',
    loginMaxPer15Min: 10,
    simulatorEnabled: false,
    bots: () => [],
    apiRouter,
  });
  const app = createApp({ config, logger: pino({ level: 'warn' }), metrics: createMetrics(), readiness: [], routes });
  const http = await listen(app, '127.0.0.1', 0);
  return { models, url: http.url, token, docsRead: () => docs, close: async () => (await http.close(1000), await conn.close()) };
}

/** Inserts the answers of days [from, DAYS) and rebuilds the rollups; false when out of time. */
async function seed(site: Site, from: number): Promise<{ answers: number; rebuildSeconds: number; rollups: number } | null> {
  await site.models.Unit.collection.insertMany(unitDocs());
  let answers = 0;
  for (let d = from; d < DAYS; d++) {
    if (elapsed() > maxSeconds) return null;
    const docs = answersOfDay(all, today, d);
    await site.models.Answer.collection.insertMany(docs, { ordered: false });
    answers += docs.length;
    if (d % 30 === 0) console.log(`  day ${d}: ${answers} answers (${elapsed()} s)`);
  }
  const t0 = Date.now();
  const r = await createStats(site.models, { timeZone: 'UTC' }).updater.rebuild();
  return { answers, rebuildSeconds: Math.round((Date.now() - t0) / 100) / 10, rollups: r.rollups };
}

/** The dashboard's four requests in parallel, `rounds` times: median and p95 in ms, documents read per load. */
async function timeDashboard(site: Site, days: number, rounds = 30, warmup = 3): Promise<{ medianMs: number; p95Ms: number; docsPerLoad: number }> {
  gc();
  await new Promise((r) => setTimeout(r, 300));
  const q = `from=${dayString(today, DAYS - days)}&to=${dayString(today, DAYS - 1)}`;
  const paths = ['overview', 'series', 'units', `questions?locale=vi&`].map((p) => `${site.url}/api/v1/stats/${p}${p.includes('?') ? '' : '?'}${q}`);
  const load = () =>
    Promise.all(
      paths.map(async (u) =>
        ((r) => (r.status === 200 ? r.json() : Promise.reject(new Error(`${u}: ${r.status}`))))(
          await fetch(u, { headers: { Authorization: `Bearer ${site.token}` } }),
        ),
      ),
    );
  for (let i = 0; i < warmup; i++) await load();
  const times: number[] = [];
  const docs0 = site.docsRead();
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await load();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v * 10) / 10;
  return {
    medianMs: ms(times[Math.floor(rounds / 2)]!),
    p95Ms: ms(times[Math.floor(rounds * 0.95)]!),
    docsPerLoad: Math.round((site.docsRead() - docs0) / rounds),
  };
}

/** Fresh answers through the rollup updater, on a server that journals: bytes and speed. */
async function writeCost(): Promise<{ aloneBytes: number; aloneAnswersPerS: number; concurrentBytes: number; concurrentAnswersPerS: number; answers: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-stats-'));
  const journaled = await startEmbeddedServer({ path: dir });
  const conn = await mongoose.createConnection(journaled.uri, { dbName: 'bench_stats_cost' }).asPromise();
  const models = createModels(conn);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const stats = createStats(models, { timeZone: 'UTC', catchUpEveryMs: 0 });
  const size = () => fs.statSync(path.join(dir, 'journal.bin')).size;
  const fresh = (d: number) => answersOfDay(all, today, d).map((a) => ({ ...a, rolledUp: false }));
  // Two weeks of earlier answers, so first answers of a day have gaps to look back at.
  for (let d = DAYS - 16; d < DAYS - 2; d++) await models.Answer.collection.insertMany(fresh(d));
  await stats.updater.catchUp({ olderThanMs: -86_400_000 });
  const run = async (answers: ReturnType<typeof fresh>, streams: number) => {
    await models.Answer.collection.insertMany(answers);
    const [b0, t0] = [size(), performance.now()];
    let next = 0;
    await Promise.all(
      Array.from({ length: streams }, async () => {
        while (next < answers.length) await stats.listener.answerRecorded(answers[next++]!);
      }),
    );
    return { bytes: Math.round((size() - b0) / answers.length), perS: Math.round(answers.length / ((performance.now() - t0) / 1000)) };
  };
  const alone = await run(fresh(DAYS - 2).slice(0, 1000), 1);
  const concurrent = await run(fresh(DAYS - 1).slice(0, 3000), 8);
  await conn.close();
  await journaled.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { aloneBytes: alone.bytes, aloneAnswersPerS: alone.perS, concurrentBytes: concurrent.bytes, concurrentAnswersPerS: concurrent.perS, answers: 4000 };
}

console.log(`seeding the last ${MONTH} days…`);
const month = await openSite('bench_stats_month');
const monthSeed = await seed(month, DAYS - MONTH);
const small = await timeDashboard(month, MONTH);
await month.models.Answer.db.dropDatabase();
await month.close();
console.log(`seeding ${DAYS} days…`);
const year = await openSite('bench_stats_year');
const yearSeed = monthSeed && (await seed(year, 0));
const timedOut = !monthSeed || !yearSeed;
const big = await timeDashboard(year, MONTH);
const wholeYear = await timeDashboard(year, DAYS, 10);
// The same year read day by day (no blocks): what the blocks replace. A minute per load on a busy machine, so few rounds.
const yearDays = await openSite('bench_stats_year', false);
const wholeYearDays = await timeDashboard(yearDays, DAYS, 3, 1);
await yearDays.close();
const round3 = (v: number) => Math.round(v * 1000) / 1000;
const yearDocsRatio = round3(wholeYear.docsPerLoad / wholeYearDays.docsPerLoad);
const yearMsRatio = round3(wholeYear.medianMs / wholeYearDays.medianMs);
console.log(
  `dashboard, last ${MONTH} days: ${small.medianMs} ms with a month of data, ${big.medianMs} ms with a year; the whole year: ${wholeYear.medianMs} ms, ${wholeYear.docsPerLoad} documents (days only: ${wholeYearDays.medianMs} ms, ${wholeYearDays.docsPerLoad} documents)`,
);
await year.close();
await server.close();
const cost = await writeCost();
console.log(
  `one answer alone: ${cost.aloneBytes} B of journal (${cost.aloneAnswersPerS}/s); 8 at a time: ${cost.concurrentBytes} B (${cost.concurrentAnswersPerS}/s)`,
);
const ratio = Math.round((big.medianMs / small.medianMs) * 100) / 100;
const ok =
  !timedOut && ratio <= GOAL_RATIO && cost.aloneBytes <= GOAL_JOURNAL_BYTES && yearDocsRatio <= GOAL_YEAR_DOCS_RATIO && wholeYear.medianMs <= GOAL_YEAR_MS;
console.log(
  JSON.stringify({
    bench: 'stats',
    shape: { bots: BOTS, units: BOTS * UNITS_PER_BOT, members: all.length, days: DAYS },
    yearAnswers: yearSeed?.answers ?? null,
    monthAnswers: monthSeed?.answers ?? null,
    rollupDocuments: yearSeed?.rollups ?? null,
    rebuildSeconds: yearSeed?.rebuildSeconds ?? null,
    dashboardLast30Days: { monthOfData: small, yearOfData: big },
    dashboardWholeYear: wholeYear,
    dashboardWholeYearDaysOnly: wholeYearDays,
    wholeYearDocsRatio: yearDocsRatio,
    wholeYearMsRatio: yearMsRatio,
    ratio,
    writeCost: {
      journalBytesPerAnswerAlone: cost.aloneBytes,
      answersPerSecondAlone: cost.aloneAnswersPerS,
      journalBytesPerAnswer8AtATime: cost.concurrentBytes,
      answersPerSecond8AtATime: cost.concurrentAnswersPerS,
    },
    goals: { ratio: GOAL_RATIO, journalBytesPerAnswerAlone: GOAL_JOURNAL_BYTES, wholeYearDocsRatio: GOAL_YEAR_DOCS_RATIO, wholeYearMedianMs: GOAL_YEAR_MS },
    timedOut,
    seconds: elapsed(),
    ok,
  }),
);
process.exit(ok ? 0 : 1);
