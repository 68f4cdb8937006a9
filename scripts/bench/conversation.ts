/**
 * `npm run bench -- conversation [members] [--burst 2000] [--deliveries 1] [--probe-every 2000]`:
 * how fast does the conversation answer, and does a burst stay fair?
 *
 *  1. The pure engine on a daily-answer turn (no I/O).
 *  2. The whole service (participant load, views, effects) on the embedded in-memory database:
 *     `members` members (default 300) each onboard (4 events), ask today's question, answer it and
 *     ask their score (7 events), 8 members at a time. Each event is 2–4 database round trips.
 *  3. A burst through the real pipeline: the product's own server (`src/main.ts`, as `npm start`
 *     runs it: embedded database with its journal in a temporary directory, inbox worker, Agenda,
 *     statistics listener) in a child process, the fake platform (scripts/fake-platform.ts) in this
 *     one. One signed Messenger webhook (`--deliveries` splits it) brings `--burst` new members'
 *     Get Started at once; right after it, and every `--probe-every` ms while the burst lasts, an
 *     already onboarded member sends an ordinary message. Measured at the fake platform: when the
 *     last burst member had every reply, and how long each probe waited for its reply.
 *     The Messenger send limit is set to 300/s, the Send API's documented limit per page for text
 *     (the product's default, 40/s, alone makes 2,000 × 2 replies take 100 s).
 *
 * Goals: the pure step ≥ 1,000 turns/s; the service p95 ≤ 300 ms per event with 8 members at once;
 * the burst answered within 60 s and every probe within 5 s (docs/operations.md, "Bursts").
 * Only 127.0.0.1; every phase is bounded in time.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import mongoose from 'mongoose';
import { pino } from 'pino';
import { contentPaths, loadValidContent, questionRecord, sourceLine } from '../../src/content/index.js';
import { createConversation, NEW_PARTICIPANT, step, type QuizQuestion } from '../../src/conversation/index.js';
import { startEmbeddedServer } from '../../src/db/embedded/index.js';
import { createModels } from '../../src/db/models/index.js';
import { dayOf, DEFAULT_TIME_ZONE, type InboundEvent } from '../../src/domain/index.js';
import { createI18n } from '../../src/i18n/index.js';
import { pickDaily } from '../../src/quiz/index.js';
import { messengerEnvelope, PAGE_ID } from '../../src/channels/messenger/fixtures.js';
import { signMessengerBody } from '../../src/channels/messenger/verify.js';
import { startFakePlatform, type FakePlatform } from '../fake-platform.js';

const flag = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const MEMBERS = Number(positional[0] ?? 300);
const BURST = flag('burst', 2000);
const DELIVERIES = flag('deliveries', 1);
const PROBE_EVERY_MS = flag('probe-every', 2000);
/** The Send API's documented limit per Facebook Page for text messages. */
const SEND_RATE_PER_S = 300;
const GOAL_BURST_S = 60;
const GOAL_PROBE_MS = 5_000;
/** The burst phase gives up (and fails) after this. */
const BURST_TIMEOUT_S = 240;
const CONCURRENCY = 8;
const GOAL_STEPS_PER_S = 1_000;
const GOAL_P95_MS = 300;

const bundle = loadValidContent(contentPaths({ paths: { bots: 'bots', content: 'content' } }));
const bot = bundle.bots.find((b) => b.id === 'quang-tri-cdvc')!;
const records = bundle.questions.filter((q) => bot.topics.includes(q.topic)).map(questionRecord);
// As the service reads them (src/conversation/questions.ts): published ones, source lines in words.
const questions: QuizQuestion[] = records
  .filter((r) => r.status === 'published')
  .map((r) => ({
    questionId: r.questionId,
    revision: r.revision,
    topic: r.topic,
    answer: r.answer,
    vi: r.vi,
    en: r.en,
    source: { vi: sourceLine(r.facts, bundle.facts, 'vi'), en: sourceLine(r.facts, bundle.facts, 'en') },
  }));
const units = bundle.unitLists.find((l) => l.id === bot.units)!.units.map((u) => ({ unitId: u.id, name: u.name, size: u.size ?? null }));
const { t } = await createI18n('content');
const now = new Date();
const timeZone = DEFAULT_TIME_ZONE;
const today = dayOf(now, timeZone);
const q = pickDaily(bot.id, today, questions)!;

