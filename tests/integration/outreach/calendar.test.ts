import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { content, makeOutreach, recordingSend } from './harness.js';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('outreach_calendar');
});
afterAll(async () => db?.close());

const reminderKeys = async (h: Awaited<ReturnType<typeof makeOutreach>>) =>
  (await h.scheduler.agenda.queryJobs({ name: 'campaign-reminder' })).jobs.map((j) => (j.data as { key: string }).key).sort();

describe('a calendar that ends', () => {
  it('an event given an end drops its scheduled reminders, and a reminder job of an ended event sends nothing', async () => {
    const { send } = recordingSend();
    // 01/8/2026: the ICT day reminders of 21/8, 27/8 and 28/8/2026 are ahead.
    const h = await makeOutreach(db, send, new Date('2026-08-01T00:00:00Z'));
    await h.outreach.syncCampaignJobs(content);
    expect((await reminderKeys(h)).filter((k) => k.includes('ict-day'))).toEqual([
      'cds/ict-day/2026-08-28/-0d',
      'cds/ict-day/2026-08-28/-1d',
      'cds/ict-day/2026-08-28/-7d',
    ]);
    const scheduled = (await h.scheduler.agenda.queryJobs({ name: 'campaign-reminder', data: { key: 'cds/ict-day/2026-08-28/-7d' } })).jobs[0]!;
    const jobData = scheduled.data as Record<string, unknown>;

    // The body behind 28/8 was merged: the event now ends with 2024.
    const campaign = content.campaigns[0]!;
    const ended = {
      ...content,
      campaigns: [{ ...campaign, events: campaign.events.map((e) => (e.id === 'ict-day' ? { ...e, until: '2024-12-31' } : e)) }],
    };
    await h.outreach.syncCampaignJobs(ended);
    expect((await reminderKeys(h)).filter((k) => k.includes('ict-day'))).toEqual([]);
    expect((await reminderKeys(h)).filter((k) => k.includes('national-dt-day'))).toHaveLength(3);

    // A job scheduled before the change (another process, a race) runs anyway: nothing is sent.
    h.now.value = new Date('2026-08-21T01:00:00Z');
    await h.outreach.runCampaignReminder(jobData);
    expect(await db.models.Broadcast.countDocuments({ kind: 'reminder' })).toBe(0);
    // ...and it does not bring the ended event's reminders back.
    expect((await reminderKeys(h)).filter((k) => k.includes('ict-day'))).toEqual([]);
  });

  it('a reminder of an event still in the calendar is sent as before', async () => {
    const { send } = recordingSend();
    const h = await makeOutreach(db, send, new Date('2026-10-01T00:00:00Z'));
    await h.outreach.syncCampaignJobs(content);
    const job = (await h.scheduler.agenda.queryJobs({ name: 'campaign-reminder', data: { key: 'cds/national-dt-day/2026-10-10/-7d' } })).jobs[0]!;
    h.now.value = new Date('2026-10-03T01:00:00Z');
    await h.outreach.runCampaignReminder(job.data as Record<string, unknown>);
    expect(await db.models.Broadcast.countDocuments({ kind: 'reminder', _id: 'reminder:cds/national-dt-day/2026-10-10/-7d' })).toBe(1);
  });
});
