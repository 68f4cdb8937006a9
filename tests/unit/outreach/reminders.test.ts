import { describe, expect, it } from 'vitest';
import { campaignFileSchema, botSchema, type ContentBundle } from '../../../src/content/schema.js';
import { occurrenceInCalendar, reminderTimes, upcomingReminders } from '../../../src/outreach/index.js';

const zone = 'Asia/Ho_Chi_Minh';
const local = (d: Date) => d.toLocaleString('sv-SE', { timeZone: zone }).slice(0, 16);

const campaign = campaignFileSchema.parse({
  id: 'cds',
  title: { vi: 'Chuyển đổi số' },
  facts: ['N09'],
  events: [
    { id: 'national-dt-day', title: { vi: 'Ngày Chuyển đổi số quốc gia' }, yearly: '10-10', message: { key: 'campaigns:dt_day.reminder' } },
    { id: 'ict-day', title: { vi: 'Ngày truyền thống ngành TT&TT' }, yearly: '08-28', message: { key: 'campaigns:ict_day.reminder' } },
    { id: 'ict-union-day', title: { vi: 'Ngày thành lập Công đoàn TT&TT' }, yearly: '08-30', time: '09:30', message: { key: 'campaigns:ict_union.reminder' } },
    { id: 'report-2025', title: { vi: 'Hạn báo cáo' }, date: '2025-11-15', reminderDaysBefore: [3], message: { key: 'campaigns:report.reminder' } },
  ],
});
const bot = botSchema.parse({
  id: 'demo',
  name: { vi: 'Demo' },
  organisation: { vi: 'CĐVC' },
  dailyQuestion: { cron: '0 8 * * *' },
  topics: ['cds'],
  campaigns: ['cds'],
  units: 'example',
});
const content: Pick<ContentBundle, 'bots' | 'campaigns'> = { bots: [bot], campaigns: [campaign] };

describe('campaign reminders (Asia/Ho_Chi_Minh)', () => {
  it('reminds of 10/10/2026 on 03/10 and 09/10 at 08:00 and on the day', () => {
    const times = reminderTimes(campaign.events[0]!, '2026-10-10', zone);
    expect(times.map((r) => [r.daysBefore, local(r.at)])).toEqual([
      [7, '2026-10-03 08:00'],
      [1, '2026-10-09 08:00'],
      [0, '2026-10-10 08:00'],
    ]);
    // 08:00 in Hà Nội is 01:00 UTC.
    expect(times[0]!.at.toISOString()).toBe('2026-10-03T01:00:00.000Z');
  });

  it('sends the on-the-day reminder at the event time', () => {
    const times = reminderTimes(campaign.events[2]!, '2026-08-30', zone);
    expect(times.map((r) => local(r.at))).toEqual(['2026-08-23 08:00', '2026-08-29 08:00', '2026-08-30 09:30']);
  });

  it('lists the next reminder of each yearly event, rolling over to next year once passed', () => {
    const now = new Date('2026-10-05T00:00:00Z'); // 05/10/2026 07:00 local
    const slots = upcomingReminders(content, now, zone);
    const byKey = Object.fromEntries(slots.map((s) => [s.key, local(s.at)]));
    expect(byKey).toEqual({
      'cds/national-dt-day/2027-10-10/-7d': '2027-10-03 08:00',
      'cds/national-dt-day/2026-10-10/-1d': '2026-10-09 08:00',
      'cds/national-dt-day/2026-10-10/-0d': '2026-10-10 08:00',
      'cds/ict-day/2027-08-28/-7d': '2027-08-21 08:00',
      'cds/ict-day/2027-08-28/-1d': '2027-08-27 08:00',
      'cds/ict-day/2027-08-28/-0d': '2027-08-28 08:00',
      'cds/ict-union-day/2027-08-30/-7d': '2027-08-23 08:00',
      'cds/ict-union-day/2027-08-30/-1d': '2027-08-29 08:00',
      'cds/ict-union-day/2027-08-30/-0d': '2027-08-30 09:30',
    });
    // The one-off 2025 report deadline has passed: nothing for it.
    expect(slots.every((s) => s.eventId !== 'report-2025')).toBe(true);
    expect(slots[0]!.bots).toEqual(['demo']);
  });

  it('gives the same keys for the same content, so re-syncing creates nothing new', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(upcomingReminders(content, now, zone).map((s) => s.key)).toEqual(upcomingReminders(content, now, zone).map((s) => s.key));
  });

  it('gives a moved event new keys and times', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const moved = { ...campaign, events: [{ ...campaign.events[0]!, yearly: '10-11' }] };
    const slots = upcomingReminders({ bots: [bot], campaigns: [moved] }, now, zone);
    expect(slots.map((s) => s.key)).toEqual(['cds/national-dt-day/2026-10-11/-7d', 'cds/national-dt-day/2026-10-11/-1d', 'cds/national-dt-day/2026-10-11/-0d']);
  });

  it('never reminds of an occurrence after a yearly event ends (until), and ends nothing perennial', () => {
    const ended = campaignFileSchema.parse({
      id: 'brvt',
      title: { vi: 'Phong trào 2022–2025' },
      facts: ['seed-001-x'],
      events: [
        { id: 'report-15-11', title: { vi: 'Báo cáo 15/11' }, yearly: '11-15', until: '2025-12-31', message: { key: 'campaigns:r.reminder' } },
        { id: 'report-25-11', title: { vi: 'Báo cáo 25/11' }, yearly: '11-25', until: '2026-11-25', message: { key: 'campaigns:r.reminder' } },
        { id: 'dt-day', title: { vi: '10/10' }, yearly: '10-10', perennial: true, message: { key: 'campaigns:r.reminder' } },
      ],
    });
    const withEnded = { bots: [{ ...bot, campaigns: ['brvt'] }], campaigns: [ended] };
    // 01/11/2026: the 2025 movement's report days are over; the 25/11/2026 occurrence is the last one.
    const keys = upcomingReminders(withEnded, new Date('2026-11-01T00:00:00Z'), zone).map((s) => s.key);
    expect(keys.filter((k) => k.includes('report-15-11'))).toEqual([]);
    expect(keys.filter((k) => k.includes('report-25-11'))).toEqual([
      'brvt/report-25-11/2026-11-25/-7d',
      'brvt/report-25-11/2026-11-25/-1d',
      'brvt/report-25-11/2026-11-25/-0d',
    ]);
    expect(keys.filter((k) => k.includes('dt-day'))).toHaveLength(3);
    // After 25/11/2026 nothing of the ended events is left, whatever the year.
    for (const now of ['2026-11-26T00:00:00Z', '2030-01-01T00:00:00Z']) {
      expect(upcomingReminders(withEnded, new Date(now), zone).every((s) => s.eventId === 'dt-day')).toBe(true);
    }
    expect(occurrenceInCalendar(ended.events[0]!, '2025-11-15')).toBe(true);
    expect(occurrenceInCalendar(ended.events[0]!, '2026-11-15')).toBe(false);
    expect(occurrenceInCalendar(ended.events[2]!, '2099-10-10')).toBe(true);
  });

  it('sends nothing for a campaign no bot lists', () => {
    const lonely = { ...bot, campaigns: [] };
    expect(upcomingReminders({ bots: [lonely], campaigns: [campaign] }, new Date('2026-01-01T00:00:00Z'), zone)).toEqual([]);
  });
});
