import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signZaloBody } from '../../../src/channels/index.js';
import { startFakePlatform, type FakePlatform } from '../../../scripts/fake-platform.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv } from '../../fixtures/channels/bots.js';
import { startChannelsApp, waitFor, type ChannelsApp } from '../../fixtures/channels/harness.js';
import { bot, conversationRig, seedQuestions, type Rig } from './fixtures.js';

/** Full flows: signed platform webhooks → inbox → worker → conversation → Send API of the fake platform. */

const APP_SECRET = 'app-secret-1';
const ZALO_APP_ID = '4300000000000000001';
const ZALO_SECRET = 'zalo-secret-1';
const PAGE_ID = '104000000000001';
const OA_ID = '2500000000000000001';
const JUNE_10 = new Date('2023-06-10T01:00:00Z');

let db: TestDb;
let fake: FakePlatform;
let app: ChannelsApp;
let rig: Rig;
let seq = 0;

beforeAll(async () => {
  db = await openTestDb('convhook');
  await seedQuestions(db.models);
  fake = await startFakePlatform();
  rig = await conversationRig(db.models, JUNE_10);
  const config = db.config(channelEnv(bot.id, { graph: fake.url, zaloApi: fake.url, zaloOauth: fake.url }));
  app = await startChannelsApp({ config, models: db.models, bots: [bot], handler: rig.conversation.handler });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
  await db?.close();
});

// ---------------------------------------------------------------- Messenger

/** X-Hub-Signature-256: sha256=<HMAC-SHA256(raw body, app secret)>, built here rather than with the channel's helper. */
function hubSignature(raw: string): string {
  return `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
}

function messaging(userId: string, item: Record<string, unknown>) {
  return {
    object: 'page',
    entry: [{ id: PAGE_ID, time: Date.now(), messaging: [{ sender: { id: userId }, recipient: { id: PAGE_ID }, timestamp: Date.now(), ...item }] }],
  };
}

type MessengerCall = { message: { text: string; quick_replies?: Array<{ payload: string; title: string }> } };
const messengerSent = (userId: string) =>
  fake
    .log('messenger')
    .filter((c) => c.kind === 'message' && c.recipient === userId)
    .map((c) => (c.body as MessengerCall).message);

async function messenger(userId: string, item: Record<string, unknown>, expectText: string) {
  const before = messengerSent(userId).length;
  const raw = JSON.stringify(messaging(userId, item));
  const res = await fetch(`${app.url}/webhooks/messenger/${bot.id}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hubSignature(raw) },
    body: raw,
  });
  expect(res.status).toBe(200);
  return waitFor(
    () => {
      const fresh = messengerSent(userId).slice(before);
      return (
        fresh
          .map((m) => m.text)
          .join('\n')
          .includes(expectText) && fresh
      );
    },
    10_000,
    `Messenger reply containing “${expectText}”`,
  );
}
const mText = (text: string) => ({ message: { mid: `m_${++seq}`, text } });
const mQuick = (title: string, payload: string) => ({ message: { mid: `m_${++seq}`, text: title, quick_reply: { payload } } });
const mPostback = (payload: string, title: string) => ({ postback: { mid: `m_${++seq}`, payload, title } });

// ---------------------------------------------------------------- Zalo OA

type ZaloCall = { message: { text: string; attachment?: { payload: { buttons: Array<{ title: string; payload: string }> } } } };
const zaloSent = (userId: string) =>
  fake
    .log('zalo')
    .filter((c) => c.kind === 'message' && c.recipient === userId)
    .map((c) => (c.body as ZaloCall).message);

