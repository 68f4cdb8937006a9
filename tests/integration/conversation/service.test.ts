import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { writeResultsXlsx } from '../../../src/conversation/index.js';
import { createI18n } from '../../../src/i18n/index.js';
import { pickDaily } from '../../../src/quiz/index.js';
import { orderSeat } from '../../../src/conversation/turn.js';
import { bot, contestRightLetter, conversationRig, event, letterFor, orderFor, questions, seedQuestions, type Rig } from './fixtures.js';

const JUNE_10 = new Date('2023-06-10T01:00:00Z');
const plus = (m: number) => new Date(JUNE_10.getTime() + m * 60_000);

let db: TestDb;
let rig: Rig;
const say = (user: string, text: string) => rig.conversation.handler(event(user, rig.now, { kind: 'text', text }));
const tap = (user: string, payload: string) => rig.conversation.handler(event(user, rig.now, { kind: 'choice', payload }));
const all = (msgs: readonly { text: string }[]) => msgs.map((m) => m.text).join('\n');

async function onboard(user: string, unit: string, name: string) {
  await say(user, 'Bắt đầu');
  await tap(user, 'CONSENT|yes');
  await tap(user, `UNIT|${unit}`);
  await say(user, name);
}

beforeAll(async () => {
  db = await openTestDb('conv');
  await seedQuestions(db.models);
  rig = await conversationRig(db.models, JUNE_10);
});
afterAll(async () => {
  await db?.close();
});

