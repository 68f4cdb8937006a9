import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signMessengerBody } from '../../../src/channels/messenger/verify.js';
import { messengerFixtures, messengerText } from '../../../src/channels/messenger/fixtures.js';
import { APP_ID, zaloFixtures, zaloText } from '../../../src/channels/zalo-oa/fixtures.js';
import { signZaloBody } from '../../../src/channels/zalo-oa/verify.js';
import { startFakePlatform, type FakePlatform } from '../../../scripts/fake-platform.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv, testBot } from '../../fixtures/channels/bots.js';
import { startChannelsApp, waitFor, type ChannelsApp } from '../../fixtures/channels/harness.js';

let db: TestDb;
let fake: FakePlatform;
let app: ChannelsApp;
const receipts: string[] = [];

beforeAll(async () => {
  db = await openTestDb('chpipe');
  fake = await startFakePlatform();
  const config = db.config({ ...channelEnv('demo', { graph: fake.url, zaloApi: fake.url, zaloOauth: fake.url }), INBOX_MAX_ATTEMPTS: '2' });
  app = await startChannelsApp({
    config,
    models: db.models,
    bots: [testBot('demo'), testBot('quiet')],
    onReceipt: async (e) => void receipts.push(`${e.kind}:${e.messageIds.join(',')}`),
  });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
  await db?.close();
});
beforeEach(() => fake.clear());

function postMessenger(body: unknown, opts: { secret?: string; bot?: string; raw?: string; signature?: string | null } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const sig = opts.signature === undefined ? signMessengerBody(raw, opts.secret ?? 'app-secret-1') : opts.signature;
  if (sig) headers['X-Hub-Signature-256'] = sig;
  return fetch(`${app.url}/webhooks/messenger/${opts.bot ?? 'demo'}`, { method: 'POST', headers, body: raw });
}