// `--burst-only`: phase 3 alone, for trials while working on the inbox (not a full result).
if (process.argv.includes('--burst-only')) {
  const only = await burstPhase();
  console.log(JSON.stringify({ bench: 'conversation', burstOnly: true, burst: only.figures, ok: only.ok }));
  process.exit(only.ok ? 0 : 1);
}

// ---- pure engine
const facts = { ...NEW_PARTICIPANT, known: true, consented: true, unitId: units[0]!.unitId, displayName: 'Bench' };
const answer: InboundEvent = {
  bot: bot.id,
  channel: 'messenger',
  userId: 'b',
  eventId: 'x',
  at: now,
  kind: 'choice',
  payload: `ANS|${q.questionId}|${q.revision}|daily|${today}|1`,
};
const ctx = { now, timeZone, bot, questions, units, participant: facts, t, memberKey: 'bench-key', newId: () => '65a000000000000000000001', views: {} };
for (let i = 0; i < 500; i++) step({}, answer, ctx); // warm-up (JIT)
const pureStart = performance.now();
let steps = 0;
while (performance.now() - pureStart < 2_000) {
  step({}, answer, ctx);
  steps++;
}
const stepsPerSecond = Math.round(steps / ((performance.now() - pureStart) / 1000));

// ---- the service on the embedded database
const server = await startEmbeddedServer({ path: null });
const conn = await mongoose.createConnection(server.uri, { dbName: 'bench_conversation' }).asPromise();
const models = createModels(conn);
await Promise.all(Object.values(models).map((m) => m.init()));
await models.Question.insertMany(records.map((r) => ({ ...r, retiredAt: null })));
const conversation = createConversation({ models, content: bundle, t, timeZone, logger: pino({ level: 'warn' }) });

const latencies: number[] = [];
const byLabel = new Map<string, number[]>();
async function timed(e: InboundEvent): Promise<void> {
  const s = performance.now();
  const replies = await conversation.handler(e);
  const ms = performance.now() - s;
  latencies.push(ms);
  const label = e.kind === 'text' ? e.text.replace(/\d+/g, 'N') : e.kind === 'choice' ? e.payload.split('|')[0]! : e.kind;
  byLabel.set(label, [...(byLabel.get(label) ?? []), ms]);
  if (replies.length === 0) throw new Error(`no reply to ${e.kind}`);
}
let seq = 0;
const ev = (userId: string, body: { kind: 'text'; text: string } | { kind: 'choice'; payload: string }): InboundEvent =>
  ({ bot: bot.id, channel: 'messenger', userId, eventId: `e${++seq}`, at: new Date(), ...body }) as InboundEvent;

async function member(i: number): Promise<void> {
  const u = `bench-${i}`;
  await timed(ev(u, { kind: 'text', text: 'Bắt đầu' }));
  await timed(ev(u, { kind: 'choice', payload: 'CONSENT|yes' }));
  await timed(ev(u, { kind: 'choice', payload: `UNIT|${units[i % units.length]!.unitId}` }));
  await timed(ev(u, { kind: 'text', text: `Thành viên ${i}` }));
  await timed(ev(u, { kind: 'text', text: 'câu hỏi hôm nay' }));
  await timed(ev(u, { kind: 'text', text: 'B' }));
  await timed(ev(u, { kind: 'text', text: 'điểm của tôi' }));
}

const serviceStart = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < MEMBERS) await member(next++);
  }),
);
const seconds = (performance.now() - serviceStart) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 10) / 10;
const answers = await models.Answer.countDocuments();
await conn.close();
await server.close();

const burst = await burstPhase();

