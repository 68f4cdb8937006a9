import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatform } from '../../../scripts/fake-platform.js';
import { blankOptIn } from '../../../src/db/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { spawnTs } from '../../helpers/process.js';
import { makeOutreach, recordingSend } from './harness.js';

const PARTICIPANTS = 5000;
/** Batch jobs a worker runs at once (fanout-worker.ts): each has at most one message in flight. */
const IN_FLIGHT_PER_CRASH = 4;
/** The bot's Messenger page token in the worker's config: the product's send stack puts it on every request. */
const PAGE_TOKEN = 'crash-page-token';

let db: TestDb;
let fake: Awaited<ReturnType<typeof startFakePlatform>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await openTestDb('crash');
  fake = await startFakePlatform({ port: 0, latencyMs: 1 });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fake?.close();
  await db?.close();
});

function startWorker(extraEnv: Record<string, string> = {}): ChildProcess {
  // One node process, so the SIGKILL below really kills the worker (the tsx CLI would run it in a grandchild).
  const child = spawnTs(path.join(import.meta.dirname, 'fanout-worker.ts'), [], {
    env: { ...process.env, WORKER_MONGO_URI: db.uri, WORKER_DB: db.name, WORKER_FAKE_URL: fake.url, WORKER_PAGE_TOKEN: PAGE_TOKEN, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  child.on('exit', (code, signal) => {
    if (code && code !== 0) console.error(`worker exited ${code} ${signal}:\n${out}`);
  });
  children.push(child);
  return child;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a worker killed in the middle of a broadcast', () => {
  it('completes after restart with every member messaged once (at most one repeat per batch in flight at the crash)', async () => {
    const now = new Date();
    const docs = Array.from({ length: PARTICIPANTS }, (_, i) => ({
      _id: new Types.ObjectId(),
      bot: 'demo',
      channel: 'messenger',
      userId: `crash-${i}`,
      groupId: null,
      locale: 'vi',
      unitId: `unit-${i % 7}`,
      consent: { at: now, version: '1' },
      subscribed: true,
      unreachable: null,
      lastInboundAt: now,
      state: {},
    }));
    for (let i = 0; i < docs.length; i += 1000) await db.models.Participant.collection.insertMany(docs.slice(i, i + 1000));

    // The organiser's side: create the broadcast (no scheduler running in this process).
    const { send } = recordingSend();
    const h = await makeOutreach(db, send, new Date());
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Ngày Chuyển đổi số quốc gia 10/10' }, sendAt: 'now' }, 'organiser');
    expect(b.audienceSize).toBe(PARTICIPANTS);

    const t0 = Date.now();
    const first = startWorker();
    await until('the first worker to send a third of the messages', async () => (await fake.log()).length >= PARTICIPANTS / 3, 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atCrash = (await fake.log()).length;
    const tCrash = Date.now();
    expect(atCrash).toBeLessThan(PARTICIPANTS);

    const second = startWorker();
    await until('the broadcast to finish', async () => (await db.models.Broadcast.findById(b.id).select('status').lean())?.status === 'done', 150_000);
    // Stopped before the paid case: a worker without its paid settings would take that broadcast's jobs.
    second.kill('SIGKILL');
    await new Promise((r) => second.once('exit', r));

    const log = await fake.log();
    const perRecipient = new Map<string, number>();
    for (const m of log) perRecipient.set(m.recipient ?? '', (perRecipient.get(m.recipient ?? '') ?? 0) + 1);
    const missing = docs.filter((d) => !perRecipient.has(d.userId)).length;
    const duplicates = log.length - perRecipient.size;
    console.log(
      `crash test: ${atCrash} sent before SIGKILL after ${tCrash - t0} ms, finished ${Date.now() - tCrash} ms after restart; ` +
        `${log.length} platform messages, ${duplicates} duplicates, ${missing} missing`,
    );
    expect(missing).toBe(0);
    expect(log.filter((m) => m.token !== PAGE_TOKEN)).toEqual([]);
    // The one unavoidable window: accepted by the platform, not yet recorded by us.
    expect(duplicates).toBeLessThanOrEqual(IN_FLIGHT_PER_CRASH);
    const report = await h.outreach.broadcasts.report(b.id);
    expect(report.total).toBe(PARTICIPANTS);
    expect(report.byStatus.sent).toBe(PARTICIPANTS);
  }, 300_000);
});

describe('a worker killed in the middle of a paid broadcast (Messenger marketing messages)', () => {
  it('never sends a paid message twice: what was in flight at the crash is counted as sent (unconfirmed), the rest completes', async () => {
    // 300 members: enough batches to crash in the middle; few enough to finish on a loaded 2-core machine.
    const MEMBERS = 300;
    const now = new Date();
    const threeDaysAgo = new Date(now.getTime() - 72 * 3600_000);
    const docs = Array.from({ length: MEMBERS }, (_, i) => ({
      _id: new Types.ObjectId(),
      bot: 'demo',
      channel: 'messenger',
      userId: `paid-${i}`,
      groupId: null,
      locale: 'vi',
      unitId: 'unit-paid',
      consent: { at: now, version: '1' },
      subscribed: true,
      unreachable: null,
      lastInboundAt: threeDaysAgo,
      optIn: { ...blankOptIn(), status: 'active', title: 'T', token: `tok-paid-${i}`, requestedAt: threeDaysAgo, optedInAt: threeDaysAgo },
      oaFollower: null,
      eventSignups: [],
      state: {},
    }));
    await db.models.Participant.collection.insertMany(docs);
    for (const d of docs) fake.setToken(d.optIn.token, { psid: d.userId });
    fake.clear();

    const { send } = recordingSend();
    const h = await makeOutreach(db, send, new Date());
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Câu hỏi hôm nay' }, audience: { units: ['unit-paid'] }, sendAt: 'now' }, 'organiser');
    expect(b.audienceSize).toBe(MEMBERS);

    const paid = { WORKER_PAID: '1' };
    const first = startWorker(paid);
    const calls = () => fake.log('messenger').filter((c) => c.kind === 'marketing');
    await until('a third of the paid messages', async () => calls().length >= MEMBERS / 3, 150_000).catch((e: Error) => {
      throw new Error(`${e.message} (${calls().length} paid messages, ${fake.log('messenger').length} calls)`);
    });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atCrash = calls().length;
    expect(atCrash).toBeLessThan(MEMBERS);

    startWorker(paid);
    await until('the broadcast to finish', async () => (await db.models.Broadcast.findById(b.id).select('status').lean())?.status === 'done', 150_000);

    const perToken = new Map<string, number>();
    for (const c of calls()) {
      const token = (c.body as { messenger_delivery_data: { subscription_token: string } }).messenger_delivery_data.subscription_token;
      perToken.set(token, (perToken.get(token) ?? 0) + 1);
    }
    const report = await h.outreach.broadcasts.report(b.id);
    console.log(
      `paid crash test: ${atCrash} paid messages before SIGKILL, ${calls().length} in all, ${report.unconfirmed} unconfirmed`,
      report.byStatus,
      report.byReason,
    );
    // At most once: no member was charged twice, and Meta's 12-hour rule was never hit.
    expect([...perToken.values()].filter((n) => n > 1)).toEqual([]);
    expect(calls().filter((c) => c.result === '2300035')).toEqual([]);
    expect(calls().every((c) => c.token === 'Bearer crash-system-token')).toBe(true);
    // Every member is accounted for: sent, or sent-unconfirmed for the few in flight at the crash.
    expect(report.byStatus.sent).toBe(MEMBERS);
    expect(report.byPath).toEqual({ optin: expect.objectContaining({ sent: MEMBERS }) });
    expect(report.unconfirmed).toBeLessThanOrEqual(IN_FLIGHT_PER_CRASH);
    expect(MEMBERS - perToken.size).toBeLessThanOrEqual(report.unconfirmed);
  }, 330_000);
});