describe('the conversation service on the database', () => {
  it('before consent stores only the platform id, the dialogue state and the last inbound time', async () => {
    rig.now = JUNE_10;
    const reply = await say('pre', 'xin chào');
    expect(all(reply)).toContain('91/2025/QH15');
    const p = await db.models.Participant.findOne({ userId: 'pre' }).lean();
    expect(p).toMatchObject({ consent: null, unitId: null, displayName: null, subscribed: false });
    expect(p!.lastInboundAt!.toISOString()).toBe(JUNE_10.toISOString());
    expect(await db.models.Answer.countDocuments({ participantId: p!._id })).toBe(0);
  });

  it('onboarding → today’s question → answer → score, with totals, streak, rank and listeners', async () => {
    rig.now = JUNE_10;
    await onboard('lan', 'so-yte', 'Lan');
    const p0 = await db.models.Participant.findOne({ userId: 'lan' }).lean();
    expect(p0).toMatchObject({ unitId: 'so-yte', displayName: 'Lan', subscribed: true });
    expect(p0!.consent!.version).toBeTruthy();
    expect(rig.listened.participants.length).toBeGreaterThanOrEqual(3);

    const q = pickDaily(bot.id, '2023-06-10', questions)!;
    expect(all(await say('lan', 'câu hỏi hôm nay'))).toContain(q.vi.question);
    rig.now = plus(1);
    expect(all(await say('lan', letterFor(q.questionId, 1, 'lan').toLowerCase()))).toContain('Chính xác');
    const answers = await db.models.Answer.find({ participantId: p0!._id }).lean();
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ mode: 'daily', day: '2023-06-10', correct: true, unitId: 'so-yte', revision: q.revision, timeTakenMs: 60_000 });
    expect(rig.listened.answers).toHaveLength(1);
    const p1 = await db.models.Participant.findById(p0!._id).lean();
    expect(p1!.totals).toMatchObject({ answered: 1, correct: 1, dailyAnswered: 1, dailyCorrect: 1 });
    expect(p1!.streak).toMatchObject({ current: 1, lastDay: '2023-06-10' });

    const score = all(await say('lan', 'điểm của tôi'));
    expect(score).toContain('1/1 câu đúng');
    expect(score).toContain('Xếp hạng chung: 1/1');
  });

  it('two answers to one question arriving at once are recorded once; the second is told only the first counts', async () => {
    rig.now = JUNE_10;
    await onboard('twin', 'bao', 'Twin');
    const q = pickDaily(bot.id, '2023-06-10', questions)!;
    const payload = (i: number) => `ANS|${q.questionId}|${q.revision}|daily|2023-06-10|${i}`;
    const replies = await Promise.all([tap('twin', payload(1)), tap('twin', payload(0))]);
    const p = await db.models.Participant.findOne({ userId: 'twin' }).lean();
    expect(await db.models.Answer.countDocuments({ participantId: p!._id })).toBe(1);
    expect(replies.filter((r) => all(r).includes('chỉ câu trả lời đầu tiên được tính'))).toHaveLength(1);
    expect(p!.totals.dailyAnswered).toBe(1);
  });

  it('the leaderboard ranks members from stored answers, with the tie-break rule', async () => {
    rig.now = plus(30);
    const board = all(await say('lan', 'bảng xếp hạng'));
    // Twin answered at 08:00 and Lan at 08:01: if both are right, Twin reached the score first.
    const twinRight = (await db.models.Answer.findOne({ unitId: 'bao' }).lean())!.correct;
    expect(board).toContain(twinRight ? '2. Lan: 1 câu đúng' : '1. Lan: 1 câu đúng');
    expect(board).toContain(`Bạn: hạng ${twinRight ? 2 : 1}`);
    expect(board).toContain('ai đạt số câu đúng đó sớm hơn xếp trên');
    const units = all(await tap('lan', 'LB|units|today'));
    expect(units).toContain('CĐCS Sở Y tế: 1 câu đúng, 1 người tham gia, tỉ lệ tham gia 1,7%');
  });

  it('a pushed daily question message can be answered by its button alone', async () => {
    rig.now = new Date('2023-06-11T01:00:00Z');
    const msg = await rig.conversation.dailyQuestionMessage(bot.id, '2023-06-11', 'vi');
    expect(msg!.choices).toHaveLength(4);
    const q = pickDaily(bot.id, '2023-06-11', questions)!;
    expect(msg!.choices![1]!.payload).toBe(`ANS|${q.questionId}|${q.revision}|daily|2023-06-11|1`);
    expect(all(await tap('lan', msg!.choices![1]!.payload))).toContain('Chuỗi 2 ngày');
    // Pushed to one member, the options come in that member's own order.
    const mine = await rig.conversation.dailyQuestionMessage(bot.id, '2023-06-11', 'vi', { bot: bot.id, channel: 'messenger', userId: 'lan' });
    expect(mine!.choices!.map((c) => c.payload.split('|')[5])).toEqual(orderFor(q.questionId, 'lan').map(String));
    expect(await rig.conversation.dailyQuestionMessage('no-such-bot', '2023-06-11', 'vi')).toBeNull();
  });

  it('in a Zalo group every member answers the one group post in the group’s option order', async () => {
    rig.now = new Date('2023-06-12T01:00:00Z');
    const inGroup = (userId: string) => ({ bot: bot.id, channel: 'zalo_personal' as const, userId, groupId: 'g-unit' });
    const orderOf = async (ref: ReturnType<typeof inGroup>) =>
      (await rig.conversation.dailyQuestionMessage(bot.id, '2023-06-12', 'vi', ref))!.choices!.map((c) => c.payload.split('|')[5]);
    // The post the fan-out makes once for the group (no member), and what each member would be shown: one order.
    const post = await orderOf(inGroup(''));
    expect(await orderOf(inGroup('hoa'))).toEqual(post);
    expect(await orderOf(inGroup('minh'))).toEqual(post);
    expect(orderSeat(inGroup('hoa'))).toBe(orderSeat(inGroup('')));
    // Outside the group each member keeps their own order.
    expect(orderSeat({ bot: bot.id, channel: 'messenger', userId: 'hoa' })).not.toBe(orderSeat({ bot: bot.id, channel: 'messenger', userId: 'minh' }));
  });

  it('a contest attempt that runs out of time closes itself; the job and the next message agree', async () => {
    rig.now = JUNE_10;
    await onboard('thi', 'thpt-1', 'Thí sinh');
    expect(all(await tap('thi', 'CONTEST|begin'))).toContain('Câu 1/3');
    rig.now = plus(1);
    await say('thi', await contestRightLetter(db.models, 'thi'));
    rig.now = plus(6);
    expect(await rig.conversation.closeExpiredAttempts()).toBe(1);
    const attempt = await db.models.ContestAttempt.findOne({ displayName: 'Thí sinh' }).lean();
    expect(attempt).toMatchObject({ status: 'expired', answered: 1, correct: 1, timeTakenMs: 5 * 60_000 });
    const late = all(await say('thi', 'B'));
    expect(late).toContain('Hết giờ');
    const p = await db.models.Participant.findOne({ userId: 'thi' }).lean();
    expect(await db.models.Answer.countDocuments({ participantId: p!._id, mode: 'contest' })).toBe(1);
    expect((p!.state as { contest?: unknown }).contest).toBeUndefined();
  });

  it('a finished attempt is ranked; the member sees their standing; results and prizes come out in XLSX', async () => {
    rig.now = plus(60);
    await tap('lan', 'CONTEST|begin');
    for (let i = 0; i < 3; i++) await say('lan', await contestRightLetter(db.models, 'lan'));
    rig.now = plus(62);
    expect(all(await say('lan', '1'))).toContain('3/3');
    const standing = all(await say('lan', 'thứ hạng'));
    expect(standing).toContain('xếp hạng 1/2 với 3/3');

    const results = (await rig.conversation.contestResults('test-contest'))!;
    const round = results.rounds[0]!;
    expect(round.perfect).toBe(1);
    expect(round.ranking.map((r) => [r.name, r.correct, r.predictionDistance])).toEqual([
      ['Lan', 3, 0],
      ['Thí sinh', 1, null],
    ]);
    expect(round.prizes.map((p) => [p.prize, p.winner.name])).toEqual([
      ['first', 'Lan'],
      ['second', 'Thí sinh'],
    ]);
    expect(round.collective.map((u) => u.unitId)).toEqual(['thpt-1', 'so-yte']);

    const file = path.join(os.tmpdir(), `results-${process.pid}.xlsx`);
    const { t } = await createI18n('content');
    await writeResultsXlsx(results, file, t);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.getWorksheet('Vòng 1 cá nhân')!.getRow(2).getCell(2).value).toBe('Lan');
    expect(wb.getWorksheet('Giải thưởng')!.getRow(2).getCell(3).value).toBe('Giải nhất');
    // Submitted at plus(62) = 02:02 UTC = 09:02 in Vietnam.
    expect(wb.getWorksheet('Vòng 1 cá nhân')!.getRow(2).getCell(9).value).toBe('10/06/2023 09:02:00');
    await writeResultsXlsx(results, file, t, 'en');
    const en = new ExcelJS.Workbook();
    await en.xlsx.readFile(file);
    expect(en.getWorksheet('Round 1 individual')!.getRow(2).getCell(2).value).toBe('Lan');
    expect(en.getWorksheet('Prizes')!.getRow(2).getCell(3).value).toBe('First prize');
    fs.rmSync(file);
  });

  it('delete my data removes the participant, their answers and attempts; writing again starts over', async () => {
    rig.now = plus(120);
    const p = await db.models.Participant.findOne({ userId: 'lan' }).lean();
    await say('lan', 'xóa dữ liệu');
    expect(all(await tap('lan', 'DELETE|yes'))).toContain('Đã xóa');
    expect(await db.models.Participant.countDocuments({ _id: p!._id })).toBe(0);
    expect(await db.models.Answer.countDocuments({ participantId: p!._id })).toBe(0);
    expect(await db.models.ContestAttempt.countDocuments({ participantId: p!._id })).toBe(0);
    expect(all(await say('lan', 'điểm của tôi'))).toContain('91/2025/QH15');
    const again = await db.models.Participant.findOne({ userId: 'lan' }).lean();
    expect(again).toMatchObject({ consent: null, displayName: null });
  });

  it('“Dừng” stops broadcasts at once and unfollow unsubscribes', async () => {
    rig.now = plus(130);
    await say('twin', 'Dừng');
    expect((await db.models.Participant.findOne({ userId: 'twin' }).lean())!.subscribed).toBe(false);
    await say('twin', 'nhắc nhở');
    expect((await db.models.Participant.findOne({ userId: 'twin' }).lean())!.subscribed).toBe(true);
    await rig.conversation.handler(event('twin', rig.now, { kind: 'unfollow' }));
    expect((await db.models.Participant.findOne({ userId: 'twin' }).lean())!.subscribed).toBe(false);
    await rig.conversation.handler(event('stranger', rig.now, { kind: 'unfollow' }));
    expect(await db.models.Participant.countDocuments({ userId: 'stranger' })).toBe(0);
  });
});

