import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { startFakePlatform, type FakePlatform } from '../../../scripts/fake-platform.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv } from '../../fixtures/channels/bots.js';
import { waitFor } from '../../fixtures/channels/harness.js';
import { addParticipants } from './harness.js';

// The attack that found it: a broadcast for one provincial bot, due months ahead, renamed with
// `PATCH {title}`, went out at once to every bot's members. These tests keep that from returning.

let db: TestDb;
let fake: FakePlatform;
let rt: Runtime;
let token: string;
let organiserToken: string;
let botsDir: string;

/**
 * The shipped bots without their own quiet hours (21:00–07:00), so the control broadcast below is
 * sent at once whatever the hour the test runs at (QUIET_HOURS is off for the test).
 */
function botsWithoutQuietHours(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-bpatch-bots-'));
  for (const file of fs.readdirSync('bots')) {
    fs.writeFileSync(path.join(dir, file), fs.readFileSync(path.join('bots', file), 'utf8').replace(/^quietHours:.*$/m, ''));
  }
  return dir;
}

const later = DateTime.now().setZone('Asia/Ho_Chi_Minh').plus({ days: 90 }).set({ hour: 8, minute: 0, second: 0, millisecond: 0 });
const laterLocal = later.toFormat("yyyy-MM-dd'T'HH:mm");

beforeAll(async () => {
  db = await openTestDb('bpatch');
  fake = await startFakePlatform();
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  token = (await admin.createToken({ name: 'a', role: 'admin' })).token;
  organiserToken = (await admin.createToken({ name: 'o', role: 'organiser', bots: ['demo'] })).token;
  // Demo members on Messenger, inside the 24-hour window: anything sent to them reaches the fake platform.
  await addParticipants(db.models, 3, { channel: 'messenger' }, 'patch-demo-');
  botsDir = botsWithoutQuietHours();
  rt = await startRuntime(
    db.config({
      HOST: '127.0.0.1',
      PORT: '0',
      CONTENT_SYNC_ON_START: 'false',
      QUIET_HOURS: '00:00-00:00',
      BOTS_DIR: botsDir,
      ...channelEnv('demo', { graph: fake.url, zaloApi: fake.url, zaloOauth: fake.url }),
    }),
  );
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await fake?.close();
  await db?.close();
  if (botsDir) fs.rmSync(botsDir, { recursive: true, force: true });
});

