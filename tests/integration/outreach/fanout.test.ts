import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { addParticipants, content, ctx, makeOutreach, recordingSend, runBatches } from './harness.js';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('outreach');
});
afterAll(async () => db?.close());

// 09/10/2026 10:00 in Hà Nội.
const daytime = new Date('2026-10-09T03:00:00Z');

describe('broadcast fan-out', () => {
  it("an organiser's broadcast to one unit reaches every member once, even when every job runs twice", async () => {
    const { send, sent } = recordingSend();
    const h = await makeOutreach(db, send, daytime);
    const unitA = await addParticipants(db.models, 45, { unitId: 'u-once' }, 'once-a');
    await addParticipants(db.models, 10, { unitId: 'u-other' }, 'once-b');
    await addParticipants(db.models, 3, { unitId: 'u-once', subscribed: false }, 'once-c');

    const preview = await h.outreach.broadcasts.preview({
      text: { vi: 'Chào mừng Ngày CĐS 10/10' },
      audience: { units: ['u-once'] },
      sendAt: '2026-10-10T08:00',
    });
    expect(preview.audienceSize).toBe(45);
    expect(preview.sendAtLocal).toBe('10/10/2026 08:00');
    expect(preview.messages[0]!.message.text).toContain('dừng');

    const b = await h.outreach.broadcasts.create(
      { text: { vi: 'Chào mừng Ngày CĐS 10/10', en: 'Happy DT Day' }, audience: { units: ['u-once'] }, sendAt: 'now' },
      'organiser',
    );
    expect(b.audienceSize).toBe(45);
    await h.outreach.fanout.materialise(b.id, ctx);
    await h.outreach.fanout.materialise(b.id, ctx);
    expect(await db.models.Delivery.countDocuments({ broadcastId: b.id })).toBe(45);
    await runBatches(h, b.id, true);

    const recipients = sent.map((s) => s.to.userId);
    expect(new Set(recipients).size).toBe(45);
    expect(recipients).toHaveLength(45);
    expect(sent[0]!.message.text).toMatch(/Chào mừng Ngày CĐS 10\/10\n\n.*dừng/);
    expect(sent[0]!.options.purpose).toBe('update');

    const report = await h.outreach.broadcasts.report(b.id);
    expect(report.total).toBe(45);
    expect(report.byStatus.sent).toBe(45);
    expect(report.byUnit['u-once']!.sent).toBe(45);
    expect(report.broadcast.status).toBe('done');
    expect(unitA).toHaveLength(45);
  });

  it('two runs of one batch at the same time (an expired job lock) still send each message once', async () => {
    const { send, sent } = recordingSend(async () => {
      await new Promise((r) => setTimeout(r, 2));
      return { ok: true, messageIds: [] };
    });
    const h = await makeOutreach(db, send, daytime);
    await addParticipants(db.models, 15, { unitId: 'u-twin' }, 'twin');
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Song song' }, audience: { units: ['u-twin'] } }, 'o');
    await h.outreach.fanout.materialise(b.id, ctx);
    await Promise.all([
      h.outreach.fanout.sendBatch({ broadcastId: b.id, batch: 0, round: 0 }, ctx),
      h.outreach.fanout.sendBatch({ broadcastId: b.id, batch: 0, round: 0 }, ctx),
    ]);
    await runBatches(h, b.id);
    expect(sent).toHaveLength(15);
    expect(new Set(sent.map((s) => s.to.userId)).size).toBe(15);
  });

  it('skips Messenger members outside 24 hours with the reason, and tags an event update only for members who signed up for it', async () => {
    const { send, sent } = recordingSend();
    const h = await makeOutreach(db, send, daytime);
    const ids = await addParticipants(db.models, 4, { unitId: 'u-window', lastInboundAt: new Date(daytime.getTime() - 48 * 3600_000) }, 'win');
    const plain = await h.outreach.broadcasts.create({ text: { vi: 'Tin thường' }, audience: { units: ['u-window'] } }, 'o');
    await h.outreach.fanout.materialise(plain.id, ctx);
    await runBatches(h, plain.id);
    expect(sent).toHaveLength(0);
    const r = await h.outreach.broadcasts.report(plain.id);
    expect(r.byStatus.skipped).toBe(4);
    expect(r.byReason.messenger_window).toBe(4);
    expect(r.advice).toEqual([expect.objectContaining({ reason: 'messenger_window', count: 4, text: expect.stringContaining('24 giờ') })]);

    // An organiser's "event update" names no event members signed up for: never tagged (Meta's policy, docs/reach.md §1.2).
    const manual = await h.outreach.broadcasts.create({ text: { vi: 'Lịch sự kiện thay đổi' }, audience: { units: ['u-window'] }, eventUpdate: true }, 'o');
    await h.outreach.fanout.materialise(manual.id, ctx);
    await runBatches(h, manual.id);
    expect(sent).toHaveLength(0);

    // A campaign reminder of an event two of them signed up for ("🔔 Nhắc tôi"): those two get it tagged.
    await db.models.Participant.updateMany({ _id: { $in: ids.slice(0, 2) } }, { $set: { eventSignups: ['cds/national-dt-day/2026-10-10'] } });
    await db.models.Broadcast.create({
      _id: 'reminder:test-window',
      kind: 'reminder',
      status: 'scheduled',
      title: 'Nhắc',
      message: null,
      messageRef: { key: 'outreach:reminder.default', vars: { date: '10/10/2026' }, localVars: { title: { vi: 'Ngày CĐS' } }, context: null },
      daily: null,
      audience: { bots: [], channels: [], units: ['u-window'], activeWithinDays: null, answeredToday: null },
      eventUpdate: true,
      eventKey: 'cds/national-dt-day/2026-10-10',
      sendAt: daytime,
      createdBy: 'test',
      cursor: { lastParticipantId: null, batches: 0, complete: false, doneBatches: [] },
    });
    await h.outreach.fanout.materialise('reminder:test-window', ctx);
    await runBatches(h, 'reminder:test-window');
    expect(sent.map((s) => s.to.userId).sort()).toEqual(['win0', 'win1']);
    expect(sent.every((s) => s.options.purpose === 'event_update')).toBe(true);
    const tagged = await h.outreach.broadcasts.report('reminder:test-window');
    expect(tagged.byPath).toEqual({ event_tag: expect.objectContaining({ sent: 2 }), none: expect.objectContaining({ skipped: 2 }) });
  });

  it('stopping reminders takes effect for deliveries not yet sent', async () => {
    const { send, sent } = recordingSend();
    const h = await makeOutreach(db, send, daytime);
    const ids = await addParticipants(db.models, 6, { unitId: 'u-stop' }, 'stop');
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Nhắc nhở' }, audience: { units: ['u-stop'] } }, 'o');
    await h.outreach.fanout.materialise(b.id, ctx);
    await db.models.Participant.updateOne({ _id: ids[2] }, { $set: { subscribed: false } });
    await runBatches(h, b.id);
    expect(sent.map((s) => s.to.userId)).not.toContain('stop2');
    expect(sent).toHaveLength(5);
    expect((await h.outreach.broadcasts.report(b.id)).byReason.unsubscribed).toBe(1);
  });

  it('defers sends during quiet hours to 07:00 the next morning', async () => {
    const { send, sent } = recordingSend();
    const night = new Date('2026-10-09T15:30:00Z'); // 22:30 local
    const h = await makeOutreach(db, send, night);
    await addParticipants(db.models, 3, { unitId: 'u-quiet', lastInboundAt: night }, 'quiet');
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Khuya rồi' }, audience: { units: ['u-quiet'] } }, 'o');
    await h.outreach.fanout.materialise(b.id, ctx);
    await runBatches(h, b.id);
    expect(sent).toHaveLength(0);
    const next = await h.scheduler.agenda.queryJobs({ name: 'broadcast-batch', data: { broadcastId: b.id, round: 1 } });
    expect(next.jobs).toHaveLength(1);
    expect(new Date(next.jobs[0]!.nextRunAt!).toISOString()).toBe('2026-10-10T00:00:00.000Z'); // 07:00 local
    h.now.value = new Date('2026-10-10T00:00:00Z');
    await runBatches(h, b.id);
    expect(sent).toHaveLength(3);
  });

  it('retries a retryable failure later and marks an unreachable member without retrying', async () => {
    let failOnce = true;
    const { send, sent } = recordingSend((to) => {
      if (to.userId === 'retry0' && failOnce) {
        failOnce = false;
        return { ok: false, errorClass: 'retryable', reason: 'HTTP 503' };
      }
      if (to.userId === 'retry1') return { ok: false, errorClass: 'unreachable', code: '-213', reason: 'not a follower' };
      return { ok: true, messageIds: [] };
    });
    const h = await makeOutreach(db, send, daytime, { backoff: { baseMs: 1000, maxMs: 10_000 } });
    const ids = await addParticipants(db.models, 3, { unitId: 'u-retry' }, 'retry');
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Thử lại' }, audience: { units: ['u-retry'] } }, 'o');
    await h.outreach.fanout.materialise(b.id, ctx);
    await runBatches(h, b.id);
    expect(sent).toHaveLength(3);
    h.now.value = new Date(daytime.getTime() + 5000);
    await runBatches(h, b.id);
    expect(sent.filter((s) => s.to.userId === 'retry0')).toHaveLength(2);
    expect(sent.filter((s) => s.to.userId === 'retry1')).toHaveLength(1);
    // Two unit lists use the id u-retry: the report names the unit from the bot's own list (example).
    await db.models.Unit.insertMany([
      { listId: 'example', unitId: 'u-retry', name: 'CĐCS Sở Thử lại' },
      { listId: 'elsewhere', unitId: 'u-retry', name: 'Đơn vị của danh sách khác' },
    ]);
    const r = await h.outreach.broadcasts.report(b.id);
    expect(r.byStatus).toMatchObject({ sent: 2, failed: 1 });
    expect(r.broadcast.status).toBe('done');
    // The platform's own words ("not a follower") never become a reason: the failure's class does.
    expect(r.byReason).toEqual({ failed_unreachable: 1 });
    expect(r.channels).toEqual([{ channel: 'messenger', total: 3, sent: 2, read: 0, skipped: 0, failed: 1, pending: 0 }]);
    expect(r.units).toEqual([{ bot: 'demo', unitId: 'u-retry', name: 'CĐCS Sở Thử lại', total: 3, sent: 2, read: 0, skipped: 0, failed: 1, pending: 0 }]);
    expect(r.advice).toEqual([
      {
        reason: 'failed_unreachable',
        count: 1,
        text: '1 người đã chặn chatbot, bỏ quan tâm hoặc không còn nhận được tin.',
        action: 'Nhờ đơn vị nhắc đoàn viên quan tâm (theo dõi) lại Trang hoặc OA của chatbot.',
      },
    ]);
    expect((await h.outreach.broadcasts.report(b.id, 'en')).advice[0]!.text).toBe('1 person has blocked or unfollowed the bot or can no longer be reached.');
    const p = await db.models.Participant.findById(ids[1]).lean();
    expect(p!.unreachable?.reason).toBe('not a follower');
  });

  it('a running broadcast stops when cancelled', async () => {
    // The send cancels the broadcast it is part of, so it needs the harness it is built into.
    const late: { h?: Awaited<ReturnType<typeof makeOutreach>> } = {};
    let id = '';
    const { send, sent } = recordingSend(async (_to, n) => {
      if (n === 2) await late.h!.outreach.broadcasts.cancel(id);
      return { ok: true, messageIds: [] };
    });
    const h = (late.h = await makeOutreach(db, send, daytime));
    await addParticipants(db.models, 30, { unitId: 'u-cancel' }, 'cancel');
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Huỷ giữa chừng' }, audience: { units: ['u-cancel'] } }, 'o');
    id = b.id;
    await h.outreach.fanout.materialise(b.id, ctx);
    await runBatches(h, b.id);
    // The chunk in hand finishes (at most chunkSize = 7), nothing after it.
    expect(sent.length).toBeLessThanOrEqual(7);
    const r = await h.outreach.broadcasts.report(b.id);
    expect(r.broadcast.status).toBe('cancelled');
    expect(r.byStatus.pending + r.byStatus.sending).toBe(0);
    expect(r.byReason.cancelled).toBe(30 - sent.length);
  });

  it('a scheduled broadcast can be edited and cancelled before it starts', async () => {
    const { send } = recordingSend();
    const h = await makeOutreach(db, send, daytime);
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Sẽ sửa' }, sendAt: '2026-10-10T08:00' }, 'o');
    expect(b.status).toBe('scheduled');
    const edited = await h.outreach.broadcasts.update(b.id, { text: { vi: 'Đã sửa' }, sendAt: '2026-10-10T09:00' });
    expect(edited.text!.vi).toBe('Đã sửa');
    expect(edited.sendAtLocal).toBe('10/10/2026 09:00');
    const jobs = await h.scheduler.agenda.queryJobs({ name: 'broadcast', data: { broadcastId: b.id } });
    expect(jobs.jobs).toHaveLength(1);
    expect(new Date(jobs.jobs[0]!.nextRunAt!).toISOString()).toBe('2026-10-10T02:00:00.000Z');
    const cancelled = await h.outreach.broadcasts.cancel(b.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await h.scheduler.agenda.queryJobs({ name: 'broadcast', data: { broadcastId: b.id } })).jobs).toHaveLength(0);
    await expect(h.outreach.broadcasts.update(b.id, { text: { vi: 'x' } })).rejects.toThrow(/cancelled/);
    await expect(h.outreach.broadcasts.create({ text: { vi: '' } }, 'o')).rejects.toThrow(/Invalid broadcast/);
  });

  it('Messenger reads and Zalo seen receipts mark deliveries read', async () => {
    const { send } = recordingSend(() => ({ ok: true, messageIds: ['mid.read-1'] }));
    const h = await makeOutreach(db, send, daytime);
    await addParticipants(db.models, 1, { unitId: 'u-read' }, 'reader');
    const b = await h.outreach.broadcasts.create({ text: { vi: 'Đọc chưa?' }, audience: { units: ['u-read'] } }, 'o');
    await h.outreach.fanout.materialise(b.id, ctx);
    await runBatches(h, b.id);
    const n = await h.outreach.markReceipt({
      kind: 'read',
      bot: 'demo',
      channel: 'messenger',
      userId: 'reader0',
      messageIds: [],
      watermark: new Date(daytime.getTime() + 1000),
      at: daytime,
    });
    expect(n).toBe(1);
    expect((await h.outreach.broadcasts.report(b.id)).read).toBe(1);
  });
});

