/**
 * Webhook ingestion benchmark (`npm run bench -- webhook`), all on 127.0.0.1 in one run:
 *  1. a bare express route that answers 200, at full speed (and the same route inside our app), sent
 *     the same signed POSTs as the webhook;
 *  2. signed Messenger webhook POSTs into the real pipeline (raw body, HMAC check, normalise,
 *     insert into the inbox on the embedded database, then 200), at full speed;
 *  3. the same webhook at a fixed 500 requests/s, for the p99 latency.
 * Phases 1 and 2 run in interleaved rounds (`--rounds 4 --round 1.5` seconds) and are summed.
 * Every request carries a new message id, so each one is a real insert. The inbox worker is not
 * running: this measures the acknowledgement path only. The servers (both routes and the embedded
 * database, as `npm start` runs them) live in a child process; autocannon runs in this one, as the
 * platforms would from outside. Afterwards the inbox must hold exactly one
 * entry per 200 (stored before the answer, never after).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import express from 'express';
import mongoose from 'mongoose';
import { createChannels } from '../../src/channels/index.js';
import { messengerText } from '../../src/channels/messenger/fixtures.js';
import { signMessengerBody } from '../../src/channels/messenger/verify.js';
import { testConfig } from '../../src/config/index.js';
import { botSchema } from '../../src/content/schema.js';
import { startEmbeddedServer } from '../../src/db/embedded/index.js';
import { createModels } from '../../src/db/models/index.js';
import { createApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { listen } from '../../src/http/server.js';
import { createLogger } from '../../src/log/index.js';

const APP_SECRET = 'bench-app-secret';

/** Child: the bare route, the real webhook pipeline on the embedded database, and a count endpoint. */
async function serve(): Promise<void> {
  const embedded = await startEmbeddedServer({ path: null });
  const config = testConfig({
    MONGODB_URI: embedded.uri,
    MONGODB_DB_NAME: 'bench_webhook',
    DEMO_MESSENGER_APP_SECRET: APP_SECRET,
    DEMO_MESSENGER_PAGE_TOKEN: 'bench-page-token',
    DEMO_MESSENGER_VERIFY_TOKEN: 'bench-verify-token',
  });
  const conn = await mongoose.createConnection(embedded.uri, { dbName: 'bench_webhook' }).asPromise();
  const models = createModels(conn);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const logger = createLogger(config);
  const metrics = createMetrics();
  const bot = botSchema.parse({
    id: 'demo',
    name: { vi: 'Bench' },
    organisation: { vi: 'Bench' },
    dailyQuestion: { cron: '0 8 * * *' },
    topics: ['x'],
    units: 'x',
  });
  const channels = createChannels({ config, logger, models, bots: [bot], registry: metrics.registry, handler: async () => [] });
  // The same "answer 200" route inside the product's app (request ids, logging, metrics), to tell
  // the pipeline's own cost from the app's middleware.
  const inApp = express.Router();
  inApp.post('/', (_req, res) => void res.sendStatus(200));
  const app = createApp({
    config,
    logger,
    metrics,
    readiness: [],
    routes: [
      { path: '/webhooks', router: channels.webhookRouter },
      { path: '/_bare', router: inApp },
    ],
  });
  const server = await listen(app, '127.0.0.1', 0);
  const bare = express();
  bare.post('/bare', (_req, res) => void res.sendStatus(200));
  bare.get('/_count', async (req, res) => {
    const key = typeof req.query.key === 'string' ? req.query.key : undefined;
    res.json({ count: await models.InboxEvent.countDocuments(key ? { _id: key } : {}) });
  });
  // CPU time of this process: per-request cost that does not depend on the machine's load.
  bare.get('/_cpu', (_req, res) => void res.json(process.cpuUsage()));
  const bareServer = await listen(bare as never, '127.0.0.1', 0);
  console.log(`READY ${JSON.stringify({ url: server.url, bareUrl: bareServer.url })}`);
  process.on('SIGTERM', () => process.exit(0));
}

