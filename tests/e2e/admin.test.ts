import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createAdminService } from '../../src/admin/index.js';
import { formatPercent } from '../../src/domain/index.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createStats } from '../../src/stats/index.js';
import { recordUnanswered } from '../../src/learning/index.js';
import { openTestDb, type TestDb } from '../helpers/db.js';
import { PERCENT_CASES } from '../fixtures/percent-cases.js';
import { failureScreenshotPath, hasChromium, launchChromium, screenshot } from './browser.js';

const EMAIL = 'e2e@example.org';
const PASSWORD = 'e2e-password-123';
const ORGANISER = 'to-chuc@example.org';

/** Members of the demo bot (units of content/units/demo.yaml) who answered the daily question over the last DAYS days. */
const MEMBERS = [
  { name: 'Nguyễn Thị Lan', unitId: 'cdcs-thpt-so-1' },
  { name: 'Trần Văn Minh', unitId: 'cdcs-so-khcn' },
  { name: 'Lê Thị Hoa', unitId: 'cdcs-benh-vien' },
  { name: 'Phạm Văn Đức', unitId: 'cdcs-thpt-so-1' },
];
const DAYS = 7;
/** The browser as an organiser in Vietnam has it: Vietnamese first, Vietnam's time. */
const VIETNAM = { locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' } as const;
const QUESTION_IDS = ['np-001', 'np-002', 'ds-001', 'ds-002', 'ds-003'];

/** Finished attempts at round 1 of the demo bot's contest (bots/demo.yaml), so the results table has rows. */
const CONTEST_ENTRIES = [
  { name: 'Phạm Thị Dung', unitId: 'cdcs-thpt-so-1', correct: 7, prediction: 3, seconds: 600 },
  { name: 'Trần Thị Bình', unitId: 'cdcs-thpt-so-1', correct: 9, prediction: 2, seconds: 420 },
  { name: 'Nguyễn Văn An', unitId: 'cdcs-so-khcn', correct: 10, prediction: 1, seconds: 300 },
  { name: 'Lê Văn Cường', unitId: 'cdcs-benh-vien', correct: 9, prediction: 1, seconds: 510 },
];

/** A broadcast sent yesterday at 08:00 Vietnam time, with deliveries in every state, so its report has figures. */
const SENT_BROADCAST = { id: 'bc-20261201-0e2e0e2e', title: 'Nhắc ôn tập trước Ngày Chuyển đổi số' };
async function seedSentBroadcast(db: TestDb, members: readonly Types.ObjectId[]): Promise<void> {
  const sendAt = new Date(Date.now() - 86_400_000);
  await db.models.Broadcast.create({
    _id: SENT_BROADCAST.id,
    kind: 'manual',
    status: 'done',
    title: SENT_BROADCAST.title,
    message: { vi: { text: 'Ôn tập cùng chatbot mỗi ngày!', choices: [], link: null }, en: null },
    messageRef: null,
    daily: null,
    audience: { bots: ['demo'], channels: [], units: [], activeWithinDays: null, answeredToday: null },
    eventUpdate: false,
    sendAt,
    createdBy: EMAIL,
    startedAt: sendAt,
    finishedAt: new Date(sendAt.getTime() + 120_000),
    cancelledAt: null,
    cursor: { lastParticipantId: null, batches: 1, complete: true, doneBatches: [0] },
    audienceSize: 7,
  });
  const at = (min: number) => new Date(sendAt.getTime() + min * 60_000);
  const rows = [
    { channel: 'messenger', unitId: 'cdcs-thpt-so-1', status: 'sent', sentAt: at(1), readAt: at(5) },
    { channel: 'messenger', unitId: 'cdcs-thpt-so-1', status: 'sent', sentAt: at(1) },
    { channel: 'zalo_oa', unitId: 'cdcs-so-khcn', status: 'sent', sentAt: at(1), readAt: at(30) },
    { channel: 'messenger', unitId: 'cdcs-so-khcn', status: 'skipped', reason: 'window_closed', errorClass: 'window_closed' },
    { channel: 'messenger', unitId: 'cdcs-benh-vien', status: 'skipped', reason: 'window_closed', errorClass: 'window_closed' },
    { channel: 'zalo_oa', unitId: 'cdcs-benh-vien', status: 'skipped', reason: 'unsubscribed' },
    { channel: 'zalo_oa', unitId: null, status: 'failed', errorClass: 'auth', reason: 'Zalo error -216: access token is invalid', attempts: 3 },
  ];
  await db.models.Delivery.insertMany(
    rows.map((r, i) => ({
      broadcastId: SENT_BROADCAST.id,
      participantId: members[i] ?? new Types.ObjectId(),
      bot: 'demo',
      locale: 'vi',
      batch: 0,
      batchKey: `${SENT_BROADCAST.id}:0`,
      ...r,
    })),
  );
}

/** What an organiser must never read: code keys, UTC ISO times, internal ids. */
function expectNoRawData(text: string): void {
  expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  for (const raw of [
    'byStatus',
    'byReason',
    'window_closed',
    'unsubscribed',
    'failed_auth',
    'timeTakenMs',
    'predictionDistance',
    'participationRate',
    'submittedAt',
  ]) {
    expect(text, raw).not.toContain(raw);
  }
  for (const id of ['cdcs-', 'bc-2026', 'demo-contest', 'np-00', 'ds-00']) expect(text, id).not.toContain(id);
}

describe.runIf(hasChromium)('admin pages in a real browser', () => {
  let db: TestDb;
  let rt: Runtime;
  let browser: Browser;
  let page: Page;
  let seededAnswers = 0;
  /** The organiser's one-time password, shown once when an admin creates them. */
  let organiserPassword = '';
  const cspViolations: string[] = [];

  beforeAll(async () => {
    db = await openTestDb('e2e');
    await createAdminService(db.models, { sessionSecret: undefined }).createUser({ email: EMAIL, role: 'admin', password: PASSWORD });
    // A week of daily answers by a few members of the demo bot's example units, so every chart and
    // the leaderboard have something to show (and the screenshots of docs/ look like a real week).
    const stats = createStats(db.models, { timeZone: 'Asia/Ho_Chi_Minh', catchUpEveryMs: 0 });
    const today = new Date();
    const dayOf = (d: number) => new Date(today.getTime() - d * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10);
    const members = await db.models.Participant.insertMany(
      MEMBERS.map((m, i) => ({
        bot: 'demo',
        channel: 'web',
        userId: `e2e-member-${i}`,
        displayName: m.name,
        unitId: m.unitId,
        consent: { at: new Date(today.getTime() - (DAYS + i) * 86_400_000), version: '1' },
        subscribed: true,
        lastInboundAt: today,
      })),
    );
    const docs = [];
    for (let d = 0; d < DAYS; d++) {
      for (const [i, p] of members.entries()) {
        if ((d + 2 * i) % 5 === 4) continue; // not everyone answers every day
        docs.push({
          participantId: p._id,
          bot: 'demo',
          channel: 'web',
          unitId: p.unitId,
          questionId: QUESTION_IDS[(d + i) % QUESTION_IDS.length]!,
          revision: 'r',
          mode: 'daily',
          day: dayOf(d),
          attemptId: null,
          choice: 0,
          correct: (d * 3 + i) % 4 !== 0,
          timeTakenMs: 5000 + 1000 * i,
          answeredAt: new Date(today.getTime() - d * 86_400_000),
        });
        // Some also practise: answers that count in the totals but not as another participant.
        if ((d + i) % 3 === 0) {
          for (const [k, questionId] of ['ds-004', 'ds-005'].entries()) {
            docs.push({ ...docs.at(-1)!, questionId, mode: 'practice', correct: k === 0, answeredAt: new Date(today.getTime() - d * 86_400_000 + 60_000) });
          }
        }
      }
    }
    seededAnswers = docs.length;
    for (const a of await db.models.Answer.insertMany(docs)) await stats.listener.answerRecorded(a.toObject());
    for (const p of members) {
      const mine = docs.filter((a) => a.participantId.equals(p._id));
      const daily = mine.filter((a) => a.mode === 'daily');
      const practice = mine.filter((a) => a.mode === 'practice');
      const right = (list: typeof mine) => list.filter((a) => a.correct).length;
      p.set({
        totals: {
          answered: mine.length,
          correct: right(mine),
          dailyAnswered: daily.length,
          dailyCorrect: right(daily),
          practiceAnswered: practice.length,
          practiceCorrect: right(practice),
        },
      });
      p.set({ streak: { current: 1, best: 3, lastDay: dayOf(0) } });
      await p.save();
      await stats.listener.participantChanged(p.toObject());
    }
    const contestStart = new Date('2026-11-02T01:00:00Z');
    await db.models.ContestAttempt.insertMany(
      CONTEST_ENTRIES.map((e, i) => ({
        bot: 'demo',
        contestId: 'demo-contest',
        round: '1',
        participantId: new Types.ObjectId(),
        channel: 'web',
        unitId: e.unitId,
        displayName: e.name,
        questions: Array.from({ length: 10 }, (_, q) => ({ questionId: `q-${q}`, revision: 'r' })),
        status: 'finished',
        startedAt: new Date(contestStart.getTime() + i * 3600_000),
        deadline: new Date(contestStart.getTime() + i * 3600_000 + 15 * 60_000),
        finishedAt: new Date(contestStart.getTime() + i * 3600_000 + e.seconds * 1000),
        answered: 10,
        correct: e.correct,
        prediction: e.prediction,
        timeTakenMs: e.seconds * 1000,
      })),
    );
    await seedSentBroadcast(
      db,
      members.map((m) => m._id),
    );
    // Colleagues who joined through invitations (issue 19 item 6), and questions Hỏi đáp could not answer (item 7).
    const inviter = members[1]!._id;
    await db.models.InvitationJoin.collection.insertMany(
      ['cdcs-so-khcn', 'cdcs-so-khcn', 'cdcs-benh-vien'].map((unitId, i) => ({
        bot: 'demo',
        code: 'ABCD2345',
        inviterId: inviter,
        unitId,
        inviteeId: new Types.ObjectId(),
        joinedAt: new Date(Date.now() - i * 86_400_000),
      })),
    );
    await recordUnanswered(db.models, 'demo', 'Giá vàng hôm nay bao nhiêu?', new Date('2026-12-01T02:00:00Z'));
    await recordUnanswered(db.models, 'demo', 'gia vang hom nay bao nhieu?', new Date('2026-12-01T13:30:00Z'));
    await recordUnanswered(db.models, 'demo', 'Chữ ký số cấp ở đâu?', new Date('2026-11-30T01:15:00Z'));
    rt = await startRuntime(db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'silent' }));
    browser = await launchChromium();
    page = await browser.newPage({ ...VIETNAM, viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    await db?.close();
  });

  it('an admin logs in and sees the three charts drawn', async () => {
    await page.goto(`${rt.url}/admin`);
    expect(page.url()).toContain('/admin/login');
    await page.waitForSelector('#login-submit');
    await screenshot(page, 'dang-nhap', { fullPage: false });
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.waitForURL(`${rt.url}/admin`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await page.textContent('#stat-answers')).toBe(String(seededAnswers));
    for (const id of ['chart-series', 'chart-units', 'chart-questions']) {
      const painted = await page.$eval(`#${id}`, (c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return { n, w: canvas.width };
      });
      expect(painted.w, id).toBeGreaterThan(0);
      expect(painted.n, id).toBeGreaterThan(500);
    }
    // Every card follows the date range, and says which (the last 30 days by default).
    expect(await page.textContent('#stat-range')).toMatch(/^Số liệu từ \d\d\/\d\d\/\d{4} đến \d\d\/\d\d\/\d{4} \(giờ Việt Nam\)$/);
    expect(await page.textContent('#overview .card .label')).toBe('Người tham gia trong khoảng ngày');
    // The question chart is labelled with the questions' text, not their ids; units by name.
    // Long labels are drawn on two lines (arrays of lines).
    const labels = await page.evaluate(() =>
      ['chart-questions', 'chart-units'].map((id) =>
        (window as unknown as { Chart: { getChart(c: Element): { data: { labels: Array<string | string[]> } } } }).Chart.getChart(
          document.getElementById(id)!,
        )!.data.labels.map((l) => (Array.isArray(l) ? l.join(' ') : l)),
      ),
    );
    expect(labels[0]!.length).toBeGreaterThan(3);
    for (const label of labels[0]!) expect(label).not.toMatch(/^[a-z]+-\d+$/);
    expect(labels[0]!.some((l) => /[à-ỹ]/.test(l))).toBe(true);
    expect(labels[1]).toContain('CĐCS Trường THPT số 1');
    await screenshot(page, 'tong-quan', { fullPage: false });
    expect(await page.locator('#leaderboard-rows tr').count()).toBe(MEMBERS.length);
    const leaderboard = (await page.textContent('#leaderboard'))!;
    expect(leaderboard).toContain('CĐCS Sở Khoa học và Công nghệ');
    expectNoRawData(leaderboard);
    expect(await page.locator('#leaderboard-units tr').count()).toBe(new Set(MEMBERS.map((m) => m.unitId)).size);
    await screenshot(page.locator('#leaderboard'), 'bang-xep-hang');
    // The leaderboard follows the dates like every card: today alone shows today's daily answers
    // (members i with 2i mod 5 = 4 skip today), at most one right answer each.
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    await page.fill('#from', today);
    await page.fill('#to', today);
    await page.locator('#filters').evaluate((f) => (f as HTMLFormElement).requestSubmit());
    const answeredToday = MEMBERS.filter((_, i) => (2 * i) % 5 !== 4).length;
    await page.waitForFunction((n) => document.querySelectorAll('#leaderboard-rows tr').length === n, answeredToday);
    expect(await page.textContent('#leaderboard-range')).toContain(today.split('-').reverse().join('/'));
    const correctToday = await page.locator('#leaderboard-rows tr td:nth-child(4)').allTextContents();
    expect(correctToday.every((c) => Number(c) <= 1)).toBe(true);
    await screenshot(page.locator('#leaderboard'), 'bang-xep-hang-mot-ngay');
    await page.fill('#from', '');
    await page.fill('#to', '');
    await page.locator('#filters').evaluate((f) => (f as HTMLFormElement).requestSubmit());
    await page.waitForFunction((n) => document.querySelectorAll('#leaderboard-rows tr').length === n, MEMBERS.length);
    // Every card of the refresh has answered before the next test changes the language.
    await page.waitForLoadState('networkidle');
    await screenshot(page.locator('#exports'), 'xuat-du-lieu');
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('every percentage in the page reads as the server writes it: the one table of cases, the accuracy card, the units export', async () => {
    // The page's formatter (common.js `pct`) on the cases the server's formatPercent is tested on.
    const cases = JSON.stringify(PERCENT_CASES);
    const fromPage = (await page.evaluate(
      `(async () => { const { pct } = await import('/admin/static/common.js'); return ${cases}.map((c) => ({ rate: c.rate, vi: pct(c.rate, 'vi'), en: pct(c.rate, 'en') })); })()`,
    )) as typeof PERCENT_CASES;
    expect(fromPage).toEqual(PERCENT_CASES);
    // The dashboard card shows the API's accuracy as the server writes it (not "59,4 %").
    const api = (path: string) => page.evaluate(async (p) => (await fetch(p)).text(), path);
    const overview = JSON.parse(await api('/api/v1/stats/overview')) as { accuracy: number };
    const card = (await page.textContent('#stat-accuracy'))!;
    expect(card).toBe(formatPercent(overview.accuracy, 'vi'));
    expect(card).toMatch(/^\d+(,\d)?%$/);
    // The units export's CSV cells carry the same text for every unit's rate and accuracy.
    const units = JSON.parse(await api('/api/v1/stats/units?bot=demo')) as {
      items: Array<{ name: string | null; rate: number | null; accuracy: number | null }>;
    };
    const [header, ...rows] = parse((await api('/api/v1/exports/units?format=csv&bot=demo')).replace(/^\ufeff/, '')) as string[][];
    expect(header).toEqual(['Chatbot', 'Đơn vị', 'Số đoàn viên', 'Người tham gia', 'Tỉ lệ tham gia', 'Lượt trả lời', 'Số câu đúng', 'Tỉ lệ đúng']);
    expect(units.items.filter((u) => u.rate !== null).length).toBeGreaterThan(0);
    for (const u of units.items.filter((x) => x.name !== null)) {
      const row = rows.find((r) => r[1] === u.name)!;
      expect([row[4], row[7]]).toEqual([formatPercent(u.rate, 'vi'), formatPercent(u.accuracy, 'vi')]);
    }
  }, 30_000);

  it('organisers see invitations per unit and the Hỏi đáp questions nobody could answer, in Vietnamese and English', async () => {
    await page.waitForFunction(() => (document.querySelector('#unanswered-rows')?.textContent ?? '').includes('bao nhieu'));
    const units = await page.$$eval('#unit-rows tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent)));
    // Two colleagues joined through invitations of members of the Department of Science and Technology's union, one of the hospital's.
    expect(units[0]).toEqual(['CĐCS Sở Khoa học và Công nghệ', expect.any(String), expect.stringMatching(/%$/), '2']);
    expect(units.find((r) => r[0] === 'CĐCS Bệnh viện đa khoa')?.[3]).toBe('1');
    expect(units.find((r) => r[0] === 'CĐCS Trường THPT số 1')?.[3]).toBe('0');
    const asked = await page.$$eval('#unanswered-rows tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent)));
    // Asked twice (with and without diacritics), last at 20:30 Vietnam time; the bot by its name.
    expect(asked[0]).toEqual(['gia vang hom nay bao nhieu?', '2', '01/12/2026 20:30', expect.any(String)]);
    expect(asked[0]![3]).not.toBe('demo');
    expect(asked[1]).toEqual(['Chữ ký số cấp ở đâu?', '1', '30/11/2026 08:15', asked[0]![3]]);
    const section = (await page.textContent('#learning'))!;
    expect(section).toContain('Đồng nghiệp được mời đã tham gia');
    expectNoRawData(section);
    await screenshot(page.locator('#learning'), 'don-vi-va-hoi-dap');
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#learning h2')?.textContent === 'Units: participation and invitations');
    expect(await page.textContent('#learning')).toContain('Times asked');
    await screenshot(page.locator('#learning'), 'units-and-hoi-dap-en');
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#overview h2')?.textContent === 'Tổng quan');
    expect(cspViolations).toEqual([]);
  }, 30_000);

  it('the page switches to English and back', async () => {
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#overview h2')?.textContent === 'Overview');
    // Statuses and kinds are words in the page's language too; the charts are drawn again in English.
    await page.waitForFunction(() => document.querySelector('#broadcast-rows tr[data-status="done"] .status')?.textContent === 'Sent');
    // The cards answer in any order: wait for the overview's own request too.
    await page.waitForFunction(() => /^Figures from \d\d\/\d\d\/\d{4} to /.test(document.querySelector('#stat-range')?.textContent ?? ''));
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#overview h2')?.textContent === 'Tổng quan');
  }, 30_000);

  it('works on a phone screen: one column, charts drawn, tables scroll inside their box', async () => {
    const phone = await browser.newPage({ ...VIETNAM, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${rt.url}/admin`);
    await phone.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    const layout = await phone.evaluate(() => {
      const within = (el: Element) => {
        const r = el.getBoundingClientRect();
        return r.left >= -1 && r.right <= window.innerWidth + 1;
      };
      return {
        overflow: document.documentElement.scrollWidth - window.innerWidth,
        // Every section, chart and table box fits the screen; wide tables scroll inside their box.
        outside: Array.from(document.querySelectorAll('section, .chart, .table-wrap, .cards, form'))
          .filter((e) => !within(e))
          .map((e) => e.id || e.className),
        charts: Array.from(document.querySelectorAll('.charts .chart')).map((c) => Math.round(c.getBoundingClientRect().width)),
        header: Math.round(document.querySelector('header')!.getBoundingClientRect().height),
      };
    });
    expect(layout.overflow).toBeLessThanOrEqual(1);
    expect(layout.outside).toEqual([]);
    // The charts stack in one column as wide as the screen allows.
    for (const w of layout.charts) expect(w).toBeGreaterThan(300);
    expect(layout.header).toBeLessThan(140);
    await screenshot(phone, 'dien-thoai', { fullPage: false });
    await screenshot(phone.locator('#overview'), 'dien-thoai-bieu-do');
    await phone.locator('#broadcast-rows tr[data-id="bc-20261201-0e2e0e2e"] button.report').click();
    await phone.waitForSelector('#b-report:not([hidden]) #report-chart');
    await screenshot(phone.locator('#b-report'), 'dien-thoai-bao-cao');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
    await phone.close();
  }, 60_000);

  it('an organiser picks units by name, previews, schedules, edits and cancels a broadcast', async () => {
    const title = 'Thông báo Ngày Chuyển đổi số 10/10';
    const year = new Date().getFullYear() + 1;
    await page.fill('#b-title', title);
    await page.fill('#b-text-vi', 'Ngày Chuyển đổi số quốc gia 10/10: mời đoàn viên tham gia!');
    await page.selectOption('#b-bots', ['demo']);
    // Bots by name, never by id.
    const botNames = await page.$$eval('#b-bots option', (os) => os.map((o) => o.textContent!));
    expect(botNames).toContain('Bot trình diễn Chuyển đổi số');
    for (const name of botNames) expect(name).not.toMatch(/^[a-z0-9-]+$/);
    // Typed without accents, found by name; the unit's id is never shown.
    await page.fill('#b-unit-search', 'truong thpt');
    await page.waitForSelector('#b-unit-options li[data-unit]');
    expect(await page.$$eval('#b-unit-options li', (lis) => lis.map((li) => li.textContent))).toEqual(['CĐCS Trường THPT số 1', 'CĐCS Trường THPT số 2']);
    await screenshot(page.locator('#broadcast-form'), 'thong-bao-chon-don-vi');
    await page.click('#b-unit-options li:has-text("CĐCS Trường THPT số 1")');
    await page.fill('#b-unit-search', 'so khoa hoc');
    await page.press('#b-unit-search', 'Enter');
    expect(await page.$$eval('#b-unit-chosen .chip', (cs) => cs.map((c) => c.textContent!.replace('×', '').trim()))).toEqual([
      'CĐCS Trường THPT số 1',
      'CĐCS Sở Khoa học và Công nghệ',
    ]);
    // 10 October of next year, 08:00 Vietnam time: always in the future.
    await page.fill('#b-send-at', `${year}-10-10T08:00`);
    await page.click('#b-preview');
    await page.waitForSelector('#b-preview-box:not([hidden])', { timeout: 15_000 });
    expect(await page.textContent('#b-preview-text')).toContain('Ngày Chuyển đổi số quốc gia');
    // The seeded members of those two units consented and are subscribed.
    const inUnits = MEMBERS.filter((m) => ['cdcs-thpt-so-1', 'cdcs-so-khcn'].includes(m.unitId)).length;
    expect(await page.textContent('#b-audience')).toBe(`Số người nhận: ${inUnits}`);
    const font = await page.$eval('#b-preview-text', (e) => getComputedStyle(e).fontFamily);
    expect(font).toContain('Be Vietnam Pro');
    expect(await page.evaluate(() => document.fonts.check('16px "Be Vietnam Pro"', 'Ngày Chuyển đổi số'))).toBe(true);
    // The expected reach per path, in words: the seeded members use the web simulator, always reachable.
    expect(await page.textContent('#b-reach')).toContain('Dự kiến tiếp cận theo cách gửi');
    expect(await page.textContent('#b-reach')).toContain(`Trong thời gian được nhắn miễn phí (Messenger 24 giờ, Zalo OA 48 giờ): ${inUnits}`);
    await screenshot(page.locator('#b-preview-box'), 'thong-bao-xem-truoc');
    await page.click('#b-schedule');
    const row = page.locator('#broadcast-rows tr', { hasText: title });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('.status').textContent()).toBe('Đã lên lịch');
    expect(await row.textContent()).toContain(`10/10/${year} 08:00`);
    await screenshot(page.locator('#broadcasts .table-wrap'), 'thong-bao-da-len-lich');

    // Edit: only what changed is sent; the rest (title, units) stays as it was.
    await row.locator('button.edit').click();
    await page.waitForFunction(() => document.querySelector('#b-heading')?.textContent === 'Sửa thông báo đã lên lịch');
    expect(await page.inputValue('#b-send-at')).toBe(`${year}-10-10T08:00`);
    expect(await page.$$eval('#b-unit-chosen .chip', (cs) => cs.length)).toBe(2);
    await page.fill('#b-text-vi', 'Ngày Chuyển đổi số quốc gia 10/10: hẹn gặp lúc 9 giờ!');
    await page.fill('#b-send-at', `${year}-10-10T09:00`);
    await screenshot(page.locator('#broadcast-form'), 'thong-bao-sua');
    await page.click('#b-schedule');
    await page.waitForFunction(() => document.querySelector('#b-message')?.textContent === 'Đã lưu thay đổi.');
    await page.waitForFunction((y) => document.querySelector('#broadcast-rows')?.textContent?.includes(`10/10/${y} 09:00`), year);
    const id = await row.getAttribute('data-id');
    const stored = await db.models.Broadcast.findById(id).lean();
    expect(stored).toMatchObject({
      title,
      audience: { units: ['cdcs-thpt-so-1', 'cdcs-so-khcn'] },
      message: { vi: { text: 'Ngày Chuyển đổi số quốc gia 10/10: hẹn gặp lúc 9 giờ!' } },
    });
    expect(stored!.sendAt.toISOString()).toBe(`${year}-10-10T02:00:00.000Z`);

    await row.locator('button.report').click();
    await page.waitForSelector('#b-report:not([hidden]) .empty');
    expect(await page.textContent('#b-report .empty')).toBe(`Chưa có số liệu: thông báo sẽ được gửi lúc 10/10/${year} 09:00 (giờ Việt Nam).`);
    page.once('dialog', (d) => void d.accept());
    await row.locator('button.cancel').click();
    await page.waitForFunction(
      (title) =>
        Array.from(document.querySelectorAll('#broadcast-rows tr')).some(
          (tr) => tr.textContent?.includes(title) && tr.querySelector('.status')?.textContent === 'Đã huỷ',
        ),
      title,
      { timeout: 15_000 },
    );
    expect(await row.locator('button.edit').count()).toBe(0);
    await screenshot(page.locator('#broadcasts .table-wrap'), 'thong-bao-da-huy');
    expectNoRawData((await page.textContent('#broadcasts'))!);
  }, 90_000);

  it('an organiser reads the report of a sent broadcast in Vietnamese: counts, a chart, reasons in words', async () => {
    await page.locator(`#broadcast-rows tr[data-id="${SENT_BROADCAST.id}"] button.report`).click();
    await page.waitForSelector('#b-report:not([hidden]) #report-chart');
    const report = (await page.textContent('#b-report'))!;
    expect(report).toContain(`Báo cáo: ${SENT_BROADCAST.title}`);
    expect(report).toContain('Đã gửi xong');
    expect(report).toContain('7 người nhận · đã gửi 3 (đã đọc 2) · bỏ qua 3 · lỗi 1 · đang chờ 0');
    expect(report).toContain('2 người đã quá lâu không tương tác với Trang/OA');
    expect(report).toContain('Báo ngay người phụ trách kỹ thuật để kết nối lại Trang Facebook hoặc Zalo OA.');
    // Per channel and per unit, with the units' names and channels in words.
    const units = await page.$$eval('#b-report table:last-of-type tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
    );
    expect(units).toContainEqual(['CĐCS Trường THPT số 1', '2', '2', '1', '0', '0', '0']);
    expect(units).toContainEqual(['(chưa chọn đơn vị)', '1', '0', '0', '0', '1', '0']);
    expect(report).toContain('Zalo OA');
    expectNoRawData(report);
    expect(report).not.toContain('-216');
    const painted = await page.$eval('#report-chart', (c) => (c as HTMLCanvasElement).width);
    expect(painted).toBeGreaterThan(0);
    await screenshot(page.locator('#b-report'), 'thong-bao-bao-cao');
  }, 30_000);

  it("an API error reaches the page in Vietnamese, with the form's own labels", async () => {
    await page.fill('#b-text-vi', '   ');
    await page.fill('#b-send-at', '2020-01-01T08:00');
    await page.click('#b-preview');
    await page.waitForSelector('#b-message .notice.error');
    expect(await page.textContent('#b-message')).toBe('Chưa được: Nội dung (tiếng Việt): không được để trống');
    await page.fill('#b-text-vi', 'Thông báo thử');
    await page.click('#b-preview');
    await page.waitForFunction(() => document.querySelector('#b-message')?.textContent?.includes('đã qua'));
    expect(await page.textContent('#b-message')).toBe('Đã có lỗi: Thời điểm gửi 01/01/2020 08:00 đã qua: hãy chọn một thời điểm sắp tới.');
    await screenshot(page.locator('#broadcast-form, #b-message').last(), 'loi-tieng-viet');
    await page.fill('#b-text-vi', '');
    await page.fill('#b-send-at', '');
    await page.fill('#b-title', '');
  }, 30_000);

  it('an organiser reads the contest results in Vietnamese and downloads them as XLSX', async () => {
    expect(await page.$$eval('#contest-select option', (os) => os.map((o) => o.textContent))).toContain(
      'Cuộc thi trình diễn “Tìm hiểu Chuyển đổi số” (Bot trình diễn Chuyển đổi số)',
    );
    await page.selectOption('#contest-select', 'demo-contest');
    await page.waitForSelector('#contest-results table.ranking tbody tr');
    const rows = await page.$$eval('#contest-results table.ranking tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
    );
    // Most correct first; at equal scores the prediction closer to the one perfect entry wins (Cường before Bình).
    expect(rows.map((r) => r[1])).toEqual(['Nguyễn Văn An', 'Lê Văn Cường', 'Trần Thị Bình', 'Phạm Thị Dung']);
    // Unit names, minutes and seconds, Vietnam time (01:00 UTC = 08:00), prizes in words.
    expect(rows[0]).toEqual(['1', 'Nguyễn Văn An', 'CĐCS Sở Khoa học và Công nghệ', '10/10', '1 (±0)', '5 phút 00 giây', '02/11/2026 10:05:00', 'Giải nhất']);
    expect(rows[1]![5]).toBe('8 phút 30 giây');
    const headers = await page.$$eval('#contest-results table.ranking th', (ths) => ths.map((th) => th.textContent));
    expect(headers).toEqual(['Hạng', 'Tên', 'Đơn vị', 'Số câu đúng', 'Dự đoán', 'Thời gian làm bài', 'Nộp bài lúc (giờ Việt Nam)', 'Giải']);
    const units = await page.$$eval('#contest-results table.units tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
    );
    expect(units[0]).toEqual(['1', 'CĐCS Sở Khoa học và Công nghệ', '1', '30', '3,3%', '10', '10', 'Giải nhất']);
    expect(await page.textContent('#contest-prizes')).toContain('Nguyễn Văn An');
    const text = (await page.textContent('#contests'))!;
    expectNoRawData(text);
    await screenshot(page.locator('#contests'), 'cuoc-thi');

    const href = await page.getAttribute('#contest-results a.contest-xlsx', 'href');
    expect(href).toContain('lang=vi');
    const download = await page.request.get(`${rt.url}${href}`);
    expect(download.status()).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download.body()) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Giải thưởng', 'Vòng 1 cá nhân', 'Vòng 1 tập thể']);
    const ranking = wb.getWorksheet('Vòng 1 cá nhân')!;
    expect(ranking.getRow(1).getCell(8).value).toBe('Thời gian làm bài');
    expect(ranking.getRow(2).values).toEqual([
      undefined,
      1,
      'Nguyễn Văn An',
      'CĐCS Sở Khoa học và Công nghệ',
      10,
      10,
      1,
      0,
      '5 phút 00 giây',
      '02/11/2026 10:05:00',
      'Giải nhất',
    ]);
  }, 30_000);

  it('an admin creates an organiser, sees the one-time password once, and disables and enables them', async () => {
    await page.waitForSelector('#users:not([hidden])');
    await page.fill('#u-email', ORGANISER);
    await page.selectOption('#u-role', 'organiser');
    await page.click('#u-create');
    await page.waitForSelector('#u-message .notice.error');
    expect(await page.textContent('#u-message')).toBe('Người tổ chức cần được giao ít nhất một chatbot.');
    await page.selectOption('#u-bots', ['demo']);
    await page.click('#u-create');
    await page.waitForFunction(() => document.querySelector('#u-message')?.textContent?.includes('to-chuc@example.org'));
    const password = /: (\S+) —/.exec((await page.textContent('#u-message'))!)?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(12);
    organiserPassword = password!;
    // Nobody is offered to disable their own account (the server would refuse it).
    const own = page.locator(`#user-rows tr[data-email="${EMAIL}"]`);
    expect(await own.locator('button.disable').count()).toBe(0);
    expect(await own.locator('.you').textContent()).toBe('(bạn)');
    const row = page.locator('#user-rows tr[data-email="to-chuc@example.org"]');
    expect(await row.locator('.status').textContent()).toBe('Chưa đổi mật khẩu lần đầu');
    const login = await fetch(`${rt.url}/admin/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'to-chuc@example.org', password }),
    });
    expect(login.status).toBe(200);
    await screenshot(page.locator('#users'), 'nguoi-dung');

    page.once('dialog', (d) => void d.accept());
    await row.locator('button.disable').click();
    await page.waitForFunction(() => document.querySelector('#user-rows tr[data-email="to-chuc@example.org"] .status')?.textContent === 'Đã khóa');
    await row.locator('button.enable').click();
    await page.waitForFunction(
      () => document.querySelector('#user-rows tr[data-email="to-chuc@example.org"] .status')?.textContent === 'Chưa đổi mật khẩu lần đầu',
    );
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('an organiser logs in with the one-time password, must choose a new one, and sees only their bot', async () => {
    const context = await browser.newContext({ ...VIETNAM, viewport: { width: 1280, height: 900 } });
    const organiser = await context.newPage();
    await organiser.goto(`${rt.url}/admin/login`);
    await organiser.fill('#email', ORGANISER);
    await organiser.fill('#password', organiserPassword);
    await organiser.click('#login-submit');
    await organiser.waitForSelector('#change-section:not([hidden])');
    await organiser.fill('#new-password', 'mat-khau-moi-2026');
    await screenshot(organiser, 'doi-mat-khau', { fullPage: false });
    await organiser.click('#change-submit');
    await organiser.waitForURL(`${rt.url}/admin`);
    await organiser.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await organiser.isHidden('#users-link')).toBe(true);
    expect(await organiser.isHidden('#jobs-link')).toBe(true);
    expect(await organiser.$$eval('#b-bots option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['demo']);
    await screenshot(organiser, 'nguoi-to-chuc', { fullPage: false });
    await context.close();
  }, 60_000);

  it('an admin creates an API token, sees it once, and revokes it', async () => {
    await page.fill('#k-name', 'Báo cáo tỉnh');
    await page.selectOption('#k-role', 'organiser');
    await page.selectOption('#k-bots', ['demo']);
    await page.click('#k-create');
    await page.waitForFunction(() => document.querySelector('#k-message')?.textContent?.includes('cds_'));
    const token = /(cds_\S+)/.exec((await page.textContent('#k-message'))!)![1]!;
    expect((await fetch(`${rt.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    const row = page.locator('#token-rows tr[data-name="Báo cáo tỉnh"]');
    expect(await row.textContent()).not.toContain(token);
    page.once('dialog', (d) => void d.accept());
    await row.locator('button.revoke').click();
    await page.waitForFunction(() => document.querySelector('#token-rows tr[data-name="Báo cáo tỉnh"] .status')?.textContent === 'Đã thu hồi');
    expect((await fetch(`${rt.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  }, 60_000);

  it('in the simulator a new person onboards, answers a question, and the dashboard counts the answer', async () => {
    const before = await db.models.Answer.countDocuments({});
    const sim = await browser.newPage({ ...VIETNAM, viewport: { width: 420, height: 900 } });
    await sim.context().addCookies(await page.context().cookies());
    await sim.goto(`${rt.url}/simulator`);
    await sim.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await sim.selectOption('#bot', 'demo');
    // The picker names the bot; its id is not for people.
    expect(await sim.textContent('#bot option[value="demo"]')).toBe('Bot trình diễn Chuyển đổi số');
    await sim.click('#new-user');

    /** Waits for a bot message newer than the last tap offering a button (by title, or the first), then taps it. */
    let seen = 0;
    const tap = async (title: string | null) => {
      const found = await sim
        .waitForFunction(
          ({ seen, title }) => {
            for (const bubble of Array.from(document.querySelectorAll('.bubble.bot')).slice(seen)) {
              for (const button of Array.from(bubble.querySelectorAll('button.choice'))) {
                if (title === null || button.textContent?.includes(title)) return button;
              }
            }
            return null;
          },
          { seen, title },
          { timeout: 20_000 },
        )
        .catch(async (err: unknown) => {
          await sim.screenshot({ path: failureScreenshotPath('simulator-stuck'), fullPage: true });
          throw err;
        });
      seen = await sim.locator('.bubble.bot').count();
      await found.asElement()!.click();
    };
    // Every question carries a picture of content/media (issue 19 item 8): the simulator shows it above the question.
    await db.models.Question.updateMany({}, { $set: { image: 'ngay-cds-10-10.png' } });
    await sim.click('#start');
    await tap('Đồng ý'); // consent
    await tap(null); // the first unit offered
    await tap('Ẩn danh'); // anonymous display name
    await tap('Câu hỏi hôm nay');
    const picture = await sim.waitForSelector('.bubble.bot img.picture', { timeout: 20_000 });
    expect(await picture.getAttribute('src')).toBe('/media/ngay-cds-10-10.png');
    await sim.waitForFunction(() => (document.querySelector('.bubble.bot img.picture') as HTMLImageElement | null)?.naturalWidth === 800, null, {
      timeout: 10_000,
    });
    await screenshot(sim, 'thu-chatbot-hinh');
    await tap(null); // answer A
    await sim.waitForFunction((n) => document.querySelectorAll('.bubble.bot').length > n, seen, { timeout: 20_000 }); // the feedback
    await screenshot(sim, 'thu-chatbot');
    await sim.close();

    await expect.poll(() => db.models.Answer.countDocuments({}), { timeout: 15_000 }).toBe(before + 1);
    await page.goto(`${rt.url}/admin`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await expect
      .poll(
        async () => {
          await page.click('#filters button[type="submit"]');
          return page.textContent('#stat-answers');
        },
        { timeout: 15_000 },
      )
      .toBe(String(before + 1));

    // The export link of the dashboard counts it too.
    const href = await page.getAttribute('.export-series-xlsx', 'href');
    const download = await page.request.get(`${rt.url}${href}`);
    expect(download.status()).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download.body()) as never);
    const ws = wb.worksheets[0]!;
    // The page is in Vietnamese, so is the export it links to.
    expect(href).toContain('lang=vi');
    expect(ws.getRow(1).getCell(4).value).toBe('Lượt trả lời');
    let answers = 0;
    ws.eachRow((row, n) => {
      if (n > 1) answers += Number(row.getCell(4).value);
    });
    expect(answers).toBe(before + 1);
  }, 120_000);
});
