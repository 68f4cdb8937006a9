import { Router } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { createApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { createAdminWeb } from '../../../src/http/pages/index.js';
import { listen } from '../../../src/http/server.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  db = await openTestDb('simacc');
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  await admin.createUser({ email: 'a@example.org', role: 'admin', password: 'a-long-password-1' });
  const simulatorApi = Router().get('/messages', (_req, res) => {
    res.json([]);
  });
  const routes = createAdminWeb({
    admin,
    isProduction: false,
    contentDir: 'content',
    loginMaxPer15Min: 10,
    simulatorEnabled: false,
    bots: () => ['demo'],
    simulatorApi,
  });
  const config = db.config();
  server = await listen(createApp({ config, logger: pino({ level: 'silent' }), metrics: createMetrics(), readiness: [], routes }), '127.0.0.1', 0);
});

afterAll(async () => {
  await server?.close(1000);
  await db?.close();
});

describe('simulator access when SIMULATOR_ENABLED is off', () => {
  it('sends anonymous visitors to the login page and refuses its API', async () => {
    const page = await fetch(`${server.url}/simulator`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/admin/login');
    expect((await fetch(`${server.url}/simulator/api/messages?bot=demo&userId=x`)).status).toBe(401);
  });

  it('lets a logged-in admin in', async () => {
    const login = await fetch(`${server.url}/admin/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'a@example.org', password: 'a-long-password-1' }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${server.url}/simulator`, { headers: { cookie } })).status).toBe(200);
    const api = await fetch(`${server.url}/simulator/api/messages?bot=demo&userId=x`, { headers: { cookie } });
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual([]);
  });
});
