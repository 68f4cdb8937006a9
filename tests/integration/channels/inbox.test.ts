import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channels } from '../../../src/channels/index.js';
import type { InboundEvent } from '../../../src/domain/index.js';
import { pruneExpired } from '../../../src/db/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { testChannels, waitFor } from '../../fixtures/channels/harness.js';

let db: TestDb;
let channels: Channels;
const handled: string[] = [];
let tookOver = false;

beforeAll(async () => {
  db = await openTestDb('chinbox');
  const config = db.config({ INBOX_MAX_ATTEMPTS: '2', INBOX_LEASE_MS: '1000', INBOX_CONCURRENCY: '4' });
  channels = testChannels(config, db.models, {
    pollMs: 50,
    handler: async (e) => {
      if (e.kind !== 'text') return [];
      if (e.text === 'boom') throw new Error('the engine broke');
      if (e.text === 'takeover' && !tookOver) {
        // Another process takes the entry over while this one is still in the handler.
        tookOver = true;
        await db.models.InboxEvent.collection.updateOne({ _id: 'web:demo:t1-takeover' as never }, { $inc: { attempts: 1 } });
      }
      // Later messages of a participant finish faster: only ordering keeps them in sequence.
      await new Promise((r) => setTimeout(r, Number(e.text.split(' ')[1] ?? 0) % 2 ? 5 : 40));
      handled.push(`${e.userId}:${e.text}`);
      return [{ text: `ok ${e.text}` }];
    },
  });
});
afterAll(async () => {
  await channels?.worker.stop();
  await db?.close();
});

const text = (userId: string, t: string, at: number): InboundEvent => ({
  bot: 'demo',
  channel: 'web',
  userId,
  eventId: `${userId}-${t}`,
  at: new Date(at),
  kind: 'text',
  text: t,
});

/** A pending inbox entry for an event, as the receiving side stores it. */
const pendingEntry = (e: InboundEvent) => ({
  _id: `web:demo:${e.eventId}`,
  key: `web:demo:${e.eventId}`,
  bot: 'demo',
  channel: 'web',
  participant: `web:demo:${e.userId}`,
  eventAt: e.at,
  receivedAt: new Date(),
  event: e,
  status: 'pending',
  attempts: 0,
  nextAttemptAt: new Date(),
  lastError: null,
  replies: null,
  repliesSent: 0,
  processedAt: null,
});

describe('inbox worker', () => {
  it('an entry left pending with no worker running is re-driven by the sweeper', async () => {
    const old = new Date(Date.now() - 60_000);
    await db.models.InboxEvent.collection.insertOne({
      _id: 'web:demo:stale-1',
      key: 'web:demo:stale-1',
      bot: 'demo',
      channel: 'web',
      participant: 'web:demo:s1',
      eventAt: old,
      receivedAt: old,
      event: text('s1', 'msg 1', old.getTime()),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: old,
      lastError: null,
      replies: null,
      repliesSent: 0,
      processedAt: null,
    } as never);
    expect(await channels.sweepInbox()).toBe(1);
    expect(await db.models.WebMessage.find({ userId: 's1' }).lean()).toMatchObject([{ text: 'ok msg 1' }]);
    expect(await channels.sweepInbox()).toBe(0);
  });

  it('processes each participant’s events in order while participants run side by side', async () => {
    const t0 = Date.now();
    const events = ['a', 'b', 'c'].flatMap((u) => Array.from({ length: 6 }, (_, i) => text(u, `msg ${i}`, t0 + i)));
    // Stored out of order: the platform's time decides.
    for (const e of [...events].reverse()) {
      await db.models.InboxEvent.collection.insertOne(pendingEntry(e) as never);
    }
    // Started once every event is stored: a worker polling mid-way would rightly take the earliest
    // event stored so far (the worker has no settle window), which made this test a race.
    channels.worker.start();
    await waitFor(() => handled.filter((h) => !h.startsWith('s1')).length >= 18, 15_000, 'all handled');
    for (const u of ['a', 'b', 'c']) {
      expect(handled.filter((h) => h.startsWith(`${u}:`))).toEqual(Array.from({ length: 6 }, (_, i) => `${u}:msg ${i}`));
    }
  });

  it('an entry whose handler keeps failing is marked failed with its error after the allowed attempts', async () => {
    const e = text('f1', 'boom', Date.now());
    await db.models.InboxEvent.collection.insertOne(pendingEntry(e) as never);
    const entry = await waitFor(
      async () => {
        const d = await db.models.InboxEvent.findOne({ key: 'web:demo:f1-boom' }).lean();
        return d?.status === 'failed' && d;
      },
      10_000,
      'failed',
    );
    expect(entry).toMatchObject({ attempts: 2, lastError: 'the engine broke' });
  });

  it('retention deletes processed entries after 30 days by default, but keeps recent ones for deduplication', async () => {
    const long = new Date(Date.now() - 40 * 24 * 3600_000);
    const recent = new Date(Date.now() - 24 * 3600_000);
    for (const [id, at] of [
      ['web:demo:old-done', long],
      ['web:demo:recent-done', recent],
    ] as const) {
      await db.models.InboxEvent.collection.insertOne({
        _id: id,
        key: id,
        bot: 'demo',
        channel: 'web',
        participant: 'web:demo:r1',
        eventAt: at,
        receivedAt: at,
        event: text('r1', 'x', at.getTime()),
        status: 'done',
        attempts: 1,
        nextAttemptAt: at,
        lastError: null,
        replies: [],
        repliesSent: 0,
        processedAt: at,
      } as never);
    }
    await pruneExpired(db.models, db.config().retention);
    expect(await db.models.InboxEvent.countDocuments({ _id: { $in: ['web:demo:old-done', 'web:demo:recent-done'] } })).toBe(1);
    expect(await db.models.InboxEvent.countDocuments({ _id: 'web:demo:recent-done' })).toBe(1);
  });

  it('a process whose entry was taken over does not send its replies or finish the entry', async () => {
    const e = text('t1', 'takeover', Date.now());
    await db.models.InboxEvent.collection.insertOne(pendingEntry(e) as never);
    await waitFor(async () => (await db.models.InboxEvent.findOne({ _id: 'web:demo:t1-takeover' }).lean())?.status === 'done', 10_000, 'done');
    // The first attempt ran the handler but lost its claim before storing or sending anything;
    // the attempt that took over answered, once.
    expect(handled.filter((h) => h === 't1:takeover')).toHaveLength(2);
    expect(await db.models.WebMessage.find({ userId: 't1' }).lean()).toMatchObject([{ text: 'ok takeover' }]);
    expect(await db.models.WebMessage.countDocuments({ userId: 't1' })).toBe(1);
  });

  it('lists the enabled channels of a bot', () => {
    expect(channels.enabled('demo')).toEqual(['web']);
    expect(channels.enabled('nobody')).toEqual([]);
  });
});
