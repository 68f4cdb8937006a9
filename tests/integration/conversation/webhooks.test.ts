import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signZaloBody } from '../../../src/channels/index.js';
import { startFakePlatform, type FakePlatform } from '../../../scripts/fake-platform.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv } from '../../fixtures/channels/bots.js';
import { startChannelsApp, waitFor, type ChannelsApp } from '../../fixtures/channels/harness.js';
import { pickDaily } from '../../../src/quiz/index.js';
import express from 'express';
import { createCertificateRoutes, createMediaRoutes } from '../../../src/http/index.js';
import { certificateSvg } from '../../../src/learning/index.js';
import { createI18n } from '../../../src/i18n/index.js';
import { PUBLIC_URL, bot, contestRightLetter, conversationRig, letterFor, questions, seedQuestions, type Rig } from './fixtures.js';

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

/** A response that is a PNG picture: status, type and the file's signature. */
async function expectPng(res: Response): Promise<void> {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/png');
  expect(
    Buffer.from(await res.arrayBuffer())
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
}

/** Waits until the messages sent since a webhook include `expectText`, and returns them. */
function replyContaining<M extends { text: string }>(fresh: () => M[], expectText: string, channel: string): Promise<M[]> {
  return waitFor(
    () => {
      const sent = fresh();
      return sent
        .map((m) => m.text)
        .join('\n')
        .includes(expectText)
        ? sent
        : false;
    },
    10_000,
    `${channel} reply containing “${expectText}”`,
  );
}

async function messenger(userId: string, item: Record<string, unknown>, expectText: string) {
  const before = messengerSent(userId).length;
  const raw = JSON.stringify(messaging(userId, item));
  const res = await fetch(`${app.url}/webhooks/messenger/${bot.id}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hubSignature(raw) },
    body: raw,
  });
  expect(res.status).toBe(200);
  return replyContaining(() => messengerSent(userId).slice(before), expectText, 'Messenger');
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
  return replyContaining(() => zaloSent(userId).slice(before), expectText, 'Zalo');
}
const zText = (userId: string, text: string) => ({
  event_name: 'user_send_text',
  sender: { id: userId },
  recipient: { id: OA_ID },
  message: { text, msg_id: `z_${++seq}` },
});
const zFollow = (userId: string) => ({ event_name: 'follow', oa_id: OA_ID, follower: { id: userId }, source: 'oa_profile' });

type ZaloButton = { title: string; type: string; payload: string | { url: string } };
/** Every button the fake Zalo OA received for anyone: what members could tap. */
const zaloButtons = (): ZaloButton[] =>
  fake
    .log('zalo')
    .filter((c) => c.kind === 'message')
    .flatMap(
      (c) => ((c.body as { message: { attachment?: { payload: { buttons: ZaloButton[] } } } }).message.attachment?.payload.buttons ?? []) as ZaloButton[],
    );

/** The payload a member's tap on the button titled `title` in the last message sends back as their text. */
function tapZalo(messages: ZaloCall['message'][], title: string): string {
  const button = messages
    .flatMap((m) => (m.attachment?.payload.buttons ?? []) as ZaloButton[])
    .reverse()
    .find((b) => b.title === title || b.title.endsWith(`. ${title}`));
  if (!button || typeof button.payload !== 'string') throw new Error(`no button “${title}”`);
  return button.payload;
}

const minutes = (m: number) => new Date(JUNE_10.getTime() + m * 60_000);

describe('full flows through signed webhooks', () => {
  it('Messenger: Get Started → consent → unit → name → today’s question → answer → my score', async () => {
    rig.now = JUNE_10;
    const consent = await messenger('m-lan', mPostback('GET_STARTED', 'Get Started'), '91/2025/QH15');
    expect(consent.at(-1)!.quick_replies!.map((q) => q.payload)).toContain('CONSENT|yes');
    const units = await messenger('m-lan', mQuick('Đồng ý', 'CONSENT|yes'), 'Trang 1/2');
    expect(units.at(-1)!.quick_replies!.some((q) => q.payload === 'UNIT|so-yte')).toBe(true);
    await messenger('m-lan', mText('so y te'), 'tên gì trên bảng xếp hạng');
    await messenger('m-lan', mText('Lan'), 'Chào Lan');
    const question = await messenger('m-lan', mText('Câu hỏi hôm nay'), 'Câu hỏi ngày 10/06/2023');
    const buttons = question.at(-1)!.quick_replies!;
    expect(buttons.map((b) => b.title)).toEqual(['A', 'B', 'C', 'D']);
    rig.now = minutes(1);
    const q = pickDaily(bot.id, '2023-06-10', questions)!;
    const right = letterFor(q.questionId, q.answer, 'm-lan');
    const feedback = await messenger('m-lan', mQuick(right, buttons[right.charCodeAt(0) - 65]!.payload), 'Chính xác');
    // The source in words, never the fact id; the right answer by its letter and its text.
    expect(feedback.map((m) => m.text).join('\n')).toContain('Nguồn: Quyết định 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ');
    expect(feedback.map((m) => m.text).join('\n')).toContain(`${right}. ${q.vi.options[q.answer]}`);
    expect(feedback.map((m) => m.text).join('\n')).not.toContain('N01');
    const score = await messenger('m-lan', mPostback('cmd:score', 'Điểm của tôi'), 'Xếp hạng chung: 1/1');
    expect(score.map((m) => m.text).join('\n')).toContain('1/1 câu đúng');
    const p = await db.models.Participant.findOne({ userId: 'm-lan' }).lean();
    expect(p).toMatchObject({ channel: 'messenger', unitId: 'so-yte', displayName: 'Lan', subscribed: true });
    // The streak is stored as one object with its freezes (issue 19 item 3).
    expect(p!.streak).toMatchObject({ current: 1, lastDay: '2023-06-10', freezes: 0, frozenDays: [] });
    expect(score.map((m) => m.text).join('\n')).toContain('Lượt bảo vệ chuỗi: 0/2');
  });

  it('Messenger (case 1): “Đúng” and “Đúng rồi” never stop reminders; “Dừng” and “dung” do', async () => {
    rig.now = minutes(2);
    for (const typed of ['Đúng', 'Đúng rồi', 'đúng']) {
      const reply = await messenger('m-lan', mText(typed), 'Bạn chọn một mục bên dưới');
      expect(reply.map((m) => m.text).join('\n')).not.toContain('Đã dừng');
      expect((await db.models.Participant.findOne({ userId: 'm-lan' }).lean())!.subscribed).toBe(true);
    }
    await messenger('m-lan', mText('Dừng'), 'Đã dừng mọi nhắc nhở');
    expect((await db.models.Participant.findOne({ userId: 'm-lan' }).lean())!.subscribed).toBe(false);
    await messenger('m-lan', mText('nhắc nhở'), 'Đã bật nhắc nhở');
  });

  it('Messenger (case 3): a quick reply’s payload wins over its title: the “Hôm nay” tab opens today’s leaderboard', async () => {
    rig.now = minutes(3);
    const board = await messenger('m-lan', mText('bảng xếp hạng'), 'Bảng xếp hạng hôm nay');
    const tab = board.at(-1)!.quick_replies!.find((r) => r.title === 'Hôm nay')!;
    const again = await messenger('m-lan', mQuick('Hôm nay', tab.payload), 'Bảng xếp hạng hôm nay');
    expect(again.map((m) => m.text).join('\n')).not.toContain('Câu hỏi ngày');
    // Typed, the title of a tab just offered acts like the tap (case 4).
    await messenger('m-lan', mText('tuần này'), 'Bảng xếp hạng tuần này');
  });

  it('Messenger (case 8): a broadcast’s “Dừng nhắc nhở” button stops reminders; another button is thanked', async () => {
    rig.now = minutes(4);
    const sent = await app.channels.send(
      { bot: bot.id, channel: 'messenger', userId: 'm-lan' },
      {
        text: 'Thông báo',
        choices: [
          { title: 'Dừng nhắc nhở', payload: 'BROADCAST_CHOICE_1' },
          { title: 'Tôi sẽ tham gia', payload: 'BROADCAST_CHOICE_2' },
        ],
      },
      { purpose: 'update', locale: 'vi' },
    );
    expect(sent.ok).toBe(true);
    await messenger('m-lan', mQuick('Tôi sẽ tham gia', 'BROADCAST_CHOICE_2'), 'Cảm ơn bạn đã phản hồi “Tôi sẽ tham gia”');
    await messenger('m-lan', mQuick('Dừng nhắc nhở', 'BROADCAST_CHOICE_1'), 'Đã dừng mọi nhắc nhở');
    expect((await db.models.Participant.findOne({ userId: 'm-lan' }).lean())!.subscribed).toBe(false);
  });

  it('Zalo OA (cases 8, 9): taps show only the member’s words, broadcast buttons work, a contest attempt runs out of time', async () => {
    rig.now = JUNE_10;
    const consent = await zalo(zFollow('z-minh'), 'z-minh', '91/2025/QH15');
    await zalo(zText('z-minh', tapZalo(consent, 'Đồng ý')), 'z-minh', 'Bạn thuộc đơn vị');
    await zalo(zText('z-minh', 'bao tinh'), 'z-minh', 'Đã ghi nhận đơn vị: CĐCS Báo tỉnh');
    const named = await zalo(zText('z-minh', 'Minh'), 'z-minh', '⋯ 6');
    // Six menu buttons: sent as two messages of at most five, numbered.
    expect(named.slice(-2).map((m) => m.attachment?.payload.buttons.map((b) => b.title))).toEqual([
      ['1. Câu hỏi hôm nay', '2. Luyện tập', '3. Điểm của tôi', '4. Bảng xếp hạng', '5. Dự thi'],
      ['6. Trợ giúp'],
    ]);
    const info = await zalo(zText('z-minh', tapZalo(named, 'Dự thi')), 'z-minh', 'Cách xếp hạng');
    const question = await zalo(zText('z-minh', tapZalo(info, 'Bắt đầu làm bài')), 'z-minh', 'Câu 1/3');
    rig.now = minutes(1);
    // The tap shows the option's text as the member's words; it answers the current question.
    await zalo(zText('z-minh', tapZalo(question, 'B')), 'z-minh', 'Câu 2/3');
    // A broadcast with buttons, sent through the channel as the fan-out sends it.
    const sent = await app.channels.send(
      { bot: bot.id, channel: 'zalo_oa', userId: 'z-minh' },
      { text: 'Thông báo', choices: [{ title: 'Dừng nhắc nhở', payload: 'BROADCAST_CHOICE_1' }] },
      { purpose: 'update', locale: 'vi' },
    );
    expect(sent.ok).toBe(true);
    rig.now = minutes(6);
    await zalo(zText('z-minh', 'B'), 'z-minh', 'Hết giờ');
    const attempt = await db.models.ContestAttempt.findOne({ displayName: 'Minh' }).lean();
    expect(attempt).toMatchObject({ status: 'expired', answered: 1, timeTakenMs: 5 * 60_000 });
    const standing = await zalo(zText('z-minh', 'thứ hạng'), 'z-minh', 'Vòng 1');
    expect(standing.map((m) => m.text).join('\n')).toMatch(/xếp hạng 1\/1 với [01]\/3/);
    const broadcast = zaloSent('z-minh').filter((m) => m.text.startsWith('Thông báo'));
    await zalo(zText('z-minh', tapZalo(broadcast, 'Dừng nhắc nhở')), 'z-minh', 'Đã dừng mọi nhắc nhở');
    expect((await db.models.Participant.findOne({ userId: 'z-minh' }).lean())!.subscribed).toBe(false);
    // Case 9: no payload a member sees in their own bubble carries a code.
    const shown = zaloButtons().filter((b) => b.type === 'oa.query.show');
    expect(shown.length).toBeGreaterThan(10);
    for (const b of shown) expect(b.payload).not.toMatch(/[#|]/);
    expect(zaloButtons().every((b) => b.type === 'oa.query.show' || b.type === 'oa.query.hide' || b.type === 'oa.open.url')).toBe(true);
  });

  it('Zalo OA (case 6): delete and rejoin keeps the contest attempts used; only a keyed hash is kept', async () => {
    rig.now = minutes(10);
    const ask = await zalo(zText('z-minh', 'xóa dữ liệu'), 'z-minh', 'không hoàn tác được');
    await zalo(zText('z-minh', tapZalo(ask, 'Xóa dữ liệu')), 'z-minh', 'Đã xóa ngay toàn bộ dữ liệu');
    expect(await db.models.Participant.countDocuments({ userId: 'z-minh' })).toBe(0);
    const marks = await db.models.FairnessMark.find({ kind: 'contest' }).lean();
    expect(marks).toHaveLength(1);
    expect(marks[0]).toMatchObject({ attempts: 1, bot: bot.id });
    expect(JSON.stringify(marks)).not.toContain('z-minh');
    const consent = await zalo(zText('z-minh', 'Bắt đầu'), 'z-minh', '91/2025/QH15');
    await zalo(zText('z-minh', tapZalo(consent, 'Đồng ý')), 'z-minh', 'Bạn thuộc đơn vị');
    await zalo(zText('z-minh', 'bao tinh'), 'z-minh', 'Đã ghi nhận đơn vị');
    await zalo(zText('z-minh', 'Minh'), 'z-minh', 'Chào Minh');
    await zalo(zText('z-minh', 'dự thi'), 'z-minh', 'Bạn đã dùng 1/2 lượt');
  });

  it('Messenger: Hỏi đáp answers from the fact base and names the document; an unanswerable question is recorded', async () => {
    rig.now = minutes(30);
    const answer = await messenger('m-lan', mText('Ngày Chuyển đổi số quốc gia là ngày nào?'), '505/QĐ-TTg');
    const said = answer.map((m) => m.text).join('\n');
    expect(said).toContain('10 tháng 10');
    expect(said).toContain('Nguồn: Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ');
    expect(said).not.toMatch(/\bN09\b/);
    expect(answer.at(-1)!.quick_replies!.map((q) => q.payload)).toContain('CMD|today');
    await messenger('m-lan', mText('Giá vàng hôm nay bao nhiêu?'), 'chưa tìm thấy thông tin');
    const unanswered = await db.models.UnansweredQuestion.find({ bot: bot.id }).lean();
    expect(unanswered.map((u) => [u.text, u.count])).toEqual([['Giá vàng hôm nay bao nhiêu?', 1]]);
    expect(JSON.stringify(unanswered)).not.toContain('m-lan');
  });

  it('Messenger (case 6): delete and rejoin cannot replay today’s question', async () => {
    rig.now = minutes(60);
    const ask = await messenger('m-lan', mText('xoa du lieu'), 'không hoàn tác được');
    expect(ask.at(-1)!.quick_replies!.map((q) => q.payload)).toEqual(['DELETE|yes', 'DELETE|no']);
    await messenger('m-lan', mQuick('Xóa dữ liệu', 'DELETE|yes'), 'Đã xóa ngay toàn bộ dữ liệu');
    expect(await db.models.Participant.countDocuments({ userId: 'm-lan' })).toBe(0);
    expect(await db.models.Answer.countDocuments({ channel: 'messenger' })).toBe(0);
    expect(await db.models.FairnessMark.countDocuments({ kind: 'daily' })).toBe(1);
    await messenger('m-lan', mText('điểm của tôi'), '91/2025/QH15');
    await messenger('m-lan', mQuick('Đồng ý', 'CONSENT|yes'), 'Trang 1/2');
    await messenger('m-lan', mQuick('CĐCS Sở Y tế', 'UNIT|so-yte'), 'tên gì');
    await messenger('m-lan', mText('Lan'), 'Chào Lan');
    await messenger('m-lan', mText('câu hỏi hôm nay'), 'đã trả lời câu hỏi hôm nay');
    const q = pickDaily(bot.id, '2023-06-10', questions)!;
    const replay = await messenger('m-lan', mQuick('A', `ANS|${q.questionId}|${q.revision}|daily|2023-06-10|${q.answer}`), 'đã trả lời câu hỏi hôm nay');
    expect(replay.map((m) => m.text).join('\n')).not.toContain('Chính xác');
    expect(await db.models.Answer.countDocuments({ channel: 'messenger' })).toBe(0);
  });

  it('Messenger: a practice set with “Câu n/5”, its summary, the review of exactly its mistakes, then “Ôn câu sai”', async () => {
    rig.now = JUNE_10;
    await messenger('m-hoa', mPostback('GET_STARTED', 'Get Started'), '91/2025/QH15');
    await messenger('m-hoa', mQuick('Đồng ý', 'CONSENT|yes'), 'Trang 1/2');
    await messenger('m-hoa', mQuick('CĐCS Sở Y tế', 'UNIT|so-yte'), 'tên gì');
    await messenger('m-hoa', mText('Hoa'), 'Chào Hoa');
    // The harness bot has one topic: straight to the levels.
    const levels = await messenger('m-hoa', mText('luyện tập'), 'Bạn chọn mức độ');
    const mixed = levels.at(-1)!.quick_replies!.find((q) => q.title.startsWith('Trộn'))!;
    let replies = await messenger('m-hoa', mQuick(mixed.title, mixed.payload), 'Câu 1/5');
    const wrong: string[] = [];
    for (let n = 1; n <= 5; n++) {
      const p = await db.models.Participant.findOne({ userId: 'm-hoa' }).lean();
      const id = (p!.state as { pending: { questionId: string } }).pending.questionId;
      const q = questions.find((x) => x.questionId === id)!;
      const option = n % 2 === 0 ? (q.answer + 1) % 4 : q.answer;
      if (option !== q.answer) wrong.push(q.vi.question);
      rig.now = minutes(n);
      const letter = letterFor(id, option, 'm-hoa');
      const button = replies.at(-1)!.quick_replies!.find((b) => b.title === letter)!;
      replies = await messenger('m-hoa', mQuick(letter, button.payload), n < 5 ? `Câu ${n + 1}/5` : 'Hoàn thành!');
    }
    expect(replies.map((m) => m.text).join('\n')).toContain('đúng 3/5 câu trong 5 phút 0 giây');
    expect(await db.models.Answer.countDocuments({ channel: 'messenger', mode: 'practice' })).toBe(5);
    const review = await messenger('m-hoa', mQuick('Xem câu sai', 'REVIEW|set'), 'Xem lại 2 câu sai');
    const reviewed = review.map((m) => m.text).join('\n');
    for (const q of questions) expect(reviewed.includes(q.vi.question)).toBe(wrong.includes(q.vi.question));
    // "Ôn câu sai": the service loads the questions whose latest answer was wrong.
    rig.now = minutes(30);
    const again = await messenger('m-hoa', mText('Ôn câu sai'), 'Câu 1/2 · Ôn câu sai');
    expect(again.map((m) => m.text).join('\n')).toContain('Ôn 2 câu bạn đã trả lời sai');
  });

  it('Messenger: a finished contest attempt ends with “Xem câu sai” and a certificate image; /verify and the PNG confirm it', async () => {
    rig.now = minutes(120);
    await messenger('m-hoa', mText('dự thi'), 'Cách xếp hạng');
    await messenger('m-hoa', mQuick('Bắt đầu làm bài', 'CONTEST|begin'), 'Câu 1/3');
    for (let n = 1; n <= 3; n++) {
      rig.now = minutes(120 + n);
      // Right, wrong, right.
      const right = await contestRightLetter(db.models, 'm-hoa');
      const typed = n === 2 ? String.fromCharCode(((right.charCodeAt(0) - 65 + 1) % 4) + 65) : right;
      await messenger('m-hoa', mText(typed), n < 3 ? `Câu ${n + 1}/3` : 'Câu hỏi dự đoán');
    }
    const finished = await messenger('m-hoa', mText('1'), 'Chứng nhận kết quả của bạn');
    expect(finished.map((m) => m.text).join('\n')).toContain('Hoàn thành! Bạn trả lời đúng 2/3');
    const image = finished.find((m) => (m as { attachment?: { type: string } }).attachment?.type === 'image') as unknown as {
      attachment: { payload: { url: string } };
    };
    expect(image.attachment.payload.url).toMatch(new RegExp(`^${PUBLIC_URL}/certificates/[2-9A-Z]{8}\\.png$`));
    const certificate = await db.models.Certificate.findOne({ kind: 'contest' }).lean();
    expect(certificate).toMatchObject({ name: 'Hoa', unit: 'CĐCS Sở Y tế', contest: { name: 'Cuộc thi thử', correct: 2, questionCount: 3, rank: null } });
    expect(image.attachment.payload.url).toContain(certificate!.code);
    // The review of the attempt: exactly its wrong answer, loaded by the service.
    const reviewButton = finished.flatMap((m) => m.quick_replies ?? []).find((q) => q.title === 'Xem câu sai')!;
    const review = await messenger('m-hoa', mQuick('Xem câu sai', reviewButton.payload), 'Xem lại 1 câu sai');
    expect(
      review
        .map((m) => m.text)
        .join('\n')
        .match(/✅ Đáp án đúng/g),
    ).toHaveLength(1);

    // The routes the picture and the verification are served from.
    const { t } = await createI18n('content');
    const web = express();
    for (const r of createCertificateRoutes({ models: db.models, t, publicUrl: PUBLIC_URL })) web.use(r.path, r.router);
    const server = web.listen(0);
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const png = await fetch(`${base}/certificates/${certificate!.code}.png`);
      await expectPng(png);
      const verify = await (await fetch(`${base}/verify/${certificate!.code.toLowerCase()}`)).text();
      expect(verify).toContain('Chứng nhận hợp lệ');
      expect(verify).toContain('Hoa');
      expect(verify).toContain('Cuộc thi thử: trả lời đúng 2/3 câu');
      expect((await fetch(`${base}/verify/ABCD-2345`)).status).toBe(404);
      expect((await fetch(`${base}/certificates/nope.png`)).status).toBe(404);
      // Issued while the round was open: no rank yet, on the page or the card.
      expect(verify).not.toContain('Xếp hạng');

      // The contest closes (its window ended 30/06): the contest-close job ranks the round's certificates.
      rig.now = new Date('2023-06-30T16:59:00Z'); // 23:59 on the last day: not final yet
      expect(await rig.conversation.rankFinishedRounds()).toBe(0);
      rig.now = new Date('2023-07-01T01:00:00Z');
      await rig.conversation.closeExpiredAttempts();
      const results = await rig.conversation.contestResults('test-contest');
      const ranking = results!.rounds[0]!.ranking;
      const hoa = ranking.find((e) => e.attemptId === certificate!.subject.replace('contest:', ''))!;
      expect(await rig.conversation.rankFinishedRounds()).toBeGreaterThan(0);
      expect(await rig.conversation.rankFinishedRounds()).toBe(0); // once
      const ranked = await db.models.Certificate.findOne({ code: certificate!.code }).lean();
      expect(ranked!.contest).toMatchObject({ correct: 2, questionCount: 3, rank: hoa.rank, of: ranking.length });
      const after = await (await fetch(`${base}/verify/${certificate!.code}`)).text();
      expect(after).toContain(`Xếp hạng ${hoa.rank}/${ranking.length}`);
      // The card drawn again from the stored fields: its words, not its pixels.
      const words = [...certificateSvg(ranked!, t).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
      expect(words).toContain(`Trả lời đúng 2/3 câu · Xếp hạng ${hoa.rank}/${ranking.length}`);
      expect((await fetch(`${base}/certificates/${certificate!.code}.png`)).status).toBe(200);
    } finally {
      server.close();
    }
  });

  it('Messenger: an invitation link credits the colleague who consents, once', async () => {
    rig.now = minutes(200);
    const invite = await messenger('m-hoa', mText('Mời đồng nghiệp'), 'm.me/botthunghiem');
    const link = /https:\/\/m\.me\/botthunghiem\?ref=(inv-[2-9A-Z]{8})/.exec(invite.map((m) => m.text).join('\n'))!;
    const ref = link[1]!;
    // The colleague opens the link: Get Started with the link's ref, then consents.
    await messenger(
      'm-khanh',
      { postback: { mid: `m_${++seq}`, payload: 'GET_STARTED', title: 'Bắt đầu', referral: { ref, source: 'SHORTLINK', type: 'OPEN_THREAD' } } },
      '91/2025/QH15',
    );
    await messenger('m-khanh', mQuick('Đồng ý', 'CONSENT|yes'), 'Trang 1/2');
    const joins = await db.models.InvitationJoin.find({ bot: bot.id }).lean();
    expect(joins).toHaveLength(1);
    expect(joins[0]).toMatchObject({ unitId: 'so-yte' });
    // Following the link again credits nothing more.
    await messenger(
      'm-khanh',
      { postback: { mid: `m_${++seq}`, payload: 'GET_STARTED', title: 'Bắt đầu', referral: { ref, source: 'SHORTLINK', type: 'OPEN_THREAD' } } },
      'Bạn thuộc đơn vị',
    );
    expect(await db.models.InvitationJoin.countDocuments({ bot: bot.id })).toBe(1);
    expect((await db.models.Invitation.findOne({ bot: bot.id }).lean())!.joins).toBe(1);
    await messenger('m-hoa', mText('Mời đồng nghiệp'), 'Đã có 1 người tham gia');
  });

  it('Messenger and Zalo OA: a question’s picture is an image attachment sent before the question, the explanation’s comes with the feedback', async () => {
    const day = '2023-06-20';
    rig.now = new Date('2023-06-20T01:00:00Z');
    const q = pickDaily(bot.id, day, questions)!;
    await db.models.Question.updateOne({ questionId: q.questionId }, { $set: { image: 'ngay-cds-10-10.png', explanationImage: 'he-nhi-phan-1-0.png' } });
    rig.conversation.contentChanged();
    const questionPicture = `${PUBLIC_URL}/media/ngay-cds-10-10.png`;
    const explanationPicture = `${PUBLIC_URL}/media/he-nhi-phan-1-0.png`;
    try {
      // Messenger: the Send API gets the image attachment, then the question with its quick replies.
      await messenger('m-pic', mPostback('GET_STARTED', 'Get Started'), '91/2025/QH15');
      await messenger('m-pic', mQuick('Đồng ý', 'CONSENT|yes'), 'Trang 1/2');
      await messenger('m-pic', mText('so y te'), 'tên gì trên bảng xếp hạng');
      await messenger('m-pic', mText('Hà'), 'Chào Hà');
      const before = messengerSent('m-pic').length;
      await messenger('m-pic', mText('Câu hỏi hôm nay'), 'Câu hỏi ngày 20/06/2023');
      const asked = messengerSent('m-pic').slice(before) as Array<{
        text?: string;
        attachment?: { type: string; payload: { url: string } };
        quick_replies?: Array<{ payload: string }>;
      }>;
      expect(asked.map((m) => m.attachment?.payload.url ?? m.text?.split('\n')[0])).toEqual([questionPicture, '📅 Câu hỏi ngày 20/06/2023']);
      expect(asked[0]!.attachment!.type).toBe('image');
      const right = letterFor(q.questionId, q.answer, 'm-pic');
      const afterQuestion = messengerSent('m-pic').length;
      await messenger('m-pic', mQuick(right, asked[1]!.quick_replies![right.charCodeAt(0) - 65]!.payload), 'Chính xác');
      const feedback = messengerSent('m-pic').slice(afterQuestion) as typeof asked;
      expect(feedback[0]!.attachment).toEqual({ type: 'image', payload: { url: explanationPicture, is_reusable: false } });
      expect(feedback[1]!.text).toContain('Chính xác');

      // Zalo OA: the OA API's media template with the picture's address, then the question with its buttons.
      await zalo(zFollow('z-pic'), 'z-pic', '91/2025/QH15');
      const consent = zaloSent('z-pic');
      await zalo(zText('z-pic', tapZalo(consent, 'Đồng ý')), 'z-pic', 'Bạn thuộc đơn vị');
      await zalo(zText('z-pic', 'bao tinh'), 'z-pic', 'Đã ghi nhận đơn vị');
      await zalo(zText('z-pic', 'Phương'), 'z-pic', '⋯ 6');
      const zBefore = zaloSent('z-pic').length;
      await zalo(zText('z-pic', 'Câu hỏi hôm nay'), 'z-pic', 'Câu hỏi ngày 20/06/2023');
      type ZaloPicture = {
        text: string;
        attachment?: { payload: { template_type?: string; elements?: Array<{ media_type: string; url: string }>; buttons?: ZaloButton[] } };
      };
      const zAsked = zaloSent('z-pic').slice(zBefore) as ZaloPicture[];
      expect(zAsked[0]).toEqual({
        text: 'Hình minh hoạ cho câu hỏi',
        attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: questionPicture }] } },
      });
      expect(zAsked[1]!.text).toMatch(/^📅 Câu hỏi ngày 20\/06\/2023/);
      const zRight = letterFor(q.questionId, q.answer, 'z-pic', 'zalo_oa');
      const zAfter = zaloSent('z-pic').length;
      await zalo(zText('z-pic', tapZalo(zAsked as ZaloCall['message'][], zRight)), 'z-pic', 'Chính xác');
      const zFeedback = zaloSent('z-pic').slice(zAfter) as ZaloPicture[];
      expect(zFeedback[0]!.attachment!.payload.elements).toEqual([{ media_type: 'image', url: explanationPicture }]);
      expect(zFeedback[0]!.text).toBe('Hình minh hoạ cho phần giải thích');
      expect(zFeedback[1]!.text).toContain('Chính xác');
    } finally {
      await db.models.Question.updateOne({ questionId: q.questionId }, { $set: { image: null, explanationImage: null } });
      rig.conversation.contentChanged();
    }
  });

  it('GET /media/<file> serves a picture of content/media with the type its bytes say; other names are 404', async () => {
    const web = express();
    for (const r of createMediaRoutes({ contentDir: 'content' })) web.use(r.path, r.router);
    const server = web.listen(0);
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const png = await fetch(`${base}/media/ngay-cds-10-10.png`);
      await expectPng(png);
      for (const bad of ['nothing.png', '..%2Fquestions%2Fnational-programme.yaml', '.hidden.png', 'ngay-cds-10-10.gif']) {
        expect((await fetch(`${base}/media/${bad}`)).status, bad).toBe(404);
      }
    } finally {
      server.close();
    }
  });
});