const result = {
  bench: 'conversation',
  stepsPerSecond,
  members: MEMBERS,
  events: latencies.length,
  eventsPerSecond: Math.round(latencies.length / seconds),
  p50Ms: pct(50),
  p95Ms: pct(95),
  p99Ms: pct(99),
  answersStored: answers,
  burst: burst.figures,
  goals: { stepsPerSecond: GOAL_STEPS_PER_S, p95Ms: GOAL_P95_MS, burstSeconds: GOAL_BURST_S, probeMaxMs: GOAL_PROBE_MS },
  ok: stepsPerSecond >= GOAL_STEPS_PER_S && pct(95) <= GOAL_P95_MS && answers === MEMBERS && burst.ok,
};
for (const [label, ms] of byLabel) console.log(`  ${label.padEnd(20)} mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(1)} ms`);
console.log(
  `pure step: ${stepsPerSecond} turns/s; service: ${result.eventsPerSecond} events/s, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms`,
);
const b = burst.figures;
console.log(
  `burst: ${b.members} new members in ${b.deliveries} webhook(s) answered in ${b.seconds} s (${b.membersPerSecond}/s, goal ≤ ${GOAL_BURST_S} s); ` +
    `${b.probes.count} ordinary messages during it answered in p50 ${b.probes.p50Ms} ms, max ${b.probes.maxMs} ms (goal ≤ ${GOAL_PROBE_MS} ms); server CPU ${b.serverCpuMsPerMember} ms per member (main thread ${b.serverMainThreadCpuMsPerMember})`,
);
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);

// ---------------------------------------------------------------- the burst through the real pipeline

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux); null elsewhere. With
 * `mainThread`, only its main thread's (the embedded database, V8's garbage collector and libuv's
 * file writes run on other threads).
 */
