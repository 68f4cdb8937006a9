import express, { Router } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { createApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { createAdminWeb } from '../../../src/http/pages/index.js';
import { listen } from '../../../src/http/server.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

const PASSWORD = 'a-long-password-1';
let db: TestDb;
const servers: Awaited<ReturnType<typeof listen>>[] = [];
/** Messages the fake web channel received, as `bot:userId`. */
const posted: string[] = [];

/** The admin web with a stand-in for the web channel's API, as a server of one kind. */
/** Names of the two bots, as the runtime gives them from bots/*.yaml . */
const BOT_INFO = [
  { id: 'demo', name: { vi: 'Bot trình diễn', en: 'Demo bot' }, units: 'demo', topics: [], topicTags: {} },
  { id: 'other', name: { vi: 'Bot khác', en: 'Other bot' }, units: 'demo', topics: [], topicTags: {} },
];

async function serve(options: { simulatorEnabled: boolean; isProduction: boolean }): Promise<string> {
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  const simulatorApi = Router()
    .use(express.json())
    .get('/messages', (_req, res) => {
      res.json([]);
    })
    .post('/messages', (req, res) => {
      const { bot, userId } = req.body as { bot: string; userId: string };
      posted.push(`${bot}:${userId}`);
      res.status(202).json({ ok: true });
    });
  const routes = createAdminWeb({
    admin,
    contentDir: 'content',
    loginMaxPer15Min: 50,
    bots: () => ['demo', 'other'],
    botInfo: () => BOT_INFO,
    simulatorApi,
    ...options,
  });
  const server = await listen(
    createApp({ config: db.config(), logger: pino({ level: 'silent' }), metrics: createMetrics(), readiness: [], routes }),
    '127.0.0.1',
    0,
  );
  servers.push(server);
  return server.url;
}

beforeAll(async () => {
  db = await openTestDb('simacc');
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  await admin.createUser({ email: 'a@example.org', role: 'admin', password: PASSWORD });
  await admin.createUser({ email: 'o@example.org', role: 'organiser', bots: ['demo'], password: PASSWORD });
});

afterAll(async () => {
  for (const s of servers) await s.close(1000);
  await db?.close();
});

async function login(url: string, email: string): Promise<Record<string, string>> {
  const r = await fetch(`${url}/admin/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(r.status).toBe(200);
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, 'X-CSRF-Token': csrfToken };
}

const say = (url: string, bot: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/simulator/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ bot, userId: 'sim-1', text: 'xin chào' }),
  });

describe('simulator access', () => {
  it('with SIMULATOR_ENABLED off (the production default) nobody may use it, admins included', async () => {
    const url = await serve({ simulatorEnabled: false, isProduction: true });
    const boss = await login(url, 'a@example.org');
    expect((await fetch(`${url}/simulator`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${url}/simulator`, { headers: boss })).status).toBe(404);
    expect((await say(url, 'demo', boss)).status).toBe(404);
  });

  it('enabled in production: anonymous visitors must log in; an organiser drives only their own bots', async () => {
    const url = await serve({ simulatorEnabled: true, isProduction: true });
    const page = await fetch(`${url}/simulator`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/admin/login');
    expect((await say(url, 'demo')).status).toBe(401);
    expect((await fetch(`${url}/simulator/api/messages?bot=demo&userId=x`)).status).toBe(401);

    const organiser = await login(url, 'o@example.org');
    posted.length = 0;
    const foreign = await say(url, 'other', organiser);
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toBe('No access to bot "other"');
    expect((await fetch(`${url}/simulator/api/messages?bot=other&userId=x`, { headers: organiser })).status).toBe(403);
    expect((await say(url, 'demo', organiser)).status).toBe(202);
    expect(await (await fetch(`${url}/simulator/bots`, { headers: organiser })).json()).toMatchObject({
      bots: ['demo'],
      botInfo: [{ id: 'demo', name: { vi: 'Bot trình diễn', en: 'Demo bot' }, units: 'demo' }],
    });

    const boss = await login(url, 'a@example.org');
    expect((await say(url, 'other', boss)).status).toBe(202);
    expect(posted).toEqual(['demo:sim-1', 'other:sim-1']);
  });

  it('enabled outside production (a developer’s machine, the demo): anonymous visitors may use it too', async () => {
    const url = await serve({ simulatorEnabled: true, isProduction: false });
    expect((await fetch(`${url}/simulator`)).status).toBe(200);
    expect((await say(url, 'other')).status).toBe(202);
    const organiser = await login(url, 'o@example.org');
    expect((await say(url, 'other', organiser)).status).toBe(403);
  });
});