describe('generated broadcasts', () => {
  it('the daily question run twice on one day creates one broadcast and sends once per member', async () => {
    const { send, sent } = recordingSend();
    const h = await makeOutreach(db, send, daytime);
    await db.models.Participant.deleteMany({});
    await addParticipants(db.models, 5, { unitId: 'u-daily', locale: 'en' }, 'daily');
    await h.outreach.runDailyQuestion('demo');
    await h.outreach.runDailyQuestion('demo');
    expect(await db.models.Broadcast.countDocuments({ kind: 'daily' })).toBe(1);
    const jobs = await h.scheduler.agenda.queryJobs({ name: 'broadcast', data: { broadcastId: 'daily:demo:2026-10-09' } });
    expect(jobs.jobs).toHaveLength(1);
    await h.outreach.fanout.materialise('daily:demo:2026-10-09', ctx);
    await runBatches(h, 'daily:demo:2026-10-09', true);
    expect(sent).toHaveLength(5);
    expect(sent[0]!.message.text).toMatch(/^en: question of 2026-10-09 for demo\n\nTo stop reminders/);
  });

  it('re-syncing content never duplicates jobs, and a moved event moves its reminders', async () => {
    const { send } = recordingSend();
    const h = await makeOutreach(db, send, new Date('2026-10-01T00:00:00Z'));
    await h.outreach.syncCampaignJobs(content);
    await h.outreach.syncCampaignJobs(content);
    const reminders = await h.scheduler.agenda.queryJobs({ name: 'campaign-reminder' });
    const keys = reminders.jobs.map((j) => (j.data as { key: string }).key).sort();
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('cds/national-dt-day/2026-10-10/-7d');
    const daily = (await h.scheduler.agenda.queryJobs({ name: 'daily-question' })).jobs;
    expect(daily).toHaveLength(1);
    // "0 8 * * *" in Asia/Ho_Chi_Minh is 01:00 UTC.
    expect(new Date(daily[0]!.nextRunAt!).toISOString()).toMatch(/T01:00:00\.000Z$/);

    const moved = { ...content, campaigns: [{ ...content.campaigns[0]!, events: [{ ...content.campaigns[0]!.events[0]!, yearly: '10-11' }] }] };
    await h.outreach.syncCampaignJobs(moved);
    const after = (await h.scheduler.agenda.queryJobs({ name: 'campaign-reminder' })).jobs.map((j) => (j.data as { key: string }).key).sort();
    expect(after).toEqual(['cds/national-dt-day/2026-10-11/-0d', 'cds/national-dt-day/2026-10-11/-1d', 'cds/national-dt-day/2026-10-11/-7d']);
  });
});
