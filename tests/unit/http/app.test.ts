import { Writable } from 'node:stream';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/index.js';
import type { ReadinessCheck } from '../../../src/domain/index.js';
import { createApp } from '../../../src/http/app.js';
import { HttpError } from '../../../src/http/errors.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { listen } from '../../../src/http/server.js';
import { createLogger, redactUrl } from '../../../src/log/index.js';

function capture(level: 'info' | 'warn' = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ log: { level, format: 'json' } }, stream) };
}

async function withApp(readiness: ReadinessCheck[], fn: (url: string, lines: string[]) => Promise<void>, production = false, level: 'info' | 'warn' = 'info') {
  const { lines, logger } = capture(level);
  const router = express.Router();
  router.get('/boom', () => {
    throw new Error('secret internals');
  });
  router.get('/teapot', () => {
    throw new HttpError(418, 'I am a teapot', 'teapot');
  });
  router.get('/logs', (req, res) => {
    req.log.info({ step: 'inside' }, 'handler line');
    res.send('ok');
  });
  router.get('/warns', (req, res) => {
    req.log.warn('handler warning');
    req.log.warn('second warning');
    res.send('ok');
  });
  router.post('/json', express.json(), (req, res) => {
    res.json(req.body);
  });
  const app = createApp({
    config: testConfig(production ? { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), MONGODB_URI: 'mongodb://db.example:27017' } : {}),
    logger,
    metrics: createMetrics(),
    readiness,
    routes: [{ path: '/t', router }],
    // Details for callers who send `X-Test-Admin: yes` (the runtime asks the admin service).
    mayReadDetails: async (req) => req.headers['x-test-admin'] === 'yes',
  });
  const server = await listen(app, '127.0.0.1', 0);
  try {
    await fn(server.url, lines);
  } finally {
    await server.close(1000);
  }
}

const up: ReadinessCheck = { name: 'database', check: async () => ({ ok: true, detail: 'embedded' }) };
const ADMIN = { 'X-Test-Admin': 'yes' };
const down: ReadinessCheck = { name: 'scheduler', check: async () => ({ ok: false, detail: 'agenda not running' }) };