describe('the admin API’s contests port', () => {
  it("lists contests and gives results and prizes with unit names, durations and local times, in the caller's language", async () => {
    const { contestsPort } = await import('../../../src/conversation/index.js');
    const { t } = await createI18n('content');
    const port = contestsPort({ bots: [bot] }, (id) => rig.conversation.contestResults(id), { t, timeZone: 'Asia/Ho_Chi_Minh' });
    expect((await port.list({ bots: null, locale: 'vi' })).map((c) => c.id)).toEqual(['test-contest']);
    expect(await port.list({ bots: ['other'], locale: 'vi' })).toEqual([]);
    const results = (await port.results('test-contest', 'vi'))!;
    // Lan deleted her data above; the other contestant's attempt expired after 5 minutes, at 01:05 UTC = 08:05 in Vietnam.
    expect(results.rows[0]).toMatchObject({
      rank: 1,
      name: 'Thí sinh',
      unit: 'CĐCS Trường THPT số 1',
      prizeLabel: 'Giải nhất',
      submittedAtLocal: '10/06/2023 08:05:00',
      duration: '5 phút 00 giây',
    });
    expect(results.rounds[0]!.heading).toBe('Vòng 1: 1 người được xếp hạng, 0 người đúng tất cả các câu');
    expect(results.columns.duration).toBe('Thời gian làm bài');
    expect((await port.results('test-contest', 'en'))!.rows[0]!.prizeLabel).toBe('First prize');
    const prizes = (await port.prizes('test-contest', 'vi'))!;
    expect(prizes.rows.some((r) => r.kind === 'collective' && r.kindLabel === 'Tập thể')).toBe(true);
    expect(await port.results('nope', 'vi')).toBeNull();
  });
});

