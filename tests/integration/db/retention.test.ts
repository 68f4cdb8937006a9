import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeliveries, pruneExpired } from '../../../src/db/index.js';
import { createI18n } from '../../../src/i18n/index.js';
import { reportBroadcast } from '../../../src/outreach/broadcast-report.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('retention');
});
afterAll(async () => {
  await db?.close();
});

const now = new Date('2026-12-01T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

const inbox = (id: string, status: string, processedAt: Date | null) => ({
  _id: id,
  key: id,
  bot: 'demo',
  channel: 'web',
  participant: `web:demo:${id}`,
  eventAt: daysAgo(90),
  receivedAt: daysAgo(90),
  event: {},
  status,
  attempts: 1,
  nextAttemptAt: daysAgo(90),
  lastError: null,
  replies: null,
  repliesSent: 0,
  processedAt,
});

const broadcast = (id: string, status: string, finishedAt: Date | null, cancelledAt: Date | null = null) => ({
  _id: id,
  kind: 'manual',
  status,
  title: id,
  audience: { bots: ['demo'], channels: [], units: [], activeWithinDays: null, answeredToday: null },
  sendAt: daysAgo(400),
  createdBy: 'test',
  finishedAt,
  cancelledAt,
});

const delivery = (broadcastId: string, status: string, unitId: string | null, readAt: Date | null = null) => ({
  errorClass: status === 'failed' ? 'auth' : null,
  broadcastId,
  participantId: new Types.ObjectId(),
  bot: 'demo',
  channel: 'messenger',
  unitId,
  batch: 0,
  batchKey: `${broadcastId}:0`,
  status,
  reason: status === 'skipped' ? 'window_closed' : null,
  readAt,
});

describe('retention', () => {
  it('deletes what is past its days, keeps the rest, and keeps a pruned broadcast’s report as counts', async () => {
    const { models } = db;
    await models.InboxEvent.collection.insertMany([
      inbox('old-done', 'done', daysAgo(31)),
      inbox('old-failed', 'failed', daysAgo(40)),
      inbox('recent-done', 'done', daysAgo(29)),
      inbox('old-pending', 'pending', null),
    ] as never[]);
    await models.WebMessage.collection.insertMany([
      { bot: 'demo', userId: 'u', at: daysAgo(31), text: 'old', choices: [], link: null },
      { bot: 'demo', userId: 'u', at: daysAgo(1), text: 'new', choices: [], link: null },
    ]);
    await models.Broadcast.collection.insertMany([
      broadcast('old', 'done', daysAgo(200)),
      broadcast('cancelled', 'cancelled', null, daysAgo(181)),
      broadcast('recent', 'done', daysAgo(10)),
      broadcast('sending', 'sending', null),
    ] as never[]);
    await models.Delivery.collection.insertMany([
      delivery('old', 'sent', 'u1', daysAgo(199)),
      delivery('old', 'sent', 'u1'),
      delivery('old', 'skipped', 'u2'),
      delivery('old', 'failed', 'u2'),
      delivery('cancelled', 'skipped', null),
      delivery('recent', 'sent', 'u1'),
      delivery('sending', 'pending', 'u1'),
    ]);
    const report = await countDeliveries(models, 'old');
    const { t } = await createI18n('content');
    const reportDeps = { models, timeZone: 'Asia/Ho_Chi_Minh', t } as Parameters<typeof reportBroadcast>[0];
    const { broadcast: _before, ...shownBefore } = await reportBroadcast(reportDeps, 'old');

    const settings = { inboxDays: 30, webMessagesDays: 30, deliveriesDays: 180 };
    expect(await pruneExpired(models, settings, now)).toEqual({ inbox: 2, webMessages: 1, deliveries: 5, broadcasts: 2 });
    expect((await models.InboxEvent.collection.find({}).toArray()).map((e) => e._id).sort()).toEqual(['old-pending', 'recent-done']);
    expect(await models.WebMessage.countDocuments()).toBe(1);
    expect((await models.Delivery.find({}).lean()).map((d) => d.broadcastId).sort()).toEqual(['recent', 'sending']);
    const old = await models.Broadcast.findById('old').lean();
    expect(old?.deliveryCounts).toEqual(report);
    expect(old?.deliveryCounts?.reduce((n, c) => n + c.n, 0)).toBe(4);
    expect(old?.deliveryCounts?.find((c) => c.status === 'sent')).toMatchObject({ n: 2, read: 1 });
    // The broadcast's report reads the same from the kept counts.
    const { broadcast: _after, ...shownAfter } = await reportBroadcast(reportDeps, 'old');
    expect(shownAfter).toEqual(shownBefore);
    expect(shownAfter).toMatchObject({ total: 4, read: 1, byStatus: { sent: 2, skipped: 1, failed: 1 }, byReason: { window_closed: 1, failed_auth: 1 } });
    expect(shownAfter.advice.map((a) => a.reason).sort()).toEqual(['failed_auth', 'window_closed']);

    // A second pass finds nothing more; 0 days keeps everything.
    expect(await pruneExpired(models, settings, now)).toEqual({ inbox: 0, webMessages: 0, deliveries: 0, broadcasts: 0 });
    expect(await pruneExpired(models, { inboxDays: 0, webMessagesDays: 0, deliveriesDays: 0 }, new Date('2030-01-01'))).toEqual({
      inbox: 0,
      webMessages: 0,
      deliveries: 0,
      broadcasts: 0,
    });
  });
});
