import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
let rt: Runtime;
let printed = '';

beforeAll(async () => {
  db = await openTestDb('admin');
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed += args.join(' ') + '\n';
  });
  rt = await startRuntime(
    db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', ADMIN_LOGIN_MAX_PER_15_MIN: '3', CONTENT_SYNC_ON_START: 'false' }),
  );
  spy.mockRestore();
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${rt.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('admin login', () => {
  it('the first start creates admin@localhost, prints a one-time password that must be changed at first login', async () => {
    const password = /password: (\S+)/.exec(printed)?.[1];
    expect(password).toBeDefined();
    expect(await db.models.AdminUser.countDocuments()).toBe(1);
    const stored = await db.models.AdminUser.findOne({ email: 'admin@localhost' }).lean();
    expect(stored?.passwordHash).not.toContain(password!);

    const login = await post('/admin/login', { email: 'admin@localhost', password });
    expect(login.status).toBe(200);
    const { mustChangePassword, csrfToken } = (await login.json()) as { mustChangePassword: boolean; csrfToken: string };
    expect(mustChangePassword).toBe(true);
    const oldCookie = login.headers.get('set-cookie')!.split(';')[0]!;
    // Until the password is changed, the API refuses the session.
    expect((await fetch(`${rt.url}/api/v1/stats/overview`, { headers: { cookie: oldCookie } })).status).toBe(403);
    expect((await fetch(`${rt.url}/admin`, { headers: { cookie: oldCookie }, redirect: 'manual' })).headers.get('location')).toBe('/admin/login?change=1');

    const change = await post(
      '/admin/password',
      { currentPassword: password, newPassword: 'my-new-password-42' },
      { cookie: oldCookie, 'X-CSRF-Token': csrfToken },
    );
    expect(change.status).toBe(200);
    // The change ends the session it was made in and opens a new one.
    const cookie = change.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).not.toBe(oldCookie);
    expect((await fetch(`${rt.url}/api/v1/stats/overview`, { headers: { cookie } })).status).toBe(200);
    const page = await fetch(`${rt.url}/admin`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('chart-series');
    // The scheduler dashboard (Agendash) is for logged-in admins only.
    expect((await fetch(`${rt.url}/admin/jobs/`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${rt.url}/admin/jobs/`, { redirect: 'manual' })).status).toBe(302);
  });

  it('the admin page sends an anonymous visitor to the login page', async () => {
    const r = await fetch(`${rt.url}/admin`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/admin/login');
  });

  it('after too many failed logins, even the right password waits (429)', async () => {
    for (let i = 0; i < 3; i++) expect((await post('/admin/login', { email: 'admin@localhost', password: `wrong-${i}-xxxxxxxx` })).status).toBe(401);
    expect((await post('/admin/login', { email: 'admin@localhost', password: 'my-new-password-42' })).status).toBe(429);
  });

  it('serves Chart.js from the server itself', async () => {
    const r = await fetch(`${rt.url}/admin/vendor/chart.umd.js`);
    expect(r.status).toBe(200);
    expect((await r.text()).length).toBeGreaterThan(100_000);
  });
});
