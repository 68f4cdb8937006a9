import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processEntry, type Entry, type EntryDeps } from '../../../src/channels/inbox/process.js';
import type { OutboundMessage, Send } from '../../../src/domain/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('replybook');
});
afterAll(async () => {
  await db?.close();
});

/** An entry whose replies were computed before: `repliesSent` of them went out, `sending` as a crash left it. */
async function storedEntry(key: string, repliesSent: number, sending: { index: number; key: string; at: Date } | null): Promise<Entry> {
  const now = new Date();
  const doc = {
    _id: key,
    key,
    bot: 'demo',
    channel: 'messenger' as const,
    participant: `messenger:demo:${key}`,
    eventAt: now,
    receivedAt: now,
    event: { bot: 'demo', channel: 'messenger', userId: key, eventId: key, at: now, kind: 'text', text: 'ba câu' },
    status: 'pending' as const,
    attempts: 1,
    nextAttemptAt: now,
    lastError: null,
    replies: [{ text: 'một' }, { text: 'hai' }, { text: 'ba' }],
    repliesSent,
    sending,
    processedAt: null,
  };
  await db.models.InboxEvent.collection.insertOne(doc as never);
  return doc as unknown as Entry;
}

function deps(send: Send, counters: { resent: number }): EntryDeps {
  return {
    model: db.models.InboxEvent,
    handler: async () => [],
    send,
    logger: pino({ level: 'silent' }),
    clock: () => new Date(),
    maxAttempts: 3,
    onResendUnknown: () => void counters.resent++,
  };
}
const reload = (key: string) => db.models.InboxEvent.collection.findOne({ _id: key as never });

describe('reply send bookkeeping', () => {
  it('records each reply as sending, with its own key, before the platform is called, and as sent right after', async () => {
    const seen: unknown[] = [];
    const send: Send = async (_to, m: OutboundMessage) => {
      const e = await reload('book-1');
      seen.push({ text: m.text, sending: { index: e?.sending?.index, key: e?.sending?.key }, repliesSent: e?.repliesSent });
      return { ok: true, messageIds: [`m-${m.text}`] };
    };
    await processEntry(deps(send, { resent: 0 }), await storedEntry('book-1', 0, null), () => true);
    expect(seen).toEqual([
      { text: 'một', sending: { index: 0, key: 'book-1#0' }, repliesSent: 0 },
      { text: 'hai', sending: { index: 1, key: 'book-1#1' }, repliesSent: 1 },
      { text: 'ba', sending: { index: 2, key: 'book-1#2' }, repliesSent: 2 },
    ]);
    expect(await reload('book-1')).toMatchObject({ status: 'done', repliesSent: 3, sending: null });
  });

  it('after a crash mid-send, replies already sent are skipped and only the one in flight is sent again, and counted', async () => {
    // The first process sent "một", then died while "hai" was with the platform.
    const sent: string[] = [];
    const counters = { resent: 0 };
    const send: Send = async (_to, m) => {
      sent.push(m.text);
      return { ok: true, messageIds: ['x'] };
    };
    const entry = await storedEntry('book-2', 1, { index: 1, key: 'book-2#1', at: new Date() });
    await processEntry(deps(send, counters), entry, () => true);
    expect(sent).toEqual(['hai', 'ba']);
    expect(counters.resent).toBe(1);
    expect(await reload('book-2')).toMatchObject({ status: 'done', repliesSent: 3, sending: null });
  });

  it('a new entry costs one write per reply: the first mark is stored with the replies, the last result with "done"', async () => {
    const now = new Date();
    const doc = {
      _id: 'book-4',
      key: 'book-4',
      bot: 'demo',
      channel: 'messenger' as const,
      participant: 'messenger:demo:book-4',
      eventAt: now,
      receivedAt: now,
      event: { bot: 'demo', channel: 'messenger', userId: 'book-4', eventId: 'book-4', at: now, kind: 'start' },
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
      replies: null,
      repliesSent: 0,
      sending: null,
      processedAt: null,
    };
    await db.models.InboxEvent.collection.insertOne(doc as never);
    // Counts the inbox writes processEntry makes (it writes through `collection.updateOne` only).
    const real = db.models.InboxEvent.collection;
    let writes = 0;
    const counted = {
      collection: {
        updateOne: (...args: Parameters<typeof real.updateOne>) => {
          writes++;
          return real.updateOne(...args);
        },
      },
    } as unknown as typeof db.models.InboxEvent;
    const seen: unknown[] = [];
    const send: Send = async (_to, m) => {
      const e = await reload('book-4');
      seen.push({ text: m.text, replies: e?.replies?.length, sending: e?.sending?.index, repliesSent: e?.repliesSent });
      return { ok: true, messageIds: ['x'] };
    };
    const base = deps(send, { resent: 0 });
    await processEntry({ ...base, model: counted, handler: async () => [{ text: 'chào' }, { text: 'đồng ý?' }] }, doc as unknown as Entry, () => true);
    expect(seen).toEqual([
      { text: 'chào', replies: 2, sending: 0, repliesSent: 0 },
      { text: 'đồng ý?', replies: 2, sending: 1, repliesSent: 1 },
    ]);
    // The attempt's claim, replies + first mark, first result + second mark, second result + done.
    expect(writes).toBe(4);
    expect(await reload('book-4')).toMatchObject({ status: 'done', attempts: 1, repliesSent: 2, sending: null, lastError: null });
  });

  it('a reply the platform refuses for good is no longer "sending"', async () => {
    const send: Send = async () => ({ ok: false, errorClass: 'unreachable', reason: 'blocked the page' });
    await processEntry(deps(send, { resent: 0 }), await storedEntry('book-3', 0, null), () => true);
    expect(await reload('book-3')).toMatchObject({ status: 'done', repliesSent: 0, sending: null });
  });
});