describe('all-time boards come from the members’ totals', () => {
  it('ranks by daily answers right, then fewer answers, and “my score” agrees with the board', async () => {
    rig.now = plus(200);
    await onboard('allA', 'so-yte', 'An');
    await onboard('allB', 'so-yte', 'Bình');
    const ids = await db.models.Participant.find({ userId: { $in: ['allA', 'allB'] } }).lean();
    const byUser = new Map(ids.map((p) => [p.userId, p._id]));
    await db.models.Participant.updateOne({ _id: byUser.get('allA') }, { $set: { 'totals.dailyCorrect': 5, 'totals.dailyAnswered': 9 } });
    await db.models.Participant.updateOne({ _id: byUser.get('allB') }, { $set: { 'totals.dailyCorrect': 5, 'totals.dailyAnswered': 6 } });
    const board = all(await tap('allA', 'LB|individual|all'));
    expect(board).toMatch(/1\. Bình: 5 câu đúng\n2\. An: 5 câu đúng/);
    expect(board).toContain('Bạn: hạng 2');
    expect(board).toContain('ai trả lời ít câu hơn');
    expect(all(await say('allA', 'điểm của tôi'))).toMatch(/Xếp hạng chung: 2\/\d+/);
    const units = all(await tap('allA', 'LB|units|all'));
    expect(units).toContain('CĐCS Sở Y tế: 10 câu đúng, 2 người tham gia');
  });
});
