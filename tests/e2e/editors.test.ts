import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../src/admin/index.js';
import { botAsks } from '../../src/content/index.js';
import { pickPractice } from '../../src/quiz/index.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';
import { openTestDb, type TestDb } from '../helpers/db.js';
import { failureScreenshotPath, hasChromium, launchChromium, screenshot } from './browser.js';

/** Organisers edit content in the admin page: a question through two people, a reminder, a contest, a unit list. */
const AUTHOR = { email: 'soan@example.org', password: 'soan-password-123' };
const REVIEWER = { email: 'duyet@example.org', password: 'duyet-password-123' };
const VIETNAM = { locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' } as const;
const NEXT_YEAR = new Date().getFullYear() + 1;
/** The question the organiser writes (and a second person publishes), as members will read it. */
const QUESTION = {
  text: 'Ở khu dân cư, ai thường giúp người cao tuổi cài đặt và dùng ứng dụng VNeID?',
  options: ['Nhân viên ngân hàng thương mại', 'Cán bộ các bộ ngành trung ương', 'Tổ công nghệ số cộng đồng', 'Giáo viên tin học điều động về'],
  right: 'Tổ công nghệ số cộng đồng',
  explanation: 'Tổ công nghệ số cộng đồng ở thôn, tổ dân phố hướng dẫn, hỗ trợ người dân dùng dịch vụ số, trong đó có ứng dụng VNeID.',
};

/**
 * Picks a fact in a fact picker by typing words of its text: waits for the fact among the options
 * offered and clicks it (the picker's parts are `<prefix>-search`, `-options`, `-chosen`).
 */
async function pickFact(page: Page, prefix: string, words: string, fact: string, picture?: string): Promise<void> {
  await page.fill(`#${prefix}-search`, words);
  await page.waitForSelector(`#${prefix}-options li[data-fact="${fact}"]`);
  if (picture) await screenshot(page.locator(`#${prefix}`), picture);
  await page.click(`#${prefix}-options li[data-fact="${fact}"]`);
  await page.waitForSelector(`#${prefix}-chosen .chip[data-fact="${fact}"]`);
}

/**
 * A member in the simulator page (/simulator), driven as a person would: taps the buttons of the
 * bot's newest messages and types in the composer.
 */
async function openSimulator(browser: Browser, from: Page, url: string, userId: string) {
  const sim = await browser.newPage({ ...VIETNAM, viewport: { width: 420, height: 900 } });
  await sim.context().addCookies(await from.context().cookies());
  await sim.goto(`${url}/simulator`);
  await sim.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  await sim.selectOption('#bot', 'demo');
  // The member's id on the web channel, typed like any other: leaving the field starts the chat afresh.
  await sim.fill('#user', userId);
  await sim.press('#user', 'Tab');
  /** Bot messages already looked at: each wait is for a newer one. */
  let seen = 0;
  const stuck = async (err: unknown): Promise<never> => {
    await sim.screenshot({ path: failureScreenshotPath(`simulator-stuck-${userId}`), fullPage: true });
    throw err;
  };
  /** The text of the first bot message from the last one read on (newer than the last tapped) that contains `text`. */
  const read = async (text: string): Promise<string> => {
    const found = await sim
      .waitForFunction(
        ({ seen, text }) =>
          Array.from(document.querySelectorAll('.bubble.bot'))
            .slice(seen)
            .map((b, i) => ({ i: seen + i, text: b.textContent ?? '' }))
            .find((b) => b.text.includes(text)) ?? null,
        { seen, text },
        { timeout: 20_000 },
      )
      .catch(stuck);
    const { i, text: full } = (await found.jsonValue()) as { i: number; text: string };
    // Its buttons may be tapped next (the greeting carries the menu, a question its options).
    seen = i;
    return full;
  };
  /** Taps the button titled `title` (exactly, but for a menu's number; the first button when null) of a newer bot message. */
  const tap = async (title: string | null): Promise<void> => {
    const found = await sim
      .waitForFunction(
        ({ seen, title }) => {
          const bubbles = Array.from(document.querySelectorAll('.bubble.bot')).slice(seen);
          for (const [i, bubble] of bubbles.entries())
            for (const button of Array.from(bubble.querySelectorAll('button.choice')))
              // A menu numbers its buttons ("2. Luyện tập").
              if (title === null || button.textContent?.trim().replace(/^\d+\. /, '') === title)
                return { i: seen + i, n: Array.from(bubble.querySelectorAll('button.choice')).indexOf(button) };
          return null;
        },
        { seen, title },
        { timeout: 20_000 },
      )
      .catch(stuck);
    const { i, n } = (await found.jsonValue()) as { i: number; n: number };
    seen = i + 1;
    await sim.locator('.bubble.bot').nth(i).locator('button.choice').nth(n).click();
  };
  const type = async (text: string): Promise<void> => {
    await sim.fill('#text', text);
    await sim.click('#send');
  };
  /** Agrees, picks the first unit offered and types a display name. */
  const onboard = async (name: string): Promise<void> => {
    await sim.click('#start');
    await tap('Đồng ý');
    await tap(null);
    await read('tên gì trên bảng xếp hạng');
    await type(name);
    await read(`Chào ${name}!`);
  };
  return { page: sim, read, tap, type, onboard };
}

describe.runIf(hasChromium)('content editors in a real browser', () => {
  let db: TestDb;
  let rt: Runtime;
  let browser: Browser;
  let page: Page;
  /** The id of the question the first test publishes. */
  let publishedId = '';

  /** A bot's topics as the pickers offer them: `[id, name in Vietnamese]`, by name. */
  function topicOptions(bot: string): Array<[string, string]> {
    const names = (JSON.parse(fs.readFileSync(path.resolve('content/locales/vi/common.json'), 'utf8')) as { topic: Record<string, string> }).topic;
    return rt.content.bots
      .find((b) => b.id === bot)!
      .topics.map((id): [string, string] => [id, names[id]!])
      .sort((a, b) => a[1].localeCompare(b[1], 'vi'));
  }

  async function logIn(who: { email: string; password: string }): Promise<Page> {
    const p = await browser.newPage({ ...VIETNAM, viewport: { width: 1280, height: 900 } });
    await p.goto(`${rt.url}/admin/login`);
    await p.fill('#email', who.email);
    await p.fill('#password', who.password);
    await p.click('#login-submit');
    await p.waitForURL(`${rt.url}/admin`);
    await p.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await p.waitForSelector('#q-rows tr');
    return p;
  }

  beforeAll(async () => {
    db = await openTestDb('e2e_editors');
    const admin = createAdminService(db.models, { sessionSecret: undefined });
    await admin.createUser({ email: AUTHOR.email, role: 'organiser', bots: ['demo'], password: AUTHOR.password });
    await admin.createUser({ email: REVIEWER.email, role: 'admin', password: REVIEWER.password });
    rt = await startRuntime(db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', LOG_LEVEL: 'silent' }));
    browser = await launchChromium();
    page = await logIn(AUTHOR);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    await db?.close();
  });

  it('an organiser writes a question with a live preview; the author cannot review it; a second person reviews and publishes it', async () => {
    await page.click('#q-new');
    await page.selectOption('#qf-topic', 'digital-skills');
    await page.fill('#qf-question', QUESTION.text);
    await page.fill('#qf-options', QUESTION.options.join('\n'));
    await page.selectOption('#qf-answer', 'C');
    await page.fill('#qf-explanation', QUESTION.explanation);
    await page.fill('#qf-question-en', 'In a neighbourhood, who usually helps older people install and use the VNeID app?');
    await page.fill('#qf-options-en', 'Staff of commercial banks\nOfficials of central ministries\nThe community digital technology team\nIT teachers sent in');
    await page.fill('#qf-explanation-en', 'Community digital technology teams guide and help people to use digital services, VNeID among them.');
    // The topic picker offers the topics of the organiser's bot, by name, and nothing the server would refuse.
    expect(await page.$$eval('#qf-topic option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]))).toEqual(topicOptions('demo'));
    // Facts are picked by their text, typed without diacritics; the organiser never types a code.
    await pickFact(page, 'qf-facts', 'to cong nghe so cong dong', 'S04', 'cau-hoi-chon-can-cu');
    await pickFact(page, 'qf-facts', 'vneid dinh danh muc do 2', 'S03');
    expect(await page.textContent('#qf-facts-chosen')).toContain('Tổ công nghệ số cộng đồng được lập ở thôn, tổ dân phố');
    // Pictures of content/media by file name (issue 19 item 8).
    await page.fill('#qf-image', 'ngay-cds-10-10.png');
    await page.fill('#qf-explanation-image', 'he-nhi-phan-1-0.png');
    // The preview shows it as Messenger, a Zalo OA and a Zalo group will, the question's picture first.
    await page.waitForSelector('#qf-preview .preview[data-channel="explanation"] img.picture');
    expect(await page.textContent('#qf-preview .preview[data-channel="messenger"]')).toContain('C. Tổ công nghệ số cộng đồng');
    expect(await page.$$eval('#qf-preview h5', (hs) => hs.map((h) => h.textContent))).toEqual([
      'Messenger',
      'Zalo OA',
      'Nhóm Zalo',
      'Hình cho phần giải thích (gửi sau khi trả lời)',
    ]);
    for (const channel of ['messenger', 'zalo_oa']) {
      expect(await page.getAttribute(`#qf-preview .preview[data-channel="${channel}"] .phone > img.picture:first-child`, 'src')).toMatch(
        /\/media\/ngay-cds-10-10\.png$/,
      );
    }
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#qf-preview img.picture')).every((i) => (i as HTMLImageElement).naturalWidth === 800),
    );
    await screenshot(page.locator('#qf-preview'), 'cau-hoi-hinh-xem-truoc');
    await page.click('#qf-save');
    await page.waitForSelector('#qf-message .notice:not(.error)');
    expect(await page.textContent('#q-trail')).toContain('Bản nháp');
    await screenshot(page.locator('#q-editor'), 'cau-hoi-soan');
    await page.click('#qf-review');
    await page.waitForSelector('#qf-message .notice.error');
    expect(await page.textContent('#qf-message')).toContain('Bạn là người soạn câu hỏi này: cần một người khác duyệt.');
    // Saved and read back after a reload: the same facts, shown by their text and document.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.fill('#q-search', 'nguoi cao tuoi cai dat');
    await page.click('#q-filters button[type="submit"]');
    await page.waitForFunction(() => document.querySelectorAll('#q-rows tr[data-question]').length === 1, null, { timeout: 20_000 });
    await page.click('#q-rows tr[data-question] button');
    await page.waitForSelector('#qf-facts-chosen .chip[data-fact="S03"]');
    const chosen = await page.$$eval('#qf-facts-chosen .chip', (cs) => cs.map((c) => [(c as HTMLElement).dataset.fact, c.textContent]));
    expect(chosen.map(([id]) => id)).toEqual(['S04', 'S03']);
    expect(chosen[0]![1]).toContain('Tổ công nghệ số cộng đồng được lập');
    expect(chosen[1]![1]).toContain('VNeID là ứng dụng định danh điện tử');
    for (const [, text] of chosen) expect(text).not.toMatch(/\bS0\d\b/);
    await screenshot(page.locator('#q-form'), 'cau-hoi-can-cu');

    const reviewer = await logIn(REVIEWER);
    await reviewer.fill('#q-search', 'nguoi cao tuoi cai dat');
    await reviewer.click('#q-filters button[type="submit"]');
    // The list redraws with the search's one row (a load started before the search may answer first).
    await reviewer.waitForFunction(() => document.querySelectorAll('#q-rows tr[data-question]').length === 1, null, { timeout: 20_000 });
    await screenshot(reviewer.locator('#questions'), 'cau-hoi-tim');
    await reviewer.click('#q-rows tr[data-question] button');
    await reviewer.waitForSelector('#qf-review:not([hidden])');
    await reviewer.click('#qf-review');
    await reviewer.waitForSelector('#qf-publish:not([hidden])');
    await reviewer.click('#qf-publish');
    await reviewer.waitForFunction(() => document.getElementById('q-trail')?.textContent?.includes('Đã đăng'));
    expect(await reviewer.textContent('#q-trail')).toContain(`Người duyệt: ${REVIEWER.email}`);
    // Members get it: it is live in the content and in the questions the bots ask.
    const id = (await reviewer.getAttribute('#q-rows tr[data-question]', 'data-question'))!;
    publishedId = id;
    expect(await db.models.Question.findOne({ questionId: id, status: 'published', retiredAt: null }).lean()).not.toBeNull();
    await reviewer.click('#qf-history');
    await reviewer.waitForSelector('#qf-history-rows tr');
    expect(await reviewer.locator('#qf-history-rows tr').count()).toBe(3);
    await reviewer.close();
  }, 90_000);

  it('a member asks the bot for practice in the simulator and gets the published question, answers it and reads the explanation', async () => {
    expect(publishedId).not.toBe('');
    // A practice set over every topic and level starts with the first unseen question in an order
    // fixed per member (pickPractice); this member's first one is the new question.
    const bot = rt.content.bots.find((b) => b.id === 'demo')!;
    const asked = (
      await db.models.Question.find({ topic: { $in: bot.topics }, retiredAt: null, status: 'published' })
        .sort({ questionId: 1 })
        .lean()
    ).filter((q) => botAsks(bot, q));
    expect(asked.map((q) => q.questionId)).toContain(publishedId);
    let member = '';
    for (let i = 0; !member; i++) if (pickPractice({}, asked, new Date(), `web-luyen-tap-${i}`)?.questionId === publishedId) member = `web-luyen-tap-${i}`;

    const chat = await openSimulator(browser, page, rt.url, member);
    await chat.onboard('Hoàng Thị Mai');
    await chat.tap('Luyện tập');
    await chat.tap(`Tất cả chủ đề (${asked.length})`);
    await chat.tap(`Trộn các mức (${asked.length})`);
    const shown = await chat.read(QUESTION.text);
    expect(shown).toContain('Câu 1/10');
    for (const option of QUESTION.options) expect(shown).toContain(option);
    // The options are in this member's own order: the right one is under the letter they see.
    const letter = new RegExp(`([A-D])\\. ${QUESTION.right}`).exec(shown)![1]!;
    await screenshot(chat.page, 'thu-chatbot-cau-hoi-moi', { fullPage: false });
    await chat.tap(letter);
    const feedback = await chat.read(QUESTION.explanation);
    expect(feedback).toContain(`✅ Chính xác! Đáp án là ${letter}. ${QUESTION.right}`);
    expect(feedback).not.toContain(publishedId);
    await screenshot(chat.page, 'thu-chatbot-giai-thich', { fullPage: false });
    await chat.page.close();
    const answer = await db.models.Answer.findOne({ questionId: publishedId }).lean();
    expect(answer).toMatchObject({ correct: true });
  }, 90_000);

  it('an organiser plans a reminder and sees every reminder it will send, in Viet Nam time', async () => {
    await page.click('#c-new');
    await page.fill('#c-title-vi', 'Ngày hội chuyển đổi số của trường');
    await pickFact(page, 'c-facts', 'ngay chuyen doi so quoc gia 10 thang 10', 'N09');
    const event = page.locator('#c-events fieldset.event').first();
    await event.locator('[name="title-vi"]').fill('Ngày hội chuyển đổi số');
    await event.locator('[name="date"]').fill(`${NEXT_YEAR}-03-20`);
    await event.locator('[name="time"]').fill('14:00');
    await event.locator('[name="days"]').fill('2, 0');
    await event.locator('[name="reminder-time"]').fill('07:30');
    await event.locator('[name="text-vi"]').fill('Còn {{daysLeft}} ngày đến {{title}} ({{date}}), mời đoàn viên tham gia!');
    await event.locator('[name="text-en"]').fill('{{daysLeft}} day(s) to {{title}} ({{date}}): join us!');
    await page.click('#c-preview');
    await page.waitForSelector('#c-reminders tr');
    const rows = await page.$$eval('#c-reminders tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual([`18/03/${NEXT_YEAR} 07:30`, `20/03/${NEXT_YEAR} 14:00`]);
    expect(rows[0]![3]).toBe('Bot trình diễn Chuyển đổi số');
    expect(rows[0]![4]).toBe(`Còn 2 ngày đến Ngày hội chuyển đổi số (20/03/${NEXT_YEAR}), mời đoàn viên tham gia!`);
    await page.click('#c-save');
    await page.waitForSelector('#c-message .notice:not(.error)');
    await screenshot(page.locator('#calendar'), 'lich-nhac-xem-truoc');
    expect(rt.content.bots.find((b) => b.id === 'demo')?.campaigns).toContain('ngay-hoi-chuyen-doi-so-cua-truong');
  }, 60_000);

  it('an organiser creates a contest for their bot', async () => {
    await page.click('#ce-new');
    // The contest's topics are its bot's, by name.
    await page.waitForSelector('#ce-topics option');
    expect(await page.$$eval('#ce-topics option', (os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]))).toEqual(topicOptions('demo'));
    await page.fill('#ce-title-vi', `Cuộc thi mùa xuân ${NEXT_YEAR + 1}`);
    await page.fill('#ce-start', `${NEXT_YEAR + 1}-03-01`);
    await page.fill('#ce-end', `${NEXT_YEAR + 1}-03-31`);
    await page.fill('#ce-questions', '5');
    await page.click('#ce-save');
    await page.waitForSelector('#ce-message .notice:not(.error)');
    expect(await page.textContent('#ce-rows')).toContain(`Cuộc thi mùa xuân ${NEXT_YEAR + 1}`);
    await screenshot(page.locator('#contest-setup'), 'thiet-lap-cuoc-thi');
    expect(rt.content.contests.some((c) => c.contest.title.vi === `Cuộc thi mùa xuân ${NEXT_YEAR + 1}`)).toBe(true);
  }, 60_000);

  it('an organiser opens a contest now; a member plays it to the end in the simulator and is in its results', async () => {
    const today = DateTime.now().setZone(VIETNAM.timezoneId);
    const title = `Cuộc thi tháng ${today.toFormat('M/yyyy')} của trường`;
    await page.click('#ce-new');
    await page.fill('#ce-title-vi', title);
    await page.fill('#ce-start', today.toISODate()!);
    await page.fill('#ce-end', today.plus({ days: 6 }).toISODate()!);
    await page.fill('#ce-questions', '3');
    await page.fill('#ce-minutes', '10');
    await page.click('#ce-save');
    await page.waitForSelector('#ce-message .notice:not(.error)');
    const row = page.locator('#ce-rows tr', { hasText: title });
    const contestId = (await row.getAttribute('data-contest'))!;

    const chat = await openSimulator(browser, page, rt.url, 'web-du-thi-1');
    await chat.onboard('Đỗ Văn Hùng');
    await chat.tap('Dự thi');
    // The bot offers the contest just opened (the demo bot's own contest is open too).
    const info = await chat.read(title);
    expect(info).toContain('Mỗi lượt thi gồm 3 câu, làm trong 10 phút');
    await chat.tap('Bắt đầu làm bài');
    await chat.read('Bắt đầu! 3 câu, 10 phút');
    for (let n = 1; n <= 3; n++) {
      await chat.read(`Câu ${n}/3`);
      await chat.tap(null);
    }
    await chat.read('có bao nhiêu người tham gia trả lời đúng tất cả các câu hỏi');
    await chat.type('5');
    const result = await chat.read('🏁 Hoàn thành!');
    expect(result).toMatch(/Bạn trả lời đúng [0-3]\/3 câu trong \d+ phút \d{2} giây/);
    expect(result).toContain('Dự đoán của bạn: 5 người.');
    await screenshot(chat.page, 'thu-chatbot-cuoc-thi', { fullPage: false });
    await chat.page.close();

    // The contest's results in the page show the member, by name and unit.
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    await page.waitForSelector(`#contest-select option[value="${contestId}"]`, { state: 'attached' });
    await page.selectOption('#contest-select', contestId);
    await page.waitForSelector('#contest-results table.ranking tbody tr');
    const rows = await page.$$eval('#contest-results table.ranking tbody tr', (trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(0, 3)).toEqual(['1', 'Đỗ Văn Hùng', 'CĐCS Trường THPT số 1']);
    expect(rows[0]![4]).toMatch(/^5 \(±\d+\)$/);
    await screenshot(page.locator('#contests'), 'cuoc-thi-moi-ket-qua');
  }, 120_000);

  it('an organiser imports a unit list and picks a new unit by name in the broadcast form', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'units-')), 'CĐCS khối Y tế 2026.csv');
    fs.writeFileSync(file, 'Tên đơn vị,Số đoàn viên,Đơn vị cấp trên\nCĐCS Sở Y tế,42,\nCĐCS Bệnh viện tỉnh,120,CĐCS Sở Y tế\nCĐCS Trường THPT số 1,60,\n');
    await page.selectOption('#un-list', 'demo');
    // Before: the sample list's label.
    expect(await page.textContent('#un-list option[value="demo"]')).toContain('Danh sách mẫu');
    await page.setInputFiles('#un-file', file);
    // The list's name is proposed from the file's name, without its extension.
    expect(await page.inputValue('#un-label')).toBe('CĐCS khối Y tế 2026');
    await page.click('#un-import');
    await page.waitForSelector('#un-import-message .notice:not(.error)');
    // The page shows the imported list under its new name, no longer the sample's; the bot keeps naming the same list.
    expect(await page.textContent('#un-list option[value="demo"]')).toBe('CĐCS khối Y tế 2026 (Bot trình diễn Chuyển đổi số)');
    expect(await page.textContent('#un-used')).toContain('Tên danh sách: CĐCS khối Y tế 2026');
    expect(await page.textContent('#un-used')).not.toContain('danh sách mẫu');
    expect(rt.content.bots.find((b) => b.id === 'demo')?.units).toBe('demo');
    expect(rt.content.unitLists.find((l) => l.id === 'demo')?.label).toBe('CĐCS khối Y tế 2026');
    expect(await page.$$eval('#un-rows tr td:first-child', (tds) => tds.map((td) => td.textContent))).toEqual([
      'CĐCS Sở Y tế',
      'CĐCS Bệnh viện tỉnh',
      'CĐCS Trường THPT số 1',
    ]);
    await screenshot(page.locator('#units'), 'don-vi-nhap');
    await page.selectOption('#b-bots', ['demo']);
    await page.fill('#b-unit-search', 'benh vien tinh');
    await page.waitForSelector('#b-unit-options li[data-unit]');
    expect(await page.$$eval('#b-unit-options li', (lis) => lis.map((li) => li.textContent))).toEqual(['CĐCS Bệnh viện tỉnh']);
    await page.click('#b-unit-options li:has-text("CĐCS Bệnh viện tỉnh")');
    expect(await page.textContent('#b-unit-chosen')).toContain('CĐCS Bệnh viện tỉnh');
  }, 60_000);
});