function cpuSeconds(pid: number | undefined, mainThread = false): number | null {
  try {
    const fields = fs
      .readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]!
      .split(' ');
    // utime + stime, in clock ticks of 1/100 s.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

interface BurstResult {
  readonly ok: boolean;
  readonly figures: {
    members: number;
    deliveries: number;
    /** From the first webhook POST until the last burst member had every reply. */
    seconds: number | null;
    membersPerSecond: number | null;
    /** When the first burst member had every reply, and the median member. */
    firstAnsweredS: number | null;
    medianAnsweredS: number | null;
    answered: number;
    repliesPerMember: number;
    webhookAckMs: number;
    probes: { count: number; answered: number; p50Ms: number | null; maxMs: number | null; everyMs: number };
    /** CPU time of the server process (every thread) during the burst, per burst member. */
    serverCpuMsPerMember: number | null;
    /** The part of it on the main thread (the product's own code, the driver, HTTP). */
    serverMainThreadCpuMsPerMember: number | null;
    sendRatePerS: number;
    inboxConcurrency: number;
    serverWarnings: number;
    database: string;
  };
}

/**
 * Phase 3: the product's server in a child process as `npm start` runs it, webhooks signed and sent
 * from here, replies counted at the fake platform (also here).
 */
async function burstPhase(): Promise<BurstResult> {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-bench-burst-'));
  const fake = await startFakePlatform({ port: 0 });
  const APP_SECRET = 'bench-app-secret';
  const env: Record<string, string> = {
    ...(Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && k !== 'MONGODB_URI')) as Record<string, string>),
    // A developer's .env must not change what is measured.
    ENV_FILE: path.join(dataDir, 'none.env'),
    NODE_ENV: 'production',
    EMBEDDED_DB_IN_PRODUCTION: 'true',
    SESSION_SECRET: randomBytes(36).toString('base64'),
    HOST: '127.0.0.1',
    PORT: '0',
    EMBEDDED_DB_PATH: dataDir,
    MESSENGER_GRAPH_URL: fake.url,
    ZALO_OA_API_URL: fake.url,
    ZALO_OAUTH_URL: fake.url,
    DEMO_MESSENGER_APP_SECRET: APP_SECRET,
    DEMO_MESSENGER_PAGE_TOKEN: 'bench-page-token',
    DEMO_MESSENGER_VERIFY_TOKEN: 'bench-verify-token',
    SEND_RATE_MESSENGER_PER_S: String(SEND_RATE_PER_S),
    // Quiet hours defer only proactive messages; replies are never deferred. Set anyway so the run
    // does not depend on the hour.
    QUIET_HOURS: '00:00-00:01',
  };
  const { parseConfig } = await import('../../src/config/index.js');
  const concurrency = parseConfig(env).inbox.concurrency;
  // `--profile`: a CPU profile of the server process in ./bench-profile/.
  const profile = process.argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir=bench-profile'] : [];
  const server = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(root, 'src/main.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  /** Warnings and errors the server logged once the burst started (its start-up warns about the embedded database). */
  let warnings = 0;
  let counting = false;
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: server.stdout! });
    lines.on('line', (line) => {
      const m = /^Listening on (\S+)/.exec(line);
      if (m) resolve(m[1]!);
      // pino levels: 40 warn, 50 error, 60 fatal.
      if (counting && /^\{"level":(4|5|6)0/.test(line)) {
        warnings++;
        if (warnings <= 5) console.error(`server: ${line.slice(0, 400)}`);
      }
    });
    server.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening`)));
  });
  const stopServer = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    return await runBurst(url, fake, server.pid, APP_SECRET, concurrency, {
      start: () => void (counting = true),
      count: () => warnings,
    });
  } finally {
    await stopServer();
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runBurst(
  url: string,
  fake: FakePlatform,
  serverPid: number | undefined,
  appSecret: string,
  concurrency: number,
  warnings: { start(): void; count(): number },
): Promise<BurstResult> {
  const demo = bundle.bots.find((b) => b.id === 'demo')!;
  const unitId = bundle.unitLists.find((l) => l.id === demo.units)!.units[0]!.id;
  let mids = 0;
  let clock = Date.now();
  /** Platform timestamps: increasing, so a member's own events keep their order. */
  const stamp = () => (clock = Math.max(clock + 1, Date.now()));
  const postback = (psid: string, payload: string, title: string) => ({
    sender: { id: psid },
    recipient: { id: PAGE_ID },
    timestamp: stamp(),
    postback: { title, payload, mid: `m_bench_pb_${++mids}` },
  });
  const message = (psid: string, text: string, payload?: string) => ({
    sender: { id: psid },
    recipient: { id: PAGE_ID },
    timestamp: stamp(),
    message: { mid: `m_bench_${++mids}`, text, ...(payload ? { quick_reply: { payload } } : {}) },
  });
  const post = async (items: unknown[]): Promise<void> => {
    const raw = JSON.stringify(messengerEnvelope(items));
    const res = await fetch(`${url}/webhooks/messenger/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMessengerBody(raw, appSecret) },
      body: raw,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
  };

  /** Arrival times (ms) of the messages each recipient got, read incrementally from the fake platform. */
  const arrivals = new Map<string, number[]>();
  let seen = 0;
  const refresh = () => {
    const calls = fake.log('messenger');
    for (; seen < calls.length; seen++) {
      const c = calls[seen]!;
      if (c.kind !== 'message' || !c.recipient) continue;
      const list = arrivals.get(c.recipient) ?? [];
      list.push(Date.parse(c.at));
      arrivals.set(c.recipient, list);
    }
  };
  const count = (psid: string) => arrivals.get(psid)?.length ?? 0;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Waits until no message has arrived for `quietMs` (setting up, not measured). */
  const settle = async (quietMs: number, limitMs: number) => {
    const until = Date.now() + limitMs;
    let last = -1;
    let since = Date.now();
    while (Date.now() < until) {
      refresh();
      if (seen !== last) {
        last = seen;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) return;
      await sleep(100);
    }
    throw new Error('the server did not settle while setting up the burst');
  };

  // Setting up: how many replies a Get Started has, and members who are onboarded before the burst.
  const probeIds = Array.from({ length: 60 }, (_, i) => String(7_100_000_000_000 + i));
  await post([postback(probeIds[0]!, 'GET_STARTED', 'Bắt đầu')]);
  for (const until = Date.now() + 30_000; count(probeIds[0]!) === 0 && Date.now() < until; await sleep(100)) refresh();
  await settle(1000, 30_000);
  const repliesPerMember = count(probeIds[0]!);
  if (repliesPerMember < 1) throw new Error('Get Started was not answered');
  await Promise.all(
    probeIds.map(async (psid, i) => {
      if (i > 0) await post([postback(psid, 'GET_STARTED', 'Bắt đầu')]);
      await post([message(psid, 'Đồng ý', 'CONSENT|yes')]);
      await post([message(psid, 'Đơn vị', `UNIT|${unitId}`)]);
      await post([message(psid, `Đoàn viên ${i + 1}`)]);
    }),
  );
  await settle(1500, 60_000);

  // The burst: new members' Get Started, in `DELIVERIES` webhooks posted at once.
  const burstIds = Array.from({ length: BURST }, (_, i) => String(7_200_000_000_000 + i));
  const perDelivery = Math.ceil(BURST / DELIVERIES);
  const bodies = Array.from({ length: DELIVERIES }, (_, d) =>
    burstIds.slice(d * perDelivery, (d + 1) * perDelivery).map((id) => postback(id, 'GET_STARTED', 'Bắt đầu')),
  );
  warnings.start();
  const cpu0 = cpuSeconds(serverPid);
  const main0 = cpuSeconds(serverPid, true);
  const t0 = Date.now();
  await Promise.all(bodies.map((items) => post(items)));
  const webhookAckMs = Date.now() - t0;

  // Ordinary messages from onboarded members: one right after the burst, then every PROBE_EVERY_MS.
  const probes: Array<{ psid: string; sentAt: number; before: number }> = [];
  const answeredAt = (psid: string) => (count(psid) >= repliesPerMember ? arrivals.get(psid)![repliesPerMember - 1]! : null);
  const deadline = t0 + BURST_TIMEOUT_S * 1000;
  let nextProbe = Date.now();
  let done = 0;
  while (Date.now() < deadline) {
    refresh();
    if (Date.now() >= nextProbe && done < BURST && probes.length < probeIds.length - 1) {
      const psid = probeIds[probes.length + 1]!;
      probes.push({ psid, sentAt: Date.now(), before: count(psid) });
      await post([message(psid, 'điểm của tôi')]);
      nextProbe += PROBE_EVERY_MS;
    }
    done = burstIds.filter((id) => answeredAt(id) !== null).length;
    const probesOpen = probes.some((p) => count(p.psid) <= p.before);
    if (done === BURST && !probesOpen) break;
    await sleep(50);
  }
  const cpu1 = cpuSeconds(serverPid);
  const main1 = cpuSeconds(serverPid, true);
  refresh();
  const times = burstIds
    .map(answeredAt)
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
  const lastAnswer = times.length === BURST ? times[times.length - 1]! : null;
  const probeWaits = probes
    .map((p) => (count(p.psid) > p.before ? arrivals.get(p.psid)![p.before]! - p.sentAt : null))
    .filter((w): w is number => w !== null)
    .sort((a, b) => a - b);
  const seconds = lastAnswer === null ? null : Math.round((lastAnswer - t0) / 100) / 10;
  const figures: BurstResult['figures'] = {
    members: BURST,
    deliveries: DELIVERIES,
    seconds,
    membersPerSecond: seconds ? Math.round(BURST / seconds) : null,
    firstAnsweredS: times.length ? Math.round((times[0]! - t0) / 100) / 10 : null,
    medianAnsweredS: times.length ? Math.round((times[Math.floor(times.length / 2)]! - t0) / 100) / 10 : null,
    answered: times.length,
    repliesPerMember,
    webhookAckMs,
    probes: {
      count: probes.length,
      answered: probeWaits.length,
      p50Ms: probeWaits.length ? probeWaits[Math.floor(probeWaits.length / 2)]! : null,
      maxMs: probeWaits.length ? probeWaits[probeWaits.length - 1]! : null,
      everyMs: PROBE_EVERY_MS,
    },
    serverCpuMsPerMember: cpu0 !== null && cpu1 !== null ? Math.round(((cpu1 - cpu0) * 10_000) / BURST) / 10 : null,
    serverMainThreadCpuMsPerMember: main0 !== null && main1 !== null ? Math.round(((main1 - main0) * 10_000) / BURST) / 10 : null,
    sendRatePerS: SEND_RATE_PER_S,
    inboxConcurrency: concurrency,
    serverWarnings: warnings.count(),
    database: 'embedded, journal on disk (npm start without MONGODB_URI)',
  };
  const ok =
    seconds !== null &&
    seconds <= GOAL_BURST_S &&
    probes.length > 0 &&
    probeWaits.length === probes.length &&
    probeWaits[probeWaits.length - 1]! <= GOAL_PROBE_MS;
  return { ok, figures };
}
