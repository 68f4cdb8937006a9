import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../src/admin/index.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { createStats } from '../../src/stats/index.js';
import { openTestDb, type TestDb } from '../helpers/db.js';
import { hasChromium, launchChromium, screenshotPath } from './browser.js';

const EMAIL = 'e2e@example.org';
const PASSWORD = 'e2e-password-123';

describe.runIf(hasChromium)('admin pages in a real browser', () => {
  let db: TestDb;
  let rt: Runtime;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    db = await openTestDb('e2e');
    await createAdminService(db.models, { sessionSecret: undefined }).createUser({ email: EMAIL, role: 'admin', password: PASSWORD });
    // A few days of answers so every chart has something to draw.
    const stats = createStats(db.models, { timeZone: 'Asia/Ho_Chi_Minh', catchUpEveryMs: 0 });
    const today = new Date();
    const people = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    const docs = [];
    for (let d = 0; d < 5; d++) {
      const day = new Date(today.getTime() - d * 86_400_000 + 7 * 3600_000).toISOString().slice(0, 10);
      for (const [i, p] of people.entries()) {
        docs.push({
          participantId: p,
          bot: 'demo',
          channel: 'web',
          unitId: `unit-${i}`,
          questionId: `q-${(d + i) % 4}`,
          revision: 'r',
          mode: 'daily',
          day,
          attemptId: null,
          choice: 0,
          correct: (d + i) % 2 === 0,
          timeTakenMs: 5000,
          answeredAt: new Date(today.getTime() - d * 86_400_000),
        });
      }
    }
    for (const a of await db.models.Answer.insertMany(docs)) await stats.listener.answerRecorded(a.toObject());
    rt = await startRuntime(db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'silent' }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.waitForURL(`${rt.url}/admin`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(await page.textContent('#stat-answers')).toBe('15');
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
    await page.screenshot({ path: screenshotPath('admin-overview'), fullPage: true });
    expect(cspViolations).toEqual([]);
  }, 60_000);

  it('the page switches to English and back', async () => {
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#overview h2')?.textContent === 'Overview');
    await page.click('#lang');
    await page.waitForFunction(() => document.querySelector('#overview h2')?.textContent === 'Tổng quan');
  }, 30_000);

  it('works on a phone screen', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true });
    await phone.context().addCookies(await page.context().cookies());
    await phone.goto(`${rt.url}/admin`);
    await phone.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await phone.screenshot({ path: screenshotPath('admin-phone'), fullPage: true });
    await phone.close();
  }, 30_000);

  it('an organiser previews, schedules and cancels a broadcast', async () => {
    await page.fill('#b-title', 'E2E thông báo');
    await page.fill('#b-text-vi', 'Ngày Chuyển đổi số quốc gia 10/10: mời đoàn viên tham gia!');
    await page.selectOption('#b-bots', ['demo']);
    await page.fill('#b-send-at', '2099-10-10T08:00');
    await page.click('#b-preview');
    await page.waitForSelector('#b-preview-box:not([hidden])', { timeout: 15_000 });
    expect(await page.textContent('#b-preview-text')).toContain('Ngày Chuyển đổi số quốc gia');
    await page.screenshot({ path: screenshotPath('broadcast-preview'), fullPage: true });
    await page.click('#b-schedule');
    const row = page.locator('#broadcast-rows tr', { hasText: 'E2E thông báo' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('.status').textContent()).toBe('scheduled');
    page.once('dialog', (d) => void d.accept());
    await row.locator('button.cancel').click();
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('#broadcast-rows tr')).some(
          (tr) => tr.textContent?.includes('E2E thông báo') && tr.querySelector('.status')?.textContent === 'cancelled',
        ),
      undefined,
      { timeout: 15_000 },
    );
    await page.screenshot({ path: screenshotPath('broadcast-cancelled'), fullPage: true });
  }, 60_000);
  it('an admin creates an organiser, sees the one-time password once, and disables and enables them', async () => {
    await page.waitForSelector('#users:not([hidden])');
    await page.fill('#u-email', 'to-chuc@example.org');
    await page.selectOption('#u-role', 'organiser');
    await page.click('#u-create');
    await page.waitForSelector('#u-message .notice.error');
    expect(await page.textContent('#u-message')).toBe('Người tổ chức cần được giao ít nhất một chatbot.');
    await page.selectOption('#u-bots', ['demo']);
    await page.click('#u-create');
    await page.waitForFunction(() => document.querySelector('#u-message')?.textContent?.includes('to-chuc@example.org'));
    const password = /: (\S+) —/.exec((await page.textContent('#u-message'))!)?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(12);
    const row = page.locator('#user-rows tr[data-email="to-chuc@example.org"]');
    expect(await row.locator('.status').textContent()).toBe('Chưa đổi mật khẩu lần đầu');
    const login = await fetch(`${rt.url}/admin/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'to-chuc@example.org', password }),
    });
    expect(login.status).toBe(200);
    await page.screenshot({ path: screenshotPath('admin-users'), fullPage: true });

    page.once('dialog', (d) => void d.accept());
    await row.locator('button.disable').click();
    await page.waitForFunction(() => document.querySelector('#user-rows tr[data-email="to-chuc@example.org"] .status')?.textContent === 'Đã khóa');
    await row.locator('button.enable').click();
    await page.waitForFunction(
      () => document.querySelector('#user-rows tr[data-email="to-chuc@example.org"] .status')?.textContent === 'Chưa đổi mật khẩu lần đầu',
    );
    expect(cspViolations).toEqual([]);
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
    const sim = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await sim.context().addCookies(await page.context().cookies());
    await sim.goto(`${rt.url}/simulator`);
    await sim.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await sim.selectOption('#bot', 'demo');
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
          await sim.screenshot({ path: screenshotPath('simulator-stuck'), fullPage: true });
          throw err;
        });
      seen = await sim.locator('.bubble.bot').count();
      await found.asElement()!.click();
    };
    await sim.click('#start');
    await tap('Đồng ý'); // consent
    await tap(null); // the first unit offered
    await tap('Ẩn danh'); // anonymous display name
    await tap('Câu hỏi hôm nay');
    await tap(null); // answer A
    await sim.waitForFunction((n) => document.querySelectorAll('.bubble.bot').length > n, seen, { timeout: 20_000 }); // the feedback
    await sim.screenshot({ path: screenshotPath('simulator'), fullPage: true });
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
    await page.screenshot({ path: screenshotPath('admin-after-simulator'), fullPage: true });

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
