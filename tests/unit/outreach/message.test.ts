import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type Translate } from '../../../src/i18n/index.js';
import { composeMessage } from '../../../src/outreach/message.js';

let t: Translate;
beforeAll(async () => {
  t = (await createI18n(path.resolve(import.meta.dirname, '../../../content'))).t;
});

const manual = {
  kind: 'manual' as const,
  messageRef: null,
  daily: null,
  message: {
    vi: { text: 'Chào mừng Ngày CĐS', choices: [{ title: 'Tham gia', payload: 'JOIN' }], link: { title: 'Thể lệ', url: 'https://example.org' } },
    en: null,
  },
};

describe('what a member receives', () => {
  it('every broadcast ends with how to stop reminders, in Vietnamese', async () => {
    const m = await composeMessage(manual, 'vi', { t });
    expect(m!.text).toBe('Chào mừng Ngày CĐS\n\nĐể ngừng nhận nhắc nhở, gửi "dừng".');
    expect(m!.choices).toEqual([{ title: 'Tham gia', payload: 'JOIN' }]);
    expect(m!.link).toEqual({ title: 'Thể lệ', url: 'https://example.org' });
  });

  it('an English-speaking member gets the Vietnamese text when no English was written, with an English footer', async () => {
    const m = await composeMessage(manual, 'en', { t });
    expect(m!.text).toBe('Chào mừng Ngày CĐS\n\nTo stop reminders, send "stop".');
  });

  it("a campaign reminder uses the event title in the member's language", async () => {
    const reminder = {
      kind: 'reminder' as const,
      message: null,
      daily: null,
      messageRef: {
        key: 'outreach:reminder.default',
        vars: { date: '10/10/2026' },
        localVars: { title: { vi: 'Ngày Chuyển đổi số quốc gia', en: 'National Digital Transformation Day' } },
        context: null,
      },
    };
    expect((await composeMessage(reminder, 'en', { t }))!.text).toMatch(/^National Digital Transformation Day is coming on 10\/10\/2026\.\n\nTo stop/);
    expect((await composeMessage(reminder, 'vi', { t }))!.text).toMatch(/^Sắp đến sự kiện Ngày Chuyển đổi số quốc gia ngày 10\/10\/2026\./);
  });

  it('sends no daily question when the bot has none today', async () => {
    const daily = { kind: 'daily' as const, message: null, messageRef: null, daily: { bot: 'demo', day: '2026-10-10' } };
    expect(await composeMessage(daily, 'vi', { t, dailyQuestionMessage: () => null })).toBeNull();
  });
});

describe('the weekly recap', () => {
  const recap = { kind: 'recap' as const, message: null, messageRef: null, daily: null, recap: { bot: 'demo', week: '2026-12-07' } };
  const member = { bot: 'demo', channel: 'messenger' as const, userId: 'u1' };

  it('is the member’s own message from the conversation, with its own way out and no reminders footer', async () => {
    const asked: unknown[] = [];
    const m = await composeMessage(recap, 'vi', { t, weeklyRecapMessage: async (...args) => (asked.push(args), { text: '📅 Tổng kết tuần' }) }, member);
    expect(asked).toEqual([['demo', '2026-12-07', 'vi', member]]);
    expect(m).toEqual({ text: '📅 Tổng kết tuần' });
  });

  it('is nothing for a member the conversation has none for (opted out, no answer that week)', async () => {
    expect(await composeMessage(recap, 'vi', { t, weeklyRecapMessage: async () => null }, member)).toBeNull();
  });
});
