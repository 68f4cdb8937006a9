import { createHmac } from 'node:crypto';
import path from 'node:path';
import { Types } from 'mongoose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatform, type FakePlatform } from '../../../scripts/fake-platform.js';
import { testConfig } from '../../../src/config/index.js';
import { loadLeaderboard } from '../../../src/conversation/views.js';
import { formatPercent, ratePercent } from '../../../src/domain/index.js';
import { createI18n } from '../../../src/i18n/index.js';
import { createScheduler, type Scheduler } from '../../../src/jobs/index.js';
import { createOutreach } from '../../../src/outreach/index.js';
import { createStats } from '../../../src/stats/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv } from '../../fixtures/channels/bots.js';
import { startChannelsApp, waitFor, type ChannelsApp } from '../../fixtures/channels/harness.js';
import { bot, conversationRig, event, seedQuestions, unitList, units, type Rig } from '../conversation/fixtures.js';
import { ctx, recordingSend, runBatches, type Harness } from '../outreach/harness.js';

/**
 * Issue 19 item 4, the weekly recap delivered, and item 3, the freeze applied by the daily job:
 * the real conversation (its recap builder, "Dừng tổng kết" through signed Messenger webhooks), the
 * real outreach fan-out on the embedded database, and a recording Send in place of the platforms.
 */

const APP_SECRET = 'app-secret-1';
const PAGE_ID = '104000000000001';
const zone = 'Asia/Ho_Chi_Minh';
// The week Monday 05/06/2023 – Sunday 11/06/2023; the recap goes on Sunday 19:00 in Hà Nội.
const SUNDAY_EVENING = new Date('2023-06-11T12:00:00Z');
const hours = (n: number) => new Date(SUNDAY_EVENING.getTime() - n * 3600_000);

let db: TestDb;
let fake: FakePlatform;
let app: ChannelsApp;
let rig: Rig;
let scheduler: Scheduler;
let seq = 0;

beforeAll(async () => {
  db = await openTestDb('recap');
  await seedQuestions(db.models);
  await db.models.Unit.insertMany(unitList.units.map((u) => ({ listId: unitList.id, unitId: u.id, name: u.name, size: u.size ?? null })));
  fake = await startFakePlatform();
  rig = await conversationRig(db.models, SUNDAY_EVENING);
  const config = db.config(channelEnv(bot.id, { graph: fake.url, zaloApi: fake.url, zaloOauth: fake.url }));
  app = await startChannelsApp({ config, models: db.models, bots: [bot], handler: rig.conversation.handler });
  scheduler = createScheduler(db.connection.db!, pino({ level: 'silent' }), { name: `recap-${process.pid}` });
  await scheduler.agenda.ready;
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
  await db?.close();
});

async function outreachAt(now: Date, env: Record<string, string> = {}) {
  const { t } = await createI18n(path.resolve(import.meta.dirname, '../../../content'));
  const { send, sent } = recordingSend();
  const clock = { value: now };
  const outreach = createOutreach({
    models: db.models,
    scheduler,
    send,
    content: { bots: [bot], unitLists: [unitList], questions: [], campaigns: [], facts: [] },
    t,
    config: testConfig(env),
    logger: pino({ level: 'silent' }),
    clock: () => clock.value,
    dailyQuestionMessage: (b, day, locale, member) => rig.conversation.dailyQuestionMessage(b, day, locale, member),
    weeklyRecapMessage: (b, week, locale, member) => rig.conversation.weeklyRecapMessage(b, week, locale, member),
    options: { batchSize: 20, chunkSize: 7, random: () => 0.5 },
  });
  const h: Harness = { outreach, scheduler, now: clock };
  return { h, sent };
}

/** A member who finished onboarding, on Messenger. */
async function member(userId: string, fields: Record<string, unknown> = {}): Promise<Types.ObjectId> {
  const doc = await db.models.Participant.create({
    bot: bot.id,
    channel: 'messenger',
    userId,
    locale: 'vi',
    displayName: userId,
    unitId: 'so-gddt',
    consent: { at: new Date('2023-06-01T00:00:00Z'), version: '2026-12' },
    subscribed: true,
    lastInboundAt: hours(2),
    ...fields,
  });
  return doc._id;
}

/** A daily answer stored as the service stores it (the statistics read it from here). */
async function answered(participantId: Types.ObjectId, unitId: string, day: string, questionId: string, correct: boolean) {
  await db.models.Answer.create({
    participantId,
    bot: bot.id,
    channel: 'messenger',
    unitId,
    questionId,
    revision: 'r1',
    mode: 'daily',
    day,
    attemptId: null,
    choice: 0,
    correct,
    timeTakenMs: 5000,
    answeredAt: new Date(`${day}T02:00:00Z`),
    rolledUp: false,
  });
}

