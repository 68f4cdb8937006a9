import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
let rt: Runtime;
const PASSWORD = 'ba con mèo trắng nhảy qua hàng rào';

beforeAll(async () => {
  db = await openTestDb('adminsec');
  const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  rt = await startRuntime(
    db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', ADMIN_LOGIN_MAX_PER_15_MIN: '3', CONTENT_SYNC_ON_START: 'false' }),
  );
  spy.mockRestore();
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  await admin.createUser({ email: 'boss@example.org', role: 'admin', password: PASSWORD });
  await admin.createUser({ email: 'scheduler@example.org', role: 'admin', password: PASSWORD });
  await admin.createUser({ email: 'organiser@example.org', role: 'organiser', bots: ['demo'], password: PASSWORD });
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${rt.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function login(email: string, password = PASSWORD): Promise<{ cookie: string; csrf: string }> {
  const r = await post('/admin/login', { email, password });
  expect(r.status).toBe(200);
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}
const sessionStatus = async (cookie: string) => (await fetch(`${rt.url}/admin/session`, { headers: { cookie } })).status;

describe('password changes', () => {
  it('a new password gives the caller a new session id and ends the user’s other sessions', async () => {
    await createAdminService(db.models, { sessionSecret: undefined }).createUser({ email: 'changer@example.org', role: 'admin', password: PASSWORD });
    const here = await login('changer@example.org');
    const elsewhere = await login('changer@example.org');
    const next = 'chiều thứ bảy đi câu cá ở hồ tây';
    const change = await post('/admin/password', { currentPassword: PASSWORD, newPassword: next }, { cookie: here.cookie, 'X-CSRF-Token': here.csrf });
    expect(change.status).toBe(200);
    const rotated = change.headers.get('set-cookie')!.split(';')[0]!;
    expect(rotated).not.toBe(here.cookie);
    expect(((await change.json()) as { csrfToken: string }).csrfToken).not.toBe(here.csrf);
    expect(await sessionStatus(here.cookie)).toBe(401);
    expect(await sessionStatus(elsewhere.cookie)).toBe(401);
    expect(await sessionStatus(rotated)).toBe(200);
  });

  it('a guessable password such as 1234567890 is refused with the reason, as a code the page can say in vi or en', async () => {
    const me = await login('boss@example.org');
    const r = await post('/admin/password', { currentPassword: PASSWORD, newPassword: '1234567890' }, { cookie: me.cookie, 'X-CSRF-Token': me.csrf });
    expect(r.status).toBe(400);
    const { error } = (await r.json()) as { error: { code: string; message: string; details: { problems: string[] } } };
    expect(error.code).toBe('password_weak');
    expect(error.message).toMatch(/Mật khẩu quá dễ đoán/);
    expect(error.details.problems).toContain('warnings.topHundred');
    // The password did not change.
    expect(await sessionStatus(me.cookie)).toBe(200);
    await expect(
      createAdminService(db.models, { sessionSecret: undefined }).createUser({ email: 'weak@example.org', role: 'admin', password: 'matkhau2026' }),
    ).rejects.toMatchObject({
      code: 'password_weak',
    });
  });
});

describe('Agendash writes', () => {
  const requeue = (headers: Record<string, string>) => post('/admin/jobs/api/jobs/requeue', { jobIds: [] }, headers);

  it('work from a page of this host without the CSRF header (Agendash cannot send it)', async () => {
    const me = await login('scheduler@example.org');
    const r = await requeue({ cookie: me.cookie, Origin: rt.url });
    expect(r.status).not.toBe(403);
    expect(r.status).toBeLessThan(500);
    const byReferer = await requeue({ cookie: me.cookie, Referer: `${rt.url}/admin/jobs/` });
    expect(byReferer.status).toBeLessThan(500);
    expect(byReferer.status).not.toBe(403);
  });

  it('are refused with 403 from another site, from Origin: null or with no origin at all, and 401 without a session', async () => {
    const me = await login('scheduler@example.org');
    const cases: Record<string, string>[] = [{ Origin: 'null' }, { Origin: 'https://evil.example' }, { Origin: 'not a url' }, {}];
    for (const headers of cases) {
      const r = await requeue({ cookie: me.cookie, ...headers });
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('csrf');
    }
    expect((await requeue({ Origin: rt.url })).status).toBe(401);
    const organiser = await login('organiser@example.org');
    expect((await requeue({ cookie: organiser.cookie, Origin: rt.url })).status).toBe(403);
  });
});

describe('readiness', () => {
  it('/readyz shows the checks (the database’s address) to admins only', async () => {
    expect(await (await fetch(`${rt.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const organiser = await login('organiser@example.org');
    expect(await (await fetch(`${rt.url}/readyz`, { headers: { cookie: organiser.cookie } })).json()).toEqual({ status: 'ready' });
    const me = await login('scheduler@example.org');
    const detailed = (await (await fetch(`${rt.url}/readyz`, { headers: { cookie: me.cookie } })).json()) as { checks: { name: string; detail?: string }[] };
    expect(detailed.checks.find((c) => c.name === 'database')?.detail).toMatch(/mongodb:\/\//);
  });
});

// Last: the failed logins here make every later login in this file wait.
describe('client addresses', () => {
  it('without TRUST_PROXY a forged X-Forwarded-For does not dodge the login limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await post('/admin/login', { email: 'boss@example.org', password: `wrong-password-${i}` }, { 'X-Forwarded-For': `203.0.113.${i + 1}` });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
