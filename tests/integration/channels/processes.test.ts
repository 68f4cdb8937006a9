import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatform, type FakePlatform } from '../../../scripts/fake-platform.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv } from '../../fixtures/channels/bots.js';
import { waitFor } from '../../fixtures/channels/harness.js';

const SCRIPT = path.resolve('tests/fixtures/channels/server-process.ts');

let db: TestDb;
let fake: FakePlatform;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await openTestDb('chproc');
  fake = await startFakePlatform();
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  fake.clear();
});
afterAll(async () => {
  await fake?.close();
  await db?.close();
});

/** Starts one server process on the shared database; resolves with its URL. */
function startServer(delayMs: number): Promise<{ url: string; child: ChildProcess }> {
  const env = { ...channelEnv('demo', { graph: fake.url, zaloApi: fake.url, zaloOauth: fake.url }), INBOX_LEASE_MS: '2000', LOG_LEVEL: 'silent' };
  // Node itself with tsx's loader, so SIGKILL hits the server and not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify({ uri: db.uri, dbName: db.name, env, delayMs })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

async function webhook(target: string, userId: string, text: string, timestamp: number, mid?: string) {
  const res = await fetch(`${fake.url}/_webhook/messenger`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ target, botId: 'demo', appSecret: 'app-secret-1', userId, text, timestamp, ...(mid ? { mid } : {}) }),
  });
  return (await res.json()) as { status: number; body: string };
}

const replies = (userId: string) =>
  fake
    .log('messenger')
    .filter((c) => c.kind === 'message' && c.recipient === userId)
    .map((c) => (c.body as { message: { text: string } }).message.text);

describe('across processes on one database', () => {
  it('a server killed after answering 200 leaves the event to be processed once after restart', async () => {
    const a = await startServer(1500);
    expect((await webhook(a.url, 'k1', 'trước khi sập', Date.now(), 'm_kill_1')).status).toBe(200);
    // The handler is working on it (1.5 s) when the process dies.
    await waitFor(async () => (await db.models.InboxEvent.findOne({ key: 'messenger:demo:mid:m_kill_1' }).lean())?.attempts === 1, 10_000, 'processing');
    a.child.kill('SIGKILL');
    expect(replies('k1')).toEqual([]);
    await startServer(0);
    await waitFor(() => replies('k1').length > 0, 15_000, 'reply after restart');
    await new Promise((r) => setTimeout(r, 1500));
    expect(replies('k1')).toEqual(['echo: trước khi sập']);
    expect(await db.models.InboxEvent.findOne({ key: 'messenger:demo:mid:m_kill_1' }).lean()).toMatchObject({ status: 'done', attempts: 2 });
  }, 90_000);

  it('one participant’s messages posted alternately to two servers are answered in order, once each', async () => {
    const [a, b] = await Promise.all([startServer(30), startServer(30)]);
    const t0 = Date.now();
    const texts = Array.from({ length: 10 }, (_, i) => `tin ${i + 1}`);
    for (const [i, text] of texts.entries()) {
      const r = await webhook(i % 2 === 0 ? a.url : b.url, 'p1', text, t0 + i);
      expect(r.status).toBe(200);
    }
    await waitFor(() => replies('p1').length >= 10, 20_000, 'ten replies');
    await new Promise((r) => setTimeout(r, 500));
    expect(replies('p1')).toEqual(texts.map((t) => `echo: ${t}`));
  }, 90_000);
});
