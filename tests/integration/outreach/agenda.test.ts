import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { addParticipants, makeOutreach, recordingSend, type Harness } from './harness.js';

let db: TestDb;
let h: Harness | undefined;
beforeAll(async () => {
  db = await openTestDb('agenda');
});
afterAll(async () => {
  await h?.scheduler.stop();
  await db?.close();
});

describe('broadcasts through the running scheduler', () => {
  it('an organiser\'s broadcast sent "now" is delivered by Agenda and reported done', async () => {
    const { send, sent } = recordingSend();
    // Real time: Agenda runs the jobs itself. Quiet hours are off so the test passes at any hour.
    h = await makeOutreach(db, send, new Date(), {}, { QUIET_HOURS: '00:00-00:00' });
    await addParticipants(db.models, 60, { unitId: 'u-agenda' }, 'ag');
    h.outreach.defineJobs();
    await h.scheduler.start();
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Qua Agenda' }, audience: { units: ['u-agenda'] }, eventUpdate: true }, 'o');
    const deadline = Date.now() + 20_000;
    let status = '';
    while (Date.now() < deadline) {
      status = (await h.outreach.broadcasts.get(b.id)).status;
      if (status === 'done') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const report = await h.outreach.broadcasts.report(b.id);
    expect(status).toBe('done');
    expect(report.byStatus.sent).toBe(60);
    expect(new Set(sent.map((s) => s.to.userId)).size).toBe(60);
    expect(sent).toHaveLength(60);
    expect(sent.every((s) => s.options.purpose === 'update')).toBe(true);
  });
});
