import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
let rt: Runtime;
let adminToken: string;
let organiserToken: string;

beforeAll(async () => {
  db = await openTestDb('api');
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  await admin.createUser({ email: 'boss@example.org', role: 'admin', password: 'a-long-password-1' });
  adminToken = (await admin.createToken({ name: 't', role: 'admin' })).token;
  organiserToken = (await admin.createToken({ name: 'o', role: 'organiser', bots: ['demo'] })).token;
  rt = await startRuntime(db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', CONTENT_SYNC_ON_START: 'false' }));
  const pid = new Types.ObjectId();
  const answers = await db.models.Answer.insertMany(
    [0, 1, 2].map((i) => ({
      participantId: pid,
      bot: i === 2 ? 'other' : 'demo',
      channel: 'web',
      unitId: 'u1',
      questionId: `q${i}`,
      revision: 'r',
      mode: 'daily',
      day: '2026-10-10',
      attemptId: null,
      choice: 0,
      correct: i !== 1,
      timeTakenMs: 900,
      answeredAt: new Date('2026-10-10T02:00:00Z'),
    })),
  );
  await db.models.Participant.insertMany([
    {
      // An gave the answers above (the leaderboard of their day ranks them).
      _id: pid,
      bot: 'demo',
      channel: 'web',
      userId: 'web-aaa1',
      displayName: 'Nguyễn Văn An',
      unitId: 'u1',
      consent: { at: new Date(), version: '1' },
      totals: { answered: 5, correct: 4, dailyAnswered: 5, dailyCorrect: 4 },
    },
    {
      bot: 'demo',
      channel: 'web',
      userId: 'web-bbb2',
      displayName: 'Trần Thị Bình',
      unitId: 'u2',
      consent: { at: new Date(), version: '1' },
      totals: { answered: 12, correct: 9, dailyAnswered: 3, dailyCorrect: 3, practiceAnswered: 9, practiceCorrect: 6 },
    },
    {
      bot: 'other',
      channel: 'web',
      userId: 'web-ccc3',
      displayName: 'Lê Cường',
      consent: { at: new Date(), version: '1' },
      totals: { answered: 9, correct: 9, dailyAnswered: 9, dailyCorrect: 9 },
    },
  ]);
  const { createStats } = await import('../../../src/stats/index.js');
  const stats = createStats(db.models, { timeZone: 'Asia/Ho_Chi_Minh', catchUpEveryMs: 0 });
  for (const a of answers) await stats.listener.answerRecorded(a.toObject());
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
});

const get = (path: string, token?: string) => fetch(`${rt.url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

describe('admin REST API', () => {
  it('refuses callers without a token (401) and unknown tokens (401)', async () => {
    expect((await get('/api/v1/stats/overview')).status).toBe(401);
    expect((await get('/api/v1/stats/overview', 'cds_nope')).status).toBe(401);
  });

  it('shows the overview from the rollups to an admin token', async () => {
    const r = await get('/api/v1/stats/overview?from=2026-10-01&to=2026-10-31', adminToken);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ answers: 3, correct: 2, participants: 2 });
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it("an organiser sees only their bot's figures and gets 403 for another bot", async () => {
    const r = await get('/api/v1/stats/overview?from=2026-10-01&to=2026-10-31', organiserToken);
    expect(await r.json()).toMatchObject({ answers: 2, participants: 1 });
    expect((await get('/api/v1/stats/series?bot=other', organiserToken)).status).toBe(403);
    expect((await get('/api/v1/questions/import', organiserToken)).status).toBe(404);
  });

  it("finds participants by part of their name, only in the caller's bots", async () => {
    const r = (await (await get('/api/v1/participants?q=an', organiserToken)).json()) as { total: number; items: Array<{ displayName: string }> };
    expect(r.items.map((p) => p.displayName).sort()).toEqual(['Nguyễn Văn An']);
    const all = (await (await get('/api/v1/participants?pageSize=2&page=2', adminToken)).json()) as { total: number; items: unknown[] };
    expect(all).toMatchObject({ total: 3 });
    expect(all.items).toHaveLength(1);
  });

  it("answers errors in the caller's language: Vietnamese by default and for unknown languages, English on request", async () => {
    const send = (lang?: string) =>
      fetch(`${rt.url}/api/v1/broadcasts/preview`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json', ...(lang ? { 'Accept-Language': lang } : {}) },
        body: JSON.stringify({ text: { vi: '' }, sendAt: 'tomorrow' }),
      });
    type Body = { error: { code: string; message: string; details: { fields: Array<{ field: string; message: string; rule: string }> } } };
    const vi = (await (await send()).json()) as Body;
    expect(vi.error.code).toBe('validation_failed');
    expect(vi.error.message).toBe(
      'Dữ liệu gửi lên chưa hợp lệ: text.vi: không được để trống; sendAt: phải là “now” hoặc ngày giờ dạng 2026-10-10T08:00 (giờ Việt Nam)',
    );
    expect(vi.error.details.fields.map((f) => [f.field, f.rule, f.message])).toEqual([
      ['text.vi', 'empty', 'không được để trống'],
      ['sendAt', 'send_at', 'phải là “now” hoặc ngày giờ dạng 2026-10-10T08:00 (giờ Việt Nam)'],
    ]);
    expect(((await (await send('fr-FR')).json()) as Body).error.message).toBe(vi.error.message);
    const en = (await (await send('en-US,en;q=0.8')).json()) as Body;
    expect(en.error.message).toBe(
      'The request is not valid: text.vi: must not be empty; sendAt: must be “now” or a date and time like 2026-10-10T08:00 (Vietnam time)',
    );
    const unknown = await fetch(`${rt.url}/api/v1/nothing-here`, { headers: { Authorization: `Bearer ${adminToken}` } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Body).error.message).toBe('Không có địa chỉ này.');
    const anonymous = await get('/api/v1/stats/overview');
    expect(((await anonymous.json()) as Body).error.message).toBe('Bạn cần đăng nhập (hoặc gửi một khóa API hợp lệ).');
  });

  it('bad input is a 400 naming the fields at fault', async () => {
    const r = await get('/api/v1/stats/series?from=2026-13-45&to=yesterday', adminToken);
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { details: { fields: Array<{ field: string }> } } };
    expect([...new Set(body.error.details.fields.map((f) => f.field))].sort()).toEqual(['from', 'to']);
    expect((await get('/api/v1/participants?pageSize=100000', adminToken)).status).toBe(400);
  });

  it('exports the per-question table as a real XLSX file and as CSV', async () => {
    const x = await get('/api/v1/exports/questions?format=xlsx&from=2026-10-01&to=2026-10-31', adminToken);
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as never);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(1).value).toBe('Mã câu hỏi');
    expect(ws.rowCount).toBe(4);
    const c = await get('/api/v1/exports/series?format=csv&from=2026-10-10&to=2026-10-11', adminToken);
    expect(c.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await c.arrayBuffer());
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.subarray(3).toString('utf8').trim().split('\n')).toEqual([
      'Ngày,Người tham gia,Đăng ký mới,Lượt trả lời,Số câu đúng',
      '2026-10-10,2,0,3,2',
      '2026-10-11,0,0,0,0',
    ]);
  });

  it('export headers are Vietnamese by default and English with lang=en; an unknown lang is refused', async () => {
    const en = await get('/api/v1/exports/series?format=csv&lang=en&from=2026-10-10&to=2026-10-10', adminToken);
    expect(
      Buffer.from(await en.arrayBuffer())
        .subarray(3)
        .toString('utf8')
        .trim()
        .split('\n'),
    ).toEqual(['Day,Participants,New participants,Answers,Correct', '2026-10-10,2,0,3,2']);
    // The leaderboard of the dates, as on the dashboard: An's daily answers of 10 October in each bot
    // (1 right of 1 in "other" ranks before 1 right of 2 in demo).
    const x = await get('/api/v1/exports/leaderboard?format=xlsx&lang=en&from=2026-10-10&to=2026-10-10', adminToken);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as never);
    expect(wb.worksheets[0]!.getRow(1).values).toEqual([undefined, 'Rank', 'Name', 'Bot', 'Channel', 'Unit', 'Correct', 'Answered']);
    // Names, not ids: the bot's name (bots/demo.yaml), the channel in words; a unit outside the bot's list keeps its id.
    expect(wb.worksheets[0]!.getRow(1 + 2).values).toEqual([undefined, 2, 'Nguyễn Văn An', 'Digital Transformation Demo Bot', 'Web', 'u1', 1, 2]);
    expect(wb.worksheets[0]!.getRow(1 + 1).getCell(2).value).toBe('Nguyễn Văn An');
    expect(wb.worksheets[0]!.rowCount).toBe(3);
    expect((await get('/api/v1/exports/series?lang=fr', adminToken)).status).toBe(400);
  });

  it('exported dates are shown dd/MM/yyyy HH:mm in Vietnam time, in CSV and XLSX', async () => {
    // 17:05 UTC on 14 September is 00:05 on 15 September in Vietnam.
    await db.models.Participant.updateOne({ userId: 'web-ccc3' }, { $set: { lastInboundAt: new Date('2026-09-14T17:05:00Z') } });
    const csv = await get('/api/v1/exports/participants?format=csv&bot=other', adminToken);
    const [header, row] = Buffer.from(await csv.arrayBuffer())
      .subarray(3)
      .toString('utf8')
      .trim()
      .split('\n');
    expect(header!.split(',').at(-1)).toBe('Nhắn tin gần nhất');
    expect(row!.split(',').at(-1)).toBe('15/09/2026 00:05');
    const x = await get('/api/v1/exports/participants?format=xlsx&bot=other&lang=en', adminToken);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as never);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([
      undefined,
      'Display name',
      'Bot',
      'Channel',
      'Unit',
      'Language',
      'Consented at',
      'Reminders on',
      'Answered',
      'Correct',
      'Best streak',
      'Last message at',
    ]);
    expect(ws.getRow(2).getCell(7).value).toBe('No');
    const cell = ws.getRow(2).getCell(11);
    expect(cell.numFmt).toBe('dd/mm/yyyy hh:mm');
    // Excel dates have no zone: the cell holds the Vietnam wall-clock time.
    expect((cell.value as Date).toISOString()).toBe('2026-09-15T00:05:00.000Z');
  });

  it('publishes an OpenAPI 3.1 document describing every route', async () => {
    const doc = (await (await get('/api/v1/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of [
      '/stats/overview',
      '/stats/series',
      '/participants',
      '/broadcasts',
      '/broadcasts/{id}/cancel',
      '/exports/{dataset}',
      '/contests/{id}/results',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    const params = (doc.paths['/exports/{dataset}']!.get as { parameters: Array<{ name: string; in: string }> }).parameters.map((x) => `${x.in}:${x.name}`);
    expect(params).toEqual(expect.arrayContaining(['path:dataset', 'query:format', 'query:lang', 'query:bot', 'query:from', 'query:contestId']));
    const lang = (
      doc.paths['/exports/{dataset}']!.get as { parameters: Array<{ name: string; schema: { enum?: string[]; default?: string } }> }
    ).parameters.find((x) => x.name === 'lang')!;
    expect(lang.schema).toMatchObject({ enum: ['vi', 'en'], default: 'vi' });
  });

  it('a logged-in page session must send the CSRF token to write, and may read without it', async () => {
    const login = await fetch(`${rt.url}/admin/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'boss@example.org', password: 'a-long-password-1' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const session = cookie.split(';')[0]!;
    expect((await fetch(`${rt.url}/api/v1/me`, { headers: { cookie: session } })).status).toBe(200);
    const noCsrf = await fetch(`${rt.url}/api/v1/broadcasts/preview`, {
      method: 'POST',
      headers: { cookie: session, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(noCsrf.status).toBe(403);
    const withCsrf = await fetch(`${rt.url}/api/v1/broadcasts/preview`, {
      method: 'POST',
      headers: { cookie: session, 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken },
      body: JSON.stringify({ text: {} }),
    });
    expect(withCsrf.status).toBe(400);
  });

  it('a wrong password is refused', async () => {
    const r = await fetch(`${rt.url}/admin/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'boss@example.org', password: 'wrong-password-123' }),
    });
    expect(r.status).toBe(401);
  });
});

describe('users of the admin pages', () => {
  const post = (path: string, token: string, body?: unknown) =>
    fetch(`${rt.url}/api/v1${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });
  const login = (email: string, password: string) =>
    fetch(`${rt.url}/admin/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });

  it('an admin creates an organiser with a one-time password; an organiser may not manage users', async () => {
    const missingBots = await post('/users', adminToken, { email: 'org@example.org', role: 'organiser' });
    expect(missingBots.status).toBe(400);
    expect(JSON.stringify(await missingBots.json())).toContain('người tổ chức cần được giao ít nhất một chatbot');
    expect((await post('/users', adminToken, { email: 'not-an-email', role: 'admin' })).status).toBe(400);

    const created = await post('/users', adminToken, { email: 'Org@Example.org', role: 'organiser', bots: ['demo'] });
    expect(created.status).toBe(201);
    const { id, email, password } = (await created.json()) as { id: string; email: string; password: string };
    expect(email).toBe('org@example.org');
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await post('/users', adminToken, { email: 'org@example.org', role: 'organiser', bots: ['demo'] })).status).toBe(409);

    const first = await login(email, password);
    expect(first.status).toBe(200);
    const list = (await (await get('/api/v1/users', adminToken)).json()) as {
      items: Array<{ id: string; email: string; role: string; bots: string[]; disabled: boolean; mustChangePassword: boolean }>;
    };
    expect(list.items.find((u) => u.id === id)).toMatchObject({ email, role: 'organiser', bots: ['demo'], disabled: false, mustChangePassword: true });
    expect(JSON.stringify(list)).not.toContain('passwordHash');

    expect((await get('/api/v1/users', organiserToken)).status).toBe(403);
    expect((await post('/users', organiserToken, { email: 'x@example.org', role: 'admin' })).status).toBe(403);
  });

  it('disabling a user ends their sessions and refuses their login; enabling lets them back; a reset replaces the password', async () => {
    const { id, email, password } = (await (await post('/users', adminToken, { email: 'temp@example.org', role: 'organiser', bots: ['demo'] })).json()) as {
      id: string;
      email: string;
      password: string;
    };
    const session = (await login(email, password)).headers.get('set-cookie')!.split(';')[0]!;
    // Logged in (403: the one-time password must be changed first), not unknown (401).
    expect((await fetch(`${rt.url}/api/v1/me`, { headers: { cookie: session } })).status).toBe(403);

    expect((await post(`/users/${id}/disable`, adminToken)).status).toBe(200);
    expect((await fetch(`${rt.url}/api/v1/me`, { headers: { cookie: session } })).status).toBe(401);
    expect((await login(email, password)).status).toBe(401);

    expect((await post(`/users/${id}/enable`, adminToken)).status).toBe(200);
    expect((await login(email, password)).status).toBe(200);

    const reset = (await (await post(`/users/${id}/reset-password`, adminToken)).json()) as { email: string; password: string };
    expect(reset.email).toBe(email);
    expect(reset.password).not.toBe(password);
    expect((await login(email, password)).status).toBe(401);
    expect((await login(email, reset.password)).status).toBe(200);
    expect((await post('/users/000000000000000000000000/disable', adminToken)).status).toBe(404);
  });

  it('the last enabled admin cannot be disabled, and nobody disables their own account', async () => {
    const boss = ((await (await get('/api/v1/users', adminToken)).json()) as { items: Array<{ id: string; email: string }> }).items.find(
      (u) => u.email === 'boss@example.org',
    )!;
    const refused = await post(`/users/${boss.id}/disable`, adminToken);
    expect(refused.status).toBe(409);
    // In the caller's language: Vietnamese unless Accept-Language asks for English.
    expect(await refused.json()).toMatchObject({ error: { code: 'conflict', message: 'Đây là quản trị viên cuối cùng còn hoạt động nên không khóa được.' } });
    const english = await fetch(`${rt.url}/api/v1/users/${boss.id}/disable`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminToken}`, 'Accept-Language': 'en-GB,en;q=0.9,vi;q=0.5' },
    });
    expect(await english.json()).toMatchObject({ error: { code: 'conflict', message: 'This is the last enabled admin, so it cannot be disabled.' } });
    await expect(createAdminService(db.models, { sessionSecret: undefined }).setDisabled(boss.id, true, boss.id)).rejects.toThrow(
      'You cannot disable your own account',
    );
  });
});