if (process.argv.includes('--serve')) {
  await serve();
} else {
  await main();
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const ROUNDS = arg('rounds', 4);
  const ROUND_S = arg('round', 1.5);
  const DURATION_S = arg('duration', 5);
  const CONNECTIONS = arg('connections', 16);
  const RATE = arg('rate', 500);
  const GOALS = { ratio: 0.5, p99Ms: 20 };

  // `--profile`: a CPU profile of the server process in ./bench-profile/.
  const profile = process.argv.includes('--profile') ? ['--cpu-prof', '--cpu-prof-dir=bench-profile'] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { url, bareUrl } = await new Promise<{ url: string; bareUrl: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\{.*\})/.exec(out);
      if (m) resolve(JSON.parse(m[1]!) as { url: string; bareUrl: string });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  const cpu = async () => {
    const u = (await (await fetch(`${bareUrl}/_cpu`)).json()) as { user: number; system: number };
    return u.user + u.system;
  };
  /** Runs one phase and returns it with the CPU microseconds the server and this client spent on it. */
  const measured = async (opts: autocannon.Options) => {
    const c0 = await cpu();
    const client0 = process.cpuUsage();
    const result = await run(opts);
    const client = process.cpuUsage(client0);
    return { result, cpuUs: (await cpu()) - c0, clientCpuUs: client.user + client.system };
  };
  const count = async (key?: string) =>
    ((await (await fetch(`${bareUrl}/_count${key ? `?key=${encodeURIComponent(key)}` : ''}`)).json()) as { count: number }).count;

  let seq = 0;
  const signedRequest = () => {
    seq++;
    const raw = JSON.stringify(messengerText(`user${seq % 500}`, `tin nhắn ${seq}`, { mid: `m_bench_${seq}`, timestamp: Date.now() }));
    return {
      method: 'POST' as const,
      path: '/webhooks/messenger/demo',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMessengerBody(raw, APP_SECRET) },
      body: raw,
    };
  };
  const run = (opts: autocannon.Options) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    });
  // Signed bodies are made before the clock starts, so the client's own signing does not count.
  const POOL = arg('pool', 60_000);
  const pool = Array.from({ length: POOL }, () => signedRequest());
  let next = 0;
  const webhookRequests = [{ setupRequest: (r: autocannon.Request) => ({ ...r, ...(next < pool.length ? pool[next++]! : signedRequest()) }) }];
  // The bare routes get the same signed POSTs (their own path kept): the requests on the wire and the
  // client's work are identical, so only what the server does with them differs.
  let reused = 0;
  const sameBodies = [
    {
      setupRequest: (r: autocannon.Request) => {
        const { method, headers, body } = pool[reused++ % pool.length]!;
        return { ...r, method, headers, body };
      },
    },
  ];

  try {
    // The contract, checked once: the entry exists as soon as the 200 arrives.
    const probe = signedRequest();
    const probeRes = await fetch(`${url}${probe.path}`, { method: 'POST', headers: probe.headers, body: probe.body });
    const storedBefore200 = probeRes.status === 200 && (await count(`messenger:demo:mid:m_bench_${seq}`)) === 1;

    // Warm up both routes.
    await run({ url: `${bareUrl}/bare`, connections: 4, duration: 1, requests: sameBodies });
    await run({ url, connections: 4, duration: 1, requests: webhookRequests });

    // Interleaved rounds: the three routes take turns, so a change in the machine's load (other
    // tenants, CPU steal) falls on all of them alike and cancels out of the ratios.
    const phases = {
      bare: { url: `${bareUrl}/bare`, requests: sameBodies },
      inApp: { url: `${url}/_bare`, requests: sameBodies },
      hook: { url, requests: webhookRequests },
    };
    type Phase = keyof typeof phases;
    interface Totals {
      requests: number;
      seconds: number;
      cpuUs: number;
      clientCpuUs: number;
      p99: number[];
      bad: number;
    }
    const totals = Object.fromEntries(
      Object.keys(phases).map((k) => [k, { requests: 0, seconds: 0, cpuUs: 0, clientCpuUs: 0, p99: [], bad: 0 }]),
    ) as unknown as Record<Phase, Totals>;
    const before = await count();
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of Object.keys(phases) as Phase[]) {
        const { result, cpuUs, clientCpuUs } = await measured({ ...phases[name], connections: CONNECTIONS, duration: ROUND_S });
        const t = totals[name];
        t.requests += result.requests.total;
        t.seconds += result.duration;
        t.cpuUs += cpuUs;
        t.clientCpuUs += clientCpuUs;
        t.p99.push(result.latency.p99);
        t.bad += result.non2xx + result.errors;
      }
    }
    const rps = (p: Phase) => totals[p].requests / totals[p].seconds;
    const cpuPerRequest = (p: Phase) => Math.round(totals[p].cpuUs / Math.max(1, totals[p].requests));
    /** Cores autocannon kept busy: well under one means the client was not what limited the rate. */
    const clientCores = (p: Phase) => Number((totals[p].clientCpuUs / 1e6 / totals[p].seconds).toFixed(2));
    const atRate = await run({ url, connections: CONNECTIONS, duration: DURATION_S, overallRate: RATE, requests: webhookRequests });
    const after = await count();
    const ok2xx = totals.hook.requests - totals.hook.bad + atRate['2xx'];
    const ratio = rps('hook') / rps('bare');
    const figures = {
      bench: 'webhook',
      database: 'embedded (in memory)',
      rounds: ROUNDS,
      roundS: ROUND_S,
      connections: CONNECTIONS,
      bareRps: Math.round(rps('bare')),
      webhookRps: Math.round(rps('hook')),
      ratio: Number(ratio.toFixed(2)),
      bareInAppRps: Math.round(rps('inApp')),
      ratioToBareInApp: Number((rps('hook') / rps('inApp')).toFixed(2)),
      webhookP99MsAtMax: Math.max(...totals.hook.p99),
      serverCpuUsPerRequest: { bare: cpuPerRequest('bare'), inApp: cpuPerRequest('inApp'), webhook: cpuPerRequest('hook') },
      cpuRatio: Number((cpuPerRequest('bare') / Math.max(1, cpuPerRequest('hook'))).toFixed(2)),
      clientCores: { bare: clientCores('bare'), inApp: clientCores('inApp'), webhook: clientCores('hook') },
      rate: RATE,
      achievedRps: Math.round(atRate.requests.average),
      p50MsAtRate: atRate.latency.p50,
      p99MsAtRate: atRate.latency.p99,
      non2xx: totals.hook.bad + atRate.non2xx + atRate.errors,
      inboxEntriesAdded: after - before,
      responses200: ok2xx,
      storedBefore200,
    };
    const ok = ratio >= GOALS.ratio && atRate.latency.p99 < GOALS.p99Ms && figures.non2xx === 0 && storedBefore200 && figures.inboxEntriesAdded >= ok2xx;
    console.log(`bare express route       ${figures.bareRps} req/s`);
    console.log(`same route in our app    ${figures.bareInAppRps} req/s (request ids, logging, metrics)`);
    console.log(`signed Messenger webhook ${figures.webhookRps} req/s (p99 ${figures.webhookP99MsAtMax} ms at full speed)`);
    console.log(`throughput ratio         ${figures.ratio} (goal >= ${GOALS.ratio}); against the same route in our app ${figures.ratioToBareInApp}`);
    console.log(
      `server CPU per request   bare ${figures.serverCpuUsPerRequest.bare} µs, in our app ${figures.serverCpuUsPerRequest.inApp} µs, webhook ${figures.serverCpuUsPerRequest.webhook} µs (ratio ${figures.cpuRatio}, less sensitive to the machine's load)`,
    );
    console.log(
      `client (autocannon)      ${figures.clientCores.bare} / ${figures.clientCores.inApp} / ${figures.clientCores.webhook} cores busy (bare / in our app / webhook)`,
    );
    console.log(`at ${RATE} req/s            p50 ${figures.p50MsAtRate} ms, p99 ${figures.p99MsAtRate} ms (goal < ${GOALS.p99Ms} ms)`);
    console.log(
      `inbox entries added      ${figures.inboxEntriesAdded} for ${ok2xx} answers 200 counted (requests in flight at the end are stored, not counted); stored before the 200: ${storedBefore200}`,
    );
    console.log(JSON.stringify({ ...figures, goals: GOALS, ok }));
    process.exitCode = ok ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
  }
}
