import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messengerEnvelope, PAGE_ID } from '../../../src/channels/messenger/fixtures.js';
import { signMessengerBody } from '../../../src/channels/messenger/verify.js';
import type { InboundEvent } from '../../../src/domain/index.js';
import { startFakePlatform, type FakePlatform } from '../../../scripts/fake-platform.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv, testBot } from '../../fixtures/channels/bots.js';
import { startChannelsApp, waitFor, type ChannelsApp } from '../../fixtures/channels/harness.js';

/**
 * The order in which the inbox worker takes participants, through the real webhook route, inbox
 * and worker with two slots. The handler holds every event until the test lets it go, one at a
 * time, so the order depends on nothing but the worker's rule (no timing).
 */
let db: TestDb;
let fake: FakePlatform;
let app: ChannelsApp;
/** userIds in the order the handler was called. */
const started: string[] = [];
/** The handler calls still held, by userId. */
const held = new Map<string, () => void>();

beforeAll(async () => {
  db = await openTestDb('chfair');
  fake = await startFakePlatform();
  const config = db.config({ ...channelEnv('demo', { graph: fake.url }), INBOX_CONCURRENCY: '2' });
  app = await startChannelsApp({
    config,
    models: db.models,
    bots: [testBot('demo')],
    // Polls only when it runs out of known work: every participant here arrives through a webhook.
    pollMs: 60_000,
    handler: async (e: InboundEvent) => {
      started.push(e.userId);
      await new Promise<void>((resolve) => held.set(e.userId, resolve));
      return [{ text: 'ok' }];
    },
  });
});
afterAll(async () => {
  for (const release of held.values()) release();
  await app?.close();
  await fake?.close();
  await db?.close();
});

/** One signed webhook delivering a Get Started from each user, as Meta batches them. */
async function deliver(userIds: string[]): Promise<void> {
  const t0 = Date.now();
  const raw = JSON.stringify(
    messengerEnvelope(
      userIds.map((id, i) => ({
        sender: { id },
        recipient: { id: PAGE_ID },
        timestamp: t0 + i,
        postback: { title: 'Bắt đầu', payload: 'GET_STARTED', mid: `m_fair_${id}` },
      })),
    ),
  );
  const res = await fetch(`${app.url}/webhooks/messenger/demo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signMessengerBody(raw, 'app-secret-1') },
    body: raw,
  });
  expect(res.status).toBe(200);
}

/** Lets the oldest held call finish, then waits until the worker has started `n` calls in all. */
async function finishOldest(n: number): Promise<void> {
  const oldest = started.find((u) => held.has(u))!;
  held.get(oldest)!();
  held.delete(oldest);
  await waitFor(() => started.length >= n, 10_000, `${n} participants started`);
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('bursts stay fair', () => {
  it('a message arriving while a big delivery holds every slot is taken next, and the burst keeps its order', async () => {
    await deliver(ids('burst-', 12));
    await waitFor(() => started.length === 2, 10_000, 'both slots busy');
    await deliver(['probe']);
    await finishOldest(3);
    expect(started).toEqual(['burst-0', 'burst-1', 'probe']);
    for (let n = 4; n <= 13; n++) await finishOldest(n);
    expect(started.slice(3)).toEqual(ids('burst-', 12).slice(2));
    await finishOldest(13);
    await finishOldest(13);
    await waitFor(async () => (await db.models.InboxEvent.countDocuments({ participant: /^messenger:demo:(burst-|probe)/, status: 'pending' })) === 0);
  });

  it('two big deliveries take turns instead of the older one taking every slot', async () => {
    started.length = 0;
    await deliver(ids('a-', 5));
    await waitFor(() => started.length === 2, 10_000, 'both slots busy');
    await deliver(ids('b-', 5));
    for (let n = 3; n <= 10; n++) await finishOldest(n);
    expect(started).toEqual(['a-0', 'a-1', 'b-0', 'a-2', 'b-1', 'a-3', 'b-2', 'a-4', 'b-3', 'b-4']);
    for (const release of held.values()) release();
    held.clear();
  });
});