describe('API tokens', () => {
  const post = (path: string, token: string, body?: unknown) =>
    fetch(`${rt.url}/api/v1${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    });

  it('an admin creates a token shown once, sees it listed without its secret, and revokes it', async () => {
    expect((await post('/tokens', adminToken, { name: 'báo cáo', role: 'organiser' })).status).toBe(400);
    const created = await post('/tokens', adminToken, { name: 'báo cáo', role: 'organiser', bots: ['demo'] });
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect(token).toMatch(/^cds_/);
    expect((await get('/api/v1/stats/overview', token)).status).toBe(200);
    expect((await get('/api/v1/stats/series?bot=other', token)).status).toBe(403);

    const listed = await (await get('/api/v1/tokens', adminToken)).text();
    expect(listed).not.toContain(token);
    expect(listed).not.toContain('tokenHash');
    const item = (
      JSON.parse(listed) as {
        items: Array<{ id: string; name: string; prefix: string; role: string; bots: string[]; revoked: boolean; lastUsedAt: string | null }>;
      }
    ).items.find((k) => k.id === id);
    expect(item).toMatchObject({ name: 'báo cáo', prefix: token.slice(0, 8), role: 'organiser', bots: ['demo'], revoked: false });

    expect((await post(`/tokens/${id}/revoke`, adminToken)).status).toBe(200);
    expect((await get('/api/v1/stats/overview', token)).status).toBe(401);
    expect((await post(`/tokens/${id}/revoke`, adminToken)).status).toBe(404);
    expect((await get('/api/v1/tokens', organiserToken)).status).toBe(403);
  });
  it('GET /unanswered-questions lists what Hỏi đáp could not answer, for the caller’s bots only', async () => {
    const { recordUnanswered } = await import('../../../src/learning/index.js');
    const at = new Date('2026-12-01T02:00:00Z');
    await recordUnanswered(db.models, 'demo', 'Giá vàng hôm nay bao nhiêu?', at);
    await recordUnanswered(db.models, 'demo', 'gia vang hom nay bao nhieu?', new Date(at.getTime() + 60_000));
    await recordUnanswered(db.models, 'other', 'Câu hỏi của bot khác?', at);
    const mine = (await (await get('/api/v1/unanswered-questions', organiserToken)).json()) as { items: Array<{ bot: string; text: string; count: number }> };
    expect(mine.items).toEqual([expect.objectContaining({ bot: 'demo', text: 'gia vang hom nay bao nhieu?', count: 2 })]);
    expect((await get('/api/v1/unanswered-questions?bot=other', organiserToken)).status).toBe(403);
    const all = (await (await get('/api/v1/unanswered-questions', adminToken)).json()) as { items: unknown[] };
    expect(all.items).toHaveLength(2);
  });

  it('GET /invitations counts the joins credited to invitations per bot and unit, for the caller’s bots', async () => {
    const inviter = new Types.ObjectId();
    await db.models.InvitationJoin.collection.insertMany([
      // 01/12 00:30 and 30/11 23:30 in Viet Nam: one on each side of a local midnight that UTC puts on one day.
      { bot: 'demo', code: 'ABCD2345', inviterId: inviter, unitId: 'u1', inviteeId: new Types.ObjectId(), joinedAt: new Date('2026-11-30T17:30:00Z') },
      { bot: 'demo', code: 'ABCD2345', inviterId: inviter, unitId: 'u1', inviteeId: new Types.ObjectId(), joinedAt: new Date('2026-11-30T16:30:00Z') },
      { bot: 'other', code: 'WXYZ2345', inviterId: new Types.ObjectId(), unitId: 'u9', inviteeId: new Types.ObjectId(), joinedAt: new Date() },
    ]);
    const mine = (await (await get('/api/v1/invitations', organiserToken)).json()) as { items: unknown[] };
    expect(mine.items).toEqual([expect.objectContaining({ bot: 'demo', unitId: 'u1', joins: 2, botName: expect.any(String), unitName: expect.any(String) })]);
    const all = (await (await get('/api/v1/invitations', adminToken)).json()) as { items: unknown[] };
    expect(all.items).toHaveLength(2);
    // With the dashboard's dates, the joins of those local days only.
    const joinsOn = async (from: string, to: string) =>
      ((await (await get(`/api/v1/invitations?bot=demo&from=${from}&to=${to}`, organiserToken)).json()) as { items: Array<{ joins: number }> }).items.map(
        (i) => i.joins,
      );
    expect(await joinsOn('2026-12-01', '2026-12-01')).toEqual([1]);
    expect(await joinsOn('2026-11-30', '2026-11-30')).toEqual([1]);
    expect(await joinsOn('2026-11-30', '2026-12-01')).toEqual([2]);
    expect(await joinsOn('2026-12-02', '2026-12-03')).toEqual([]);
    expect((await get('/api/v1/invitations?from=2026-12-02&to=2026-12-01', organiserToken)).status).toBe(400);
  });
});
