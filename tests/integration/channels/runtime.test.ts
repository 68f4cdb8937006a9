import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { startFakePlatform, type FakePlatform } from '../../../scripts/fake-platform.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv } from '../../fixtures/channels/bots.js';
import { waitFor } from '../../fixtures/channels/harness.js';

let db: TestDb;
let fake: FakePlatform;
let runtime: Runtime;

beforeAll(async () => {
  db = await openTestDb('chrt');
  fake = await startFakePlatform();
  runtime = await startRuntime(
    db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', ...channelEnv('demo', { graph: fake.url, zaloApi: fake.url, zaloOauth: fake.url }) }),
  );
});
afterAll(async () => {
  await runtime?.stop();
  await fake?.close();
  await db?.close();
});

describe('channels in the running server', () => {
  it('the demo bot answers a signed Messenger message posted as Meta would, at /webhooks/messenger/demo', async () => {
    expect(runtime.channels.enabled('demo')).toEqual(expect.arrayContaining(['messenger', 'zalo_oa']));
    const res = await fetch(`${fake.url}/_webhook/messenger`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ target: runtime.url, botId: 'demo', appSecret: 'app-secret-1', userId: 'rt-1', text: 'Xin chào' }),
    });
    expect(((await res.json()) as { status: number }).status).toBe(200);
    const reply = await waitFor(() => fake.log('messenger').find((c) => c.kind === 'message' && c.recipient === 'rt-1'), 15_000, 'a reply');
    expect(reply.token).toBe('page-token-1');
  });

  it('a signed Zalo OA message is answered through the OA API', async () => {
    const res = await fetch(`${fake.url}/_webhook/zalo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ target: runtime.url, botId: 'demo', appId: '4300000000000000001', secretKey: 'zalo-secret-1', userId: 'rt-2', text: 'Xin chào' }),
    });
    expect(((await res.json()) as { status: number }).status).toBe(200);
    await waitFor(() => fake.log('zalo').find((c) => c.kind === 'message' && c.recipient === 'rt-2'), 15_000, 'a reply');
  });

  it('webhook counts appear on /metrics', async () => {
    const text = await (await fetch(`${runtime.url}/metrics`)).text();
    expect(text).toMatch(/channel_webhooks_received_total\{platform="messenger",result="stored"\} [1-9]/);
    expect(text).toMatch(/channel_inbox_depth\{status="pending"\}/);
  });
});