describe('health, readiness and errors', () => {
  it('/healthz answers 200 while the process is alive', async () => {
    await withApp([down], async (url) => {
      const res = await fetch(`${url}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    });
  });

  it('/readyz answers 200 when every check passes, with the checks for an admin', async () => {
    await withApp([up], async (url) => {
      const res = await fetch(`${url}/readyz`, { headers: ADMIN });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ready', checks: [{ name: 'database', ok: true, detail: 'embedded' }] });
    });
  });

  it('/readyz shows anyone else the bare status, never the checks or the database’s address', async () => {
    const failing: ReadinessCheck = { name: 'database', check: async () => ({ ok: false, detail: 'mongodb://10.0.0.5:27017 unreachable' }) };
    await withApp([up], async (url) => {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready' });
    });
    await withApp([failing], async (url) => {
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('{"status":"not_ready"}');
    });
  });

  it('/readyz answers 503 with the reason when a check fails or throws', async () => {
    const throws: ReadinessCheck = { name: 'database', check: async () => Promise.reject(new Error('connection refused')) };
    await withApp([throws, down], async (url) => {
      const res = await fetch(`${url}/readyz`, { headers: ADMIN });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { reason: string };
      expect(body.reason).toContain('database: connection refused');
      expect(body.reason).toContain('scheduler: agenda not running');
    });
  });

  it('unknown routes get a JSON 404', async () => {
    await withApp([up], async (url) => {
      const res = await fetch(`${url}/nowhere`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /nowhere' } });
    });
  });

  it('malformed JSON is a 400 with a message', async () => {
    await withApp([up], async (url) => {
      const res = await fetch(`${url}/t/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { message: 'Malformed JSON body' } });
    });
  });

  it('HttpError keeps its status and code', async () => {
    await withApp([up], async (url) => {
      const res = await fetch(`${url}/t/teapot`);
      expect(res.status).toBe(418);
      expect(await res.json()).toEqual({ error: { code: 'teapot', message: 'I am a teapot' } });
    });
  });

  it('a crash is a 500 without a stack trace in production', async () => {
    await withApp(
      [up],
      async (url) => {
        const res = await fetch(`${url}/t/boom`);
        expect(res.status).toBe(500);
        const text = await res.text();
        expect(text).not.toContain('secret internals');
        expect(text).not.toContain('stack');
      },
      true,
    );
  });

  it('every request gets an id that appears in its log line and response header', async () => {
    await withApp([up], async (url, lines) => {
      const res = await fetch(`${url}/readyz`, { headers: { 'x-request-id': 'req-123' } });
      expect(res.headers.get('x-request-id')).toBe('req-123');
      const generated = (await fetch(`${url}/readyz`)).headers.get('x-request-id');
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines.some((l) => JSON.parse(l).req?.id === 'req-123')).toBe(true);
    });
  });

  it("a handler's own log lines carry the request id, method and URL without secrets", async () => {
    await withApp([up], async (url, lines) => {
      await fetch(`${url}/t/logs?access_token=TOPSECRET`, { headers: { 'x-request-id': 'req-456' } });
      const line = lines.map((l) => JSON.parse(l) as { msg: string; req?: { id: string; method: string; url: string } }).find((l) => l.msg === 'handler line');
      expect(line?.req).toEqual({ id: 'req-456', method: 'GET', url: '/t/logs?access_token=[Redacted]' });
    });
  });

  it("above level info there are no request lines, yet a handler's warnings and a crash still carry the request id and full URL", async () => {
    await withApp(
      [up],
      async (url, lines) => {
        await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'req-quiet' } });
        const res = await fetch(`${url}/t/warns?access_token=TOPSECRET`, { headers: { 'x-request-id': 'req-789' } });
        expect(res.headers.get('x-request-id')).toBe('req-789');
        expect((await fetch(`${url}/t/boom`, { headers: { 'x-request-id': 'req-500' } })).status).toBe(500);
        const parsed = lines.map((l) => JSON.parse(l) as { msg: string; level: number; req?: { id: string; method: string; url: string } });
        expect(parsed.filter((l) => l.msg === 'request completed')).toEqual([]);
        const warnings = parsed.filter((l) => /warning/.test(l.msg));
        expect(warnings.map((l) => l.req)).toEqual([
          { id: 'req-789', method: 'GET', url: '/t/warns?access_token=[Redacted]' },
          { id: 'req-789', method: 'GET', url: '/t/warns?access_token=[Redacted]' },
        ]);
        expect(parsed.find((l) => l.msg === 'request failed')?.req).toEqual({ id: 'req-500', method: 'GET', url: '/t/boom' });
        expect(lines.join('\n')).not.toContain('TOPSECRET');
      },
      false,
      'warn',
    );
  });

  it('a quiet server writes no request lines but still answers with a request id', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const router = express.Router();
    router.get('/logs', (req, res) => void (req.log.info('handler line'), res.send('ok')));
    const app = createApp({
      config: testConfig(),
      logger: createLogger({ log: { level: 'silent', format: 'json' } }, stream),
      metrics: createMetrics(),
      readiness: [],
      routes: [{ path: '/t', router }],
    });
    const server = await listen(app, '127.0.0.1', 0);
    try {
      const res = await fetch(`${server.url}/t/logs`);
      expect(await res.text()).toBe('ok');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines).toEqual([]);
    } finally {
      await server.close(1000);
    }
  });

  it('access tokens, authorization headers and cookies never reach the logs', async () => {
    await withApp([up], async (url, lines) => {
      await fetch(`${url}/readyz?access_token=TOPSECRET&x=1`, { headers: { authorization: 'Bearer TOPSECRET', cookie: 'sid=TOPSECRET' } });
      expect(lines.join('\n')).not.toContain('TOPSECRET');
    });
    expect(redactUrl('/x?access_token=abc&y=2')).toBe('/x?access_token=[Redacted]&y=2');
  });

  it('/metrics reports request counts by route and status', async () => {
    await withApp([up], async (url) => {
      await fetch(`${url}/readyz`);
      await fetch(`${url}/nowhere`);
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/readyz",status="200"\} 1/);
      expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
      expect(text).toContain('http_request_duration_seconds_bucket');
    });
  });
});

describe('graceful close', () => {
  it('lets a slow request in flight finish, then stops accepting', async () => {
    const app = express();
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.send('done'), 400);
    });
    const server = await listen(app, '127.0.0.1', 0);
    const pending = fetch(`${server.url}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    const closing = server.close(5000);
    expect(await pending).toBe('done');
    await closing;
    await expect(fetch(`${server.url}/slow`)).rejects.toThrow();
  });
});