async function zalo(body: Record<string, unknown>, userId: string, expectText: string) {
  const before = zaloSent(userId).length;
  const raw = JSON.stringify({ app_id: ZALO_APP_ID, timestamp: String(Date.now()), ...body });
  const res = await fetch(`${app.url}/webhooks/zalo/${bot.id}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': signZaloBody(ZALO_APP_ID, raw, ZALO_SECRET) },
    body: raw,
  });
  expect(res.status).toBe(200);
  return waitFor(
    () => {
      const fresh = zaloSent(userId).slice(before);
      return (
        fresh
          .map((m) => m.text)
          .join('\n')
          .includes(expectText) && fresh
      );
    },
    10_000,
    `Zalo reply containing “${expectText}”`,
  );
}
const zText = (userId: string, text: string) => ({
  event_name: 'user_send_text',
  sender: { id: userId },
  recipient: { id: OA_ID },
  message: { text, msg_id: `z_${++seq}` },
});
const zFollow = (userId: string) => ({ event_name: 'follow', oa_id: OA_ID, follower: { id: userId }, source: 'oa_profile' });

describe('full flows through signed webhooks', () => {
  it('Messenger: Get Started → consent → unit → name → today’s question → answer → my score', async () => {
    rig.now = JUNE_10;
    const consent = await messenger('m-lan', mPostback('GET_STARTED', 'Get Started'), '13/2023/NĐ-CP');
    expect(consent.at(-1)!.quick_replies!.map((q) => q.payload)).toContain('CONSENT|yes');
    const units = await messenger('m-lan', mQuick('Đồng ý', 'CONSENT|yes'), 'Trang 1/2');
    expect(units.at(-1)!.quick_replies!.some((q) => q.payload === 'UNIT|so-yte')).toBe(true);
    await messenger('m-lan', mText('so y te'), 'tên gì trên bảng xếp hạng');
    await messenger('m-lan', mText('Lan'), 'Chào Lan');
    const question = await messenger('m-lan', mText('Câu hỏi hôm nay'), 'Câu hỏi ngày 10/06/2023');
    const buttons = question.at(-1)!.quick_replies!;
    expect(buttons.map((b) => b.title)).toEqual(['A', 'B', 'C', 'D']);
    rig.now = new Date(JUNE_10.getTime() + 60_000);
    const feedback = await messenger('m-lan', mQuick('B', buttons[1]!.payload), 'Chính xác');
    // The source in words, never the fact id.
    expect(feedback.map((m) => m.text).join('\n')).toContain('Nguồn: Quyết định 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ');
    expect(feedback.map((m) => m.text).join('\n')).not.toContain('N01');
    const score = await messenger('m-lan', mPostback('cmd:score', 'Điểm của tôi'), 'Xếp hạng chung: 1/1');
    expect(score.map((m) => m.text).join('\n')).toContain('1/1 câu đúng');
    const p = await db.models.Participant.findOne({ userId: 'm-lan' }).lean();
    expect(p).toMatchObject({ channel: 'messenger', unitId: 'so-yte', displayName: 'Lan', subscribed: true });
  });

  it('Zalo OA: follow → onboarding → a contest attempt that runs out of time', async () => {
    rig.now = JUNE_10;
    await zalo(zFollow('z-minh'), 'z-minh', '13/2023/NĐ-CP');
    await zalo(zText('z-minh', '#CONSENT|yes'), 'z-minh', 'Bạn thuộc đơn vị');
    await zalo(zText('z-minh', 'bao tinh'), 'z-minh', 'Đã ghi nhận đơn vị: CĐCS Báo tỉnh');
    await zalo(zText('z-minh', 'Minh'), 'z-minh', 'Chào Minh');
    const info = await zalo(zText('z-minh', 'du thi'), 'z-minh', 'Cách xếp hạng');
    expect(info.at(-1)!.attachment!.payload.buttons.map((b) => b.payload)).toContain('#CONTEST|begin');
    await zalo(zText('z-minh', '#CONTEST|begin'), 'z-minh', 'Câu 1/3');
    rig.now = new Date(JUNE_10.getTime() + 60_000);
    await zalo(zText('z-minh', 'B'), 'z-minh', 'Câu 2/3');
    rig.now = new Date(JUNE_10.getTime() + 6 * 60_000);
    await zalo(zText('z-minh', 'B'), 'z-minh', 'Hết giờ');
    const attempt = await db.models.ContestAttempt.findOne({ displayName: 'Minh' }).lean();
    expect(attempt).toMatchObject({ status: 'expired', answered: 1, timeTakenMs: 5 * 60_000 });
    const standing = await zalo(zText('z-minh', 'thứ hạng'), 'z-minh', 'Vòng 1');
    expect(standing.map((m) => m.text).join('\n')).toMatch(/xếp hạng 1\/1 với [01]\/3/);
  });

  it('Messenger: delete my data after confirmation; the person is a stranger afterwards', async () => {
    rig.now = new Date(JUNE_10.getTime() + 3_600_000);
    const ask = await messenger('m-lan', mText('xoa du lieu'), 'không hoàn tác được');
    expect(ask.at(-1)!.quick_replies!.map((q) => q.payload)).toEqual(['DELETE|yes', 'DELETE|no']);
    await messenger('m-lan', mQuick('Xóa dữ liệu', 'DELETE|yes'), 'Đã xóa toàn bộ dữ liệu');
    expect(await db.models.Participant.countDocuments({ userId: 'm-lan' })).toBe(0);
    expect(await db.models.Answer.countDocuments({ channel: 'messenger' })).toBe(0);
    await messenger('m-lan', mText('điểm của tôi'), '13/2023/NĐ-CP');
  });
});