const call = async (method: string, path: string, body?: unknown, bearer = token) => {
  const res = await fetch(`${rt.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

interface View {
  id: string;
  status: string;
  title: string;
  sendAt: string;
  audience: { bots: string[]; channels: string[]; units: string[] };
  text: { vi: string; en: string | null };
}

describe('editing a scheduled broadcast changes only what the edit names', () => {
  it('a one-field PATCH through the API keeps the audience and the time, and nothing is sent', async () => {
    const created = await call('POST', '/broadcasts', {
      title: 'Thi Quảng Trị',
      text: { vi: 'Cuộc thi sắp mở', en: 'The contest opens soon' },
      audience: { bots: ['quang-tri-cdvc'], channels: ['messenger'] },
      sendAt: laterLocal,
    });
    expect(created.status).toBe(200);
    const before = created.body as unknown as View;

    const renamed = await call('PATCH', `/broadcasts/${before.id}`, { title: 'Thi Quảng Trị (đổi tên)' });
    expect(renamed.status).toBe(200);
    const after = renamed.body as unknown as View;
    expect(after).toMatchObject({ status: 'scheduled', title: 'Thi Quảng Trị (đổi tên)', sendAt: later.toUTC().toISO({ suppressMilliseconds: false }) });
    expect(after.audience).toEqual(before.audience);
    expect(after.text).toEqual({ vi: 'Cuộc thi sắp mở', en: 'The contest opens soon' });

    // The job stays where it was.
    const jobs = await db.connection.collection('agendaJobs').find({ name: 'broadcast', 'data.broadcastId': before.id }).toArray();
    expect(jobs.map((j) => new Date(j.nextRunAt as Date).toISOString())).toEqual([later.toUTC().toISO()]);

    // A control broadcast sent now reaches the demo members through the fake platform; the edited
    // one, had it been turned into "now" again, would have gone first.
    const now = await call('POST', '/broadcasts', { text: { vi: 'Gửi ngay cho demo' }, audience: { bots: ['demo'] }, eventUpdate: true });
    expect(now.status).toBe(200);
    await waitFor(async () => (await call('GET', `/broadcasts/${String(now.body.id)}`)).body.status === 'done', 30_000, 'the control broadcast');
    const texts = fake
      .log('messenger')
      .filter((c) => c.kind === 'message')
      .map((c) => JSON.stringify(c.body));
    expect(texts.filter((t) => t.includes('Gửi ngay cho demo'))).toHaveLength(3);
    expect(texts.filter((t) => t.includes('Cuộc thi sắp mở'))).toHaveLength(0);
    expect(await db.models.Delivery.countDocuments({ broadcastId: before.id })).toBe(0);
    expect(((await call('GET', `/broadcasts/${before.id}`)).body as unknown as View).status).toBe('scheduled');
  }, 60_000);

  it('a PATCH of one audience field merges into the stored audience and counts it again', async () => {
    const { body } = await call('POST', '/broadcasts', {
      text: { vi: 'Theo đơn vị' },
      audience: { bots: ['demo'], channels: ['messenger'] },
      sendAt: laterLocal,
    });
    // A unit that is not in the demo bot's list is refused, naming it.
    const unknown = await call('PATCH', `/broadcasts/${String(body.id)}`, { audience: { units: ['unit-b'] } });
    expect(unknown.status).toBe(400);
    const r = await call('PATCH', `/broadcasts/${String(body.id)}`, { audience: { units: ['cdcs-so-yte'] } });
    expect(r.status).toBe(200);
    expect((r.body as unknown as View).audience).toMatchObject({ bots: ['demo'], channels: ['messenger'], units: ['cdcs-so-yte'] });
    expect(r.body.audienceSize).toBe(0);
    expect((r.body as unknown as View).sendAt).toBe(body.sendAt);
  });

  it("an organiser's PATCH without bots keeps the stored bots; naming a bot they do not manage is 403", async () => {
    const { body } = await call('POST', '/broadcasts', { text: { vi: 'Của ban tổ chức' }, audience: { bots: ['demo'] }, sendAt: laterLocal }, organiserToken);
    const r = await call('PATCH', `/broadcasts/${String(body.id)}`, { audience: { channels: ['zalo_oa'] } }, organiserToken);
    expect((r.body as unknown as View).audience).toMatchObject({ bots: ['demo'], channels: ['zalo_oa'] });
    expect((await call('PATCH', `/broadcasts/${String(body.id)}`, { audience: { bots: ['quang-tri-cdvc'] } }, organiserToken)).status).toBe(403);
  });

  it('a rescheduled time is checked again, unknown fields are refused, and the text can drop its English', async () => {
    const { body } = await call('POST', '/broadcasts', { text: { vi: 'Giờ mới', en: 'New time' }, audience: { bots: ['demo'] }, sendAt: laterLocal });
    const id = String(body.id);
    expect((await call('PATCH', `/broadcasts/${id}`, { sendAt: '2020-01-01T08:00' })).status).toBe(400);
    expect((await call('PATCH', `/broadcasts/${id}`, { titel: 'typo' })).status).toBe(400);
    const moved = later.plus({ days: 1 }).toFormat("yyyy-MM-dd'T'HH:mm");
    const r = await call('PATCH', `/broadcasts/${id}`, { sendAt: moved, text: { en: null } });
    expect(r.status).toBe(200);
    expect((r.body as unknown as View).text).toEqual({ vi: 'Giờ mới', en: null });
    const jobs = await db.connection.collection('agendaJobs').find({ name: 'broadcast', 'data.broadcastId': id }).toArray();
    expect(jobs.map((j) => new Date(j.nextRunAt as Date).toISOString())).toEqual([later.plus({ days: 1 }).toUTC().toISO()]);
  });
});
