import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadValidContent } from '../../../src/content/index.js';
import { createI18n } from '../../../src/i18n/index.js';

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
            const text = t(locale, event.message.key, {
              ...event.message.vars,
              title: event.title[locale] ?? event.title.vi,
              campaign: campaign.title[locale] ?? campaign.title.vi,
              date: '10/10/2026',
              time: event.time,
              daysLeft,
              count: daysLeft,
              ...(daysLeft === 0 ? { context: 'today' } : {}),
            });
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
