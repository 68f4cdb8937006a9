import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContent } from '../../../src/content/index.js';
import { upcomingReminders } from '../../../src/outreach/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const zone = 'Asia/Ho_Chi_Minh';
const content = loadContent({ botsDir: path.join(ROOT, 'bots'), contentDir: path.join(ROOT, 'content'), root: ROOT }).bundle;

describe('the shipped calendar from December 2026', () => {
  const slots = upcomingReminders(content, new Date('2026-12-03T00:00:00Z'), zone);

  it('reminds of nothing from the 2022–2025 plans: every one of their events has ended', () => {
    const ended = ['ba-ria-vung-tau-2022-2025', 'dak-nong-ict-day-2023', 'quang-tri-contest-2023', 'quang-ngai-summer-2022'];
    expect(slots.filter((s) => ended.includes(s.campaignId))).toEqual([]);
  });

  it('keeps 10/10 every year with its lead-up, and the 2027 days backed by facts', () => {
    const keys = slots.map((s) => s.key);
    expect(keys).toContain('national-dt-day/national-dt-day/2027-10-10/-30d');
    expect(keys).toContain('national-dt-day/national-dt-day/2027-10-10/-0d');
    expect(keys).toContain('national-2027/dt-month-2027/2027-10-01/-0d');
    const unionDay = slots.find((s) => s.key === 'national-2027/trade-union-day-2027/2027-07-28/-0d');
    expect([...(unionDay?.bots ?? [])].sort()).toEqual(['bac-kan-ldld', 'demo', 'quang-tri-cdvc']);
  });

  it('has no yearly event without an end or a standing date', () => {
    for (const c of content.campaigns) {
      for (const e of c.events.filter((e) => e.yearly)) expect(Boolean(e.until) !== e.perennial, `${c.id}/${e.id}`).toBe(true);
    }
  });
});