function postZalo(body: unknown, secret = 'zalo-secret-1') {
  const raw = JSON.stringify(body);
  return fetch(`${app.url}/webhooks/zalo/demo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-ZEvent-Signature': signZaloBody(APP_ID, raw, secret) },
    body: raw,
  });
}

const messengerReplies = (userId: string) =>
  fake
    .log('messenger')
    .filter((c) => c.kind === 'message' && c.recipient === userId)
    .map((c) => (c.body as { message: { text: string } }).message.text);

describe('webhook pipeline', () => {
  it('a signed Messenger message is answered through the Send API', async () => {
    const res = await postMessenger(messengerText('u1', 'Xin chào'));
    expect(res.status).toBe(200);
    const replies = await waitFor(() => messengerReplies('u1').length > 0 && messengerReplies('u1'), 10_000, 'reply');
    expect(replies).toEqual(['echo: Xin chào']);
    const call = fake.log('messenger')[0]!;
    expect(call.token).toBe('page-token-1');
    expect((call.body as { messaging_type: string }).messaging_type).toBe('RESPONSE');
  });

  it('a redelivered webhook is stored once and answered once', async () => {
    const body = messengerText('u2', 'một lần', { mid: 'm_dup_1' });
    expect((await postMessenger(body)).status).toBe(200);
    expect((await postMessenger(body)).status).toBe(200);
    await waitFor(() => messengerReplies('u2').length > 0, 10_000, 'reply');
    await new Promise((r) => setTimeout(r, 300));
    expect(messengerReplies('u2')).toEqual(['echo: một lần']);
    expect(await db.models.InboxEvent.countDocuments({ key: 'messenger:demo:mid:m_dup_1' })).toBe(1);
  });

  it('the event is in the inbox when the 200 is sent', async () => {
    const res = await postMessenger(messengerText('u3', 'đã lưu', { mid: 'm_stored_1' }));
    expect(res.status).toBe(200);
    expect(await db.models.InboxEvent.countDocuments({ key: 'messenger:demo:mid:m_stored_1' })).toBe(1);
  });

  it('a wrong or missing signature is refused with 403 and nothing is stored', async () => {
    const body = messengerText('u4', 'giả mạo', { mid: 'm_forged' });
    expect((await postMessenger(body, { secret: 'not-the-secret' })).status).toBe(403);
    expect((await postMessenger(body, { signature: null })).status).toBe(403);
    expect(await db.models.InboxEvent.countDocuments({ key: 'messenger:demo:mid:m_forged' })).toBe(0);
  });

  it('signed malformed JSON is 400, an unknown bot or a bot without the channel 403 (as a bad signature), a body over 1 MB 413', async () => {
    expect((await postMessenger(null, { raw: '{"object":' })).status).toBe(400);
    expect((await postMessenger(messengerText('u5', 'x'), { bot: 'nobody' })).status).toBe(403);
    expect((await postMessenger(messengerText('u5', 'x'), { bot: 'quiet' })).status).toBe(403);
    const big = JSON.stringify({ object: 'page', entry: [], pad: 'x'.repeat(1_100_000) });
    expect((await postMessenger(null, { raw: big })).status).toBe(413);
  });

  it('a body sent in chunks without Content-Length is read whole; over 1 MB it is 413; a compressed one 415', async () => {
    const chunked = (raw: string, headers: Record<string, string>, pieces = 4) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(
          `${app.url}/webhooks/messenger/demo`,
          { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        const size = Math.ceil(raw.length / pieces);
        for (let i = 0; i < raw.length; i += size) req.write(raw.slice(i, i + size));
        req.end();
      });
    const raw = JSON.stringify(messengerText('u6', 'từng mảnh', { mid: 'm_chunked_1' }));
    expect(await chunked(raw, { 'X-Hub-Signature-256': signMessengerBody(raw, 'app-secret-1') })).toBe(200);
    expect(await db.models.InboxEvent.countDocuments({ key: 'messenger:demo:mid:m_chunked_1' })).toBe(1);

    const big = JSON.stringify({ object: 'page', entry: [], pad: 'x'.repeat(1_100_000) });
    expect(await chunked(big, { 'X-Hub-Signature-256': signMessengerBody(big, 'app-secret-1') }, 20)).toBe(413);

    const res = await fetch(`${app.url}/webhooks/messenger/demo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip', 'X-Hub-Signature-256': signMessengerBody(raw, 'app-secret-1') },
      body: gzipSync(raw),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: { code: 'unsupported_media_type', message: 'Unsupported Content-Encoding "gzip"' } });
  });

  it('events we do not handle are answered 200 and ignored', async () => {
    expect((await postMessenger(messengerFixtures.reaction)).status).toBe(200);
    expect((await postMessenger(messengerFixtures.echo)).status).toBe(200);
  });

  it('Meta’s verification handshake returns the challenge only with the verify token', async () => {
    const ok = await fetch(`${app.url}/webhooks/messenger/demo?hub.mode=subscribe&hub.verify_token=verify-token-1&hub.challenge=42`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('42');
    const bad = await fetch(`${app.url}/webhooks/messenger/demo?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=42`);
    expect(bad.status).toBe(403);
  });

  it('a signed Zalo OA message is answered through /v3.0/oa/message/cs with the stored access token', async () => {
    expect((await postZalo(zaloText('z1', 'Chào OA'))).status).toBe(200);
    const call = await waitFor(() => fake.log('zalo').find((c) => c.recipient === 'z1'), 10_000, 'zalo reply');
    expect(call.token).toBe('zalo-access-1');
    expect(call.body).toEqual({ recipient: { user_id: 'z1' }, message: { text: 'echo: Chào OA' } });
    expect((await postZalo(zaloText('z1', 'x'), 'wrong-secret')).status).toBe(403);
  });

  it('deliveries and reads reach the receipt hook', async () => {
    await postZalo(zaloFixtures.seen);
    await waitFor(() => receipts.includes('read:z_out_1,z_out_2'), 10_000, 'receipt');
  });

  it('a reply already sent before a crash is not sent again', async () => {
    const now = new Date();
    await db.models.InboxEvent.collection.insertOne({
      _id: 'messenger:demo:mid:m_crashed',
      key: 'messenger:demo:mid:m_crashed',
      bot: 'demo',
      channel: 'messenger',
      participant: 'messenger:demo:u6',
      eventAt: now,
      receivedAt: now,
      event: { bot: 'demo', channel: 'messenger', userId: 'u6', eventId: 'mid:m_crashed', at: now, kind: 'text', text: 'hai câu' },
      status: 'pending',
      attempts: 1,
      nextAttemptAt: now,
      lastError: null,
      replies: [{ text: 'câu một' }, { text: 'câu hai' }],
      repliesSent: 1,
      processedAt: null,
    } as never);
    await waitFor(() => messengerReplies('u6').length > 0, 10_000, 'second reply');
    await new Promise((r) => setTimeout(r, 200));
    expect(messengerReplies('u6')).toEqual(['câu hai']);
  });

  it('a reply the platform keeps refusing is retried, then the entry is marked failed with its error', async () => {
    fake.inject({ platform: 'messenger', errorClass: 'retryable', count: 6 });
    await postMessenger(messengerText('u7', 'bận', { mid: 'm_busy' }));
    const entry = await waitFor(
      async () => {
        const e = await db.models.InboxEvent.findOne({ key: 'messenger:demo:mid:m_busy' }).lean();
        return e?.status === 'failed' && e;
      },
      15_000,
      'failed entry',
    );
    expect(entry.attempts).toBe(2);
    expect(entry.lastError).toMatch(/retryable/);
  });

  it('the simulator posts into the same inbox and reads replies back', async () => {
    const post = await fetch(`${app.url}/simulator/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ bot: 'demo', userId: 'web-1', text: 'thử' }),
    });
    expect(post.status).toBe(202);
    const replies = await waitFor(async () => {
      const r = (await (await fetch(`${app.url}/simulator/api/messages?bot=demo&userId=web-1`)).json()) as Array<{ id: string; text: string }>;
      return r.length > 0 && r;
    });
    expect(replies[0]).toMatchObject({ text: 'echo: thử', choices: [], link: null });
    const after = await (await fetch(`${app.url}/simulator/api/messages?bot=demo&userId=web-1&after=${replies[0]!.id}`)).json();
    expect(after).toEqual([]);
    const bad = await fetch(`${app.url}/simulator/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"bot":"demo"}' });
    expect(bad.status).toBe(400);
  });
});