function hubSignature(raw: string): string {
  return `sha256=${createHmac('sha256', APP_SECRET).update(raw).digest('hex')}`;
}

type MessengerCall = { message: { text: string } };
const messengerSent = (userId: string) =>
  fake
    .log('messenger')
    .filter((c) => c.kind === 'message' && c.recipient === userId)
    .map((c) => (c.body as MessengerCall).message.text);

/** One signed Messenger webhook; waits for the bot's reply containing `expectText`. */
async function messenger(userId: string, item: Record<string, unknown>, expectText: string): Promise<void> {
  const before = messengerSent(userId).length;
  const raw = JSON.stringify({
    object: 'page',
    entry: [{ id: PAGE_ID, time: Date.now(), messaging: [{ sender: { id: userId }, recipient: { id: PAGE_ID }, timestamp: Date.now(), ...item }] }],
  });
  const res = await fetch(`${app.url}/webhooks/messenger/${bot.id}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': hubSignature(raw) },
    body: raw,
  });
  expect(res.status).toBe(200);
  await waitFor(() => messengerSent(userId).slice(before).join('\n').includes(expectText), 10_000, `reply containing “${expectText}”`);
}

describe('the weekly recap', () => {
  it('reaches each opted-in member who answered that week once, with the unit rate of the dashboard and of “Bảng xếp hạng”', async () => {
    const lan = await member('recap-lan', { unitId: 'so-gddt' });
    const minh = await member('recap-minh', { unitId: 'so-gddt', lastInboundAt: hours(30) });
    const hoa = await member('recap-hoa', { unitId: 'thpt-1', lastInboundAt: hours(30) });
    const away = await member('recap-away', { unitId: 'thpt-1', lastInboundAt: hours(72) });
    await member('recap-idle', { unitId: 'so-yte' });
    // Reached only through their unit's Zalo group: a member's own figures are not posted there.
    const grouped = await member('recap-group', { unitId: 'so-yte', channel: 'zalo_personal', groupId: 'g-so-yte' });
    await answered(grouped, 'so-yte', '2023-06-09', 'q1', true);
    await answered(lan, 'so-gddt', '2023-06-08', 'q1', true);
    await answered(lan, 'so-gddt', '2023-06-09', 'q2', false);
    await answered(minh, 'so-gddt', '2023-06-09', 'q1', true);
    await answered(hoa, 'thpt-1', '2023-06-10', 'q3', true);
    await answered(away, 'thpt-1', '2023-06-10', 'q3', false);
    // Last week's answer does not make "idle" a member of this week's recap.
    await answered(await member('recap-last-week', { unitId: 'so-yte' }), 'so-yte', '2023-06-04', 'q1', true);
    await db.models.Participant.updateOne({ userId: 'recap-last-week' }, { $set: { lastInboundAt: hours(2) } });

    // "Dừng tổng kết" tapped (the recap's own button) and typed, through signed webhooks.
    await messenger(
      'recap-minh',
      { message: { mid: `m_${++seq}`, text: 'Dừng tổng kết', quick_reply: { payload: 'CMD|recap_off' } } },
      'Đã dừng tổng kết tuần',
    );
    await messenger('recap-hoa', { message: { mid: `m_${++seq}`, text: 'dừng tổng kết' } }, 'Đã dừng tổng kết tuần');
    expect((await db.models.Participant.findById(minh).lean())!.recap).toBe(false);
    expect((await db.models.Participant.findById(hoa).lean())!.recap).toBe(false);
    // Only the recap stopped: reminders stay on.
    expect((await db.models.Participant.findById(hoa).lean())!.subscribed).toBe(true);

    const { h, sent } = await outreachAt(SUNDAY_EVENING);
    const id = await h.outreach.runWeeklyRecap(bot.id);
    expect(id).toBe(`recap:${bot.id}:2023-06-05`);
    expect(await h.outreach.runWeeklyRecap(bot.id)).toBe(id);
    expect(await db.models.Broadcast.countDocuments({ kind: 'recap' })).toBe(1);
    await h.outreach.fanout.materialise(id!, ctx);
    await h.outreach.fanout.materialise(id!, ctx);
    await runBatches(h, id!, true);

    expect(sent.map((s) => s.to.userId)).toEqual(['recap-lan']);
    const text = sent[0]!.message.text;
    expect(text).toContain('📅 Tổng kết tuần 05/06/2023 – 11/06/2023');
    expect(text).toContain('Bạn đã trả lời 2 câu, đúng 1 câu (50%)');
    expect(text).not.toMatch(/so-gddt|recap-lan|2023-06|Z\b/);

    // The same rate as the dashboard's statistics for that week and as the chat's weekly unit board.
    const stats = createStats(db.models, { timeZone: zone, catchUpEveryMs: 0, unitListOf: () => unitList.id });
    await stats.updater.catchUp({ olderThanMs: 0 });
    const dashboard = (await stats.queries.units({ bots: [bot.id], from: '2023-06-05', to: '2023-06-11' })).find((u) => u.unitId === 'so-gddt')!;
    const board = await loadLeaderboard(db.models, bot.id, units, { kind: 'units', period: 'week' }, '2023-06-11', null);
    const chat = board.units.find((u) => u.unitId === 'so-gddt')!;
    expect(ratePercent(dashboard.rate)).toBe(2.5);
    expect(ratePercent(chat.participationRate)).toBe(2.5);
    expect(text).toContain(
      `CĐCS Sở Giáo dục và Đào tạo xếp hạng ${chat.rank}/${board.units.length} đơn vị, tỷ lệ tham gia ${formatPercent(dashboard.rate, 'vi')}`,
    );

    // One suggested topic, a button that starts a practice set on it; and the way out.
    const payloads = sent[0]!.message.choices!.map((c) => c.payload);
    expect(payloads).toEqual(['PSET|laws|mixed', 'CMD|recap_off', 'CMD|score']);

    const deliveries = await db.models.Delivery.find({ broadcastId: id }).lean();
    const byUser = new Map<string, { status: string; reason: string | null }>();
    for (const d of deliveries) {
      const p = await db.models.Participant.findById(d.participantId).lean();
      byUser.set(p!.userId, { status: d.status, reason: d.reason });
    }
    // Outside Messenger's 24 hours without an opt-in: skipped and counted, never sent.
    expect(byUser.get('recap-away')).toEqual({ status: 'skipped', reason: 'messenger_window' });
    expect(byUser.get('recap-group')).toEqual({ status: 'skipped', reason: 'private_message' });
    expect(byUser.has('recap-minh')).toBe(false);
    expect(byUser.has('recap-idle')).toBe(false);
    expect(byUser.has('recap-last-week')).toBe(false);
    expect(deliveries).toHaveLength(3);

    // A second run of the whole job the same evening sends nobody anything.
    await h.outreach.runWeeklyRecap(bot.id);
    await h.outreach.fanout.materialise(id!, ctx);
    await runBatches(h, id!, true);
    expect(sent).toHaveLength(1);
  });

  it('a run that crashed after claiming a recap and before sending it sends it once when the batch is taken over', async () => {
    const sunday = new Date('2023-06-18T12:00:00Z');
    rig.now = sunday;
    const id = await member('recap-crash', { unitId: 'thpt-2', lastInboundAt: new Date('2023-06-18T09:00:00Z') });
    await answered(id, 'thpt-2', '2023-06-14', 'q4', true);
    const { h, sent } = await outreachAt(sunday);
    const broadcastId = (await h.outreach.runWeeklyRecap(bot.id))!;
    expect(broadcastId).toBe(`recap:${bot.id}:2023-06-12`);
    await h.outreach.fanout.materialise(broadcastId, ctx);
    // What a crashed run leaves: the delivery claimed (`sending`), nothing sent, its lease expired.
    await db.models.Delivery.updateMany({ broadcastId }, { $set: { status: 'sending', claimedAt: sunday } });
    await runBatches(h, broadcastId, true);
    expect(sent.map((s) => s.to.userId)).toEqual(['recap-crash']);
    expect(sent[0]!.message.text).toContain('Tổng kết tuần 12/06/2023 – 18/06/2023');
    expect((await db.models.Delivery.findOne({ broadcastId }).lean())!.status).toBe('sent');
  });

  it('is scheduled per bot at RECAP_CRON in Hà Nội time (Sunday 19:00 by default), and not at all when it is off', async () => {
    const { h } = await outreachAt(new Date('2023-06-12T03:00:00Z'));
    const content = { bots: [bot], unitLists: [unitList], questions: [], campaigns: [], facts: [] };
    await h.outreach.syncCampaignJobs(content);
    await h.outreach.syncCampaignJobs(content);
    const jobs = (await scheduler.agenda.queryJobs({ name: 'weekly-recap' })).jobs;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.data).toEqual({ bot: bot.id });
    expect(jobs[0]!.repeatInterval).toBe('0 19 * * 0');
    expect(jobs[0]!.repeatTimezone).toBe(zone);
    const off = await outreachAt(new Date('2023-06-12T03:00:00Z'), { RECAP_CRON: 'off' });
    await off.h.outreach.syncCampaignJobs(content);
    expect((await scheduler.agenda.queryJobs({ name: 'weekly-recap' })).jobs).toHaveLength(0);
  });

  it('“Nhận tổng kết” turns it back on, and “Điểm của tôi” says which way it is', async () => {
    await messenger('recap-minh', { message: { mid: `m_${++seq}`, text: 'điểm của tôi' } }, 'Tổng kết tuần: đã tắt');
    await messenger('recap-minh', { message: { mid: `m_${++seq}`, text: 'nhận tổng kết' } }, 'Đã bật tổng kết tuần');
    expect((await db.models.Participant.findOne({ userId: 'recap-minh' }).lean())!.recap).toBe(true);
    await messenger('recap-minh', { message: { mid: `m_${++seq}`, text: 'điểm của tôi' } }, 'Tổng kết tuần: đang nhận');
  });
});

describe('a streak freeze applied by the daily job', () => {
  const SATURDAY_8AM = new Date('2023-06-10T01:00:00Z');
  const streak = (lastDay: string, freezes: number) => ({ current: 7, best: 7, lastDay, freezes, frozenDays: [] });

  it('covers yesterday once, tells the member with today’s question, and the next answer uses no second freeze', async () => {
    const near = await member('freeze-near', { streak: streak('2023-06-08', 1), lastInboundAt: new Date('2023-06-09T20:00:00Z') });
    const far = await member('freeze-far', { streak: streak('2023-06-08', 2), lastInboundAt: new Date('2023-06-05T20:00:00Z') });
    const gap = await member('freeze-gap', { streak: streak('2023-06-07', 1) });
    const { h, sent } = await outreachAt(SATURDAY_8AM);
    rig.now = SATURDAY_8AM;
    await h.outreach.runDailyQuestion(bot.id);
    await h.outreach.runDailyQuestion(bot.id);

    const read = async (id: Types.ObjectId) => (await db.models.Participant.findById(id).lean())!;
    expect((await read(near)).streak).toMatchObject({ current: 7, lastDay: '2023-06-08', freezes: 0, frozenDays: ['2023-06-09'] });
    expect((await read(near)).freezeNotice).toEqual(['2023-06-09']);
    expect((await read(far)).streak).toMatchObject({ freezes: 1, frozenDays: ['2023-06-09'] });
    // Two days missed with one freeze: the streak is over and the freeze is kept.
    expect((await read(gap)).streak).toMatchObject({ freezes: 1, frozenDays: [] });
    expect((await read(gap)).freezeNotice).toEqual([]);

    const id = `daily:${bot.id}:2023-06-10`;
    await h.outreach.fanout.materialise(id, ctx);
    await runBatches(h, id, true);
    const toNear = sent.filter((s) => s.to.userId === 'freeze-near');
    expect(toNear).toHaveLength(1);
    expect(toNear[0]!.message.text).toMatch(/^🧊 Bạn đã bỏ lỡ 9\/6\/2023: chuỗi ngày được giữ nhờ 1 lượt bảo vệ chuỗi\.\n\n/);
    expect((await read(near)).freezeNotice).toEqual([]);
    // Outside the 24 hours: not sent, the notice waits for their next message.
    expect(sent.some((s) => s.to.userId === 'freeze-far')).toBe(false);
    expect((await read(far)).freezeNotice).toEqual(['2023-06-09']);

    // Today's answer continues the streak from the frozen day and uses no second freeze.
    const q = toNear[0]!.message.choices![0]!;
    const reply = await rig.conversation.handler({ ...event('freeze-near', SATURDAY_8AM, { kind: 'choice', payload: q.payload }) });
    expect(reply.map((m) => m.text).join('\n')).not.toContain('🧊 Bạn đã bỏ lỡ');
    expect((await read(near)).streak).toMatchObject({ current: 8, lastDay: '2023-06-10', freezes: 0, frozenDays: ['2023-06-09'] });

    // The member outside the window is told at their next message, once.
    const first = await rig.conversation.handler(event('freeze-far', SATURDAY_8AM, { kind: 'text', text: 'điểm của tôi' }));
    expect(first[0]!.text).toBe('🧊 Bạn đã bỏ lỡ 9/6/2023: chuỗi ngày được giữ nhờ 1 lượt bảo vệ chuỗi.');
    const second = await rig.conversation.handler(event('freeze-far', SATURDAY_8AM, { kind: 'text', text: 'điểm của tôi' }));
    expect(second.map((m) => m.text).join('\n')).not.toContain('🧊 Bạn đã bỏ lỡ');
    expect((await read(far)).freezeNotice).toEqual([]);
    expect((await read(far)).streak).toMatchObject({ freezes: 1 });
  });
});
