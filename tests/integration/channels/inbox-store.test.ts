import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInboxStore, type InboxStore } from '../../../src/channels/inbox/store.js';
import { createModels } from '../../../src/db/models/index.js';
import type { InboundEvent } from '../../../src/domain/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
let store: InboxStore;

beforeAll(async () => {
  db = await openTestDb('chstore');
  store = createInboxStore(db.models.InboxEvent, () => new Date('2026-10-10T01:00:00Z'));
});
afterAll(async () => {
  await db?.close();
});

const text = (userId: string, id: string): InboundEvent => ({
  bot: 'demo',
  channel: 'messenger',
  userId,
  eventId: `mid:${id}`,
  at: new Date('2026-10-10T00:59:00Z'),
  kind: 'text',
  text: id,
});

describe('inbox store (group commit)', () => {
  it('stores many concurrent webhooks once each, writing them in shared batches', async () => {
    const events = Array.from({ length: 200 }, (_, i) => text(`u${i % 7}`, `many-${i}`));
    const results = await Promise.all(events.map((e) => store.ingest([e])));
    expect(results.every((r) => r.stored === 1 && r.duplicates === 0)).toBe(true);
    expect(await db.models.InboxEvent.countDocuments({ _id: { $regex: '^messenger:demo:mid:many-' } })).toBe(200);
    const one = await db.models.InboxEvent.findById('messenger:demo:mid:many-3').lean();
    expect(one).toMatchObject({
      key: 'messenger:demo:mid:many-3',
      participant: 'messenger:demo:u3',
      status: 'pending',
      attempts: 0,
      repliesSent: 0,
      event: { text: 'many-3' },
    });
  });

  it('a redelivery is a duplicate whether it lands in the same batch or a later one', async () => {
    const e = text('u1', 'again');
    const [first, second] = await Promise.all([store.ingest([e]), store.ingest([e])]);
    expect([first, second].map((r) => r.stored).sort()).toEqual([0, 1]);
    expect(await store.ingest([e, text('u1', 'fresh')])).toEqual({ stored: 1, duplicates: 1 });
    expect(await db.models.InboxEvent.countDocuments({ _id: { $in: ['messenger:demo:mid:again', 'messenger:demo:mid:fresh'] } })).toBe(2);
  });

  it('a write that cannot reach the database fails the waiting webhooks instead of answering 200', async () => {
    const connection = await mongoose.createConnection(db.uri, { dbName: db.name }).asPromise();
    const cut = createInboxStore(createModels(connection).InboxEvent, () => new Date());
    await connection.close();
    await expect(cut.ingest([text('u2', 'no-database')])).rejects.toThrow();
    expect(await db.models.InboxEvent.countDocuments({ _id: 'messenger:demo:mid:no-database' })).toBe(0);
  });
});
