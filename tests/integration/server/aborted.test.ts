import http from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/log/index.js';
import { createAdminService } from '../../../src/admin/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
let rt: Runtime;
let token: string;
const lines: Array<{ level: number; msg: string }> = [];

beforeAll(async () => {
  db = await openTestDb('aborted');
  token = (await createAdminService(db.models, { sessionSecret: undefined }).createToken({ name: 'a', role: 'admin' })).token;
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as { level: number; msg: string });
      cb();
    },
  });
  const config = db.config({
    HOST: '127.0.0.1',
    PORT: '0',
    SCHEDULER_ENABLED: 'false',
    CONTENT_SYNC_ON_START: 'false',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
  });
  const quiet = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  rt = await startRuntime(config, { logger: createLogger(config, stream) });
  quiet.mockRestore();
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
});

/** Starts a POST that announces more than it sends, then goes away mid-body. */
function abortMidBody(path: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const url = new URL(path, rt.url);
    const req = http.request(url, { method: 'POST', headers: { 'Content-Length': '500000', ...headers } });
    req.on('error', () => resolve());
    req.write('x'.repeat(20_000));
    setTimeout(() => {
      req.destroy();
      setTimeout(resolve, 300);
    }, 100);
  });
}

describe('aborted uploads', () => {
  it('a client that goes away mid-body is logged at debug, not as an error', async () => {
    lines.length = 0;
    for (let i = 0; i < 3; i++) {
      await abortMidBody('/webhooks/messenger/demo', { 'Content-Type': 'application/json' });
      await abortMidBody('/api/v1/questions/import', { 'Content-Type': 'text/csv', Authorization: `Bearer ${token}` });
    }
    const loud = lines.filter((l) => l.level >= 40);
    expect(loud.map((l) => l.msg)).toEqual([]);
    expect(lines.filter((l) => l.level === 20 && /aborted by the client/.test(l.msg)).length).toBeGreaterThanOrEqual(3);
    // The server is fine.
    expect((await fetch(`${rt.url}/healthz`)).status).toBe(200);
  });
});
