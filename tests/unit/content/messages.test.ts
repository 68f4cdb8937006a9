import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadValidContent } from '../../../src/content/index.js';
import { createI18n } from '../../../src/i18n/index.js';
import { reminderText } from '../../../src/outreach/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('shipped campaign messages', () => {
  it('every event reads as finished text in Vietnamese and English on every reminder day', async () => {
    const content = loadValidContent({ botsDir: path.join(ROOT, 'bots'), contentDir: path.join(ROOT, 'content'), root: ROOT });
    const { t } = await createI18n(path.join(ROOT, 'content'));
    let rendered = 0;
    for (const campaign of content.campaigns) {
      for (const event of campaign.events) {
        for (const daysLeft of event.reminderDaysBefore) {
          for (const locale of ['vi', 'en'] as const) {
            // What the reminder job composes (src/outreach reminderText), for a date in the calendar.
            const slot = { message: event.message, title: event.title, eventDate: '2026-10-10', daysBefore: daysLeft, time: event.time, campaignTitle: campaign.title };
            const text = reminderText(t, locale, slot, 'Asia/Ho_Chi_Minh');
            expect(text, `${event.id} ${locale} -${daysLeft}d`).not.toMatch(/\{\{|campaigns:|\.reminder/);
            expect(text.length).toBeGreaterThan(20);
            rendered++;
          }
        }
      }
    }
    expect(rendered).toBeGreaterThan(60);
  });
});
