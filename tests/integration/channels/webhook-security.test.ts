import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { signMessengerBody } from '../../../src/channels/messenger/verify.js';
import { messengerEnvelope, messengerText, PAGE_ID } from '../../../src/channels/messenger/fixtures.js';
import { APP_ID, OA_ID, zaloFixtures, zaloText } from '../../../src/channels/zalo-oa/fixtures.js';
import { signZaloBody } from '../../../src/channels/zalo-oa/verify.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv, testBot } from '../../fixtures/channels/bots.js';
import { startChannelsApp, waitFor, type ChannelsApp } from '../../fixtures/channels/harness.js';

let db: TestDb;
let app: ChannelsApp;

beforeAll(async () => {
  db = await openTestDb('whsec');
  // The demo bot names its page and OA; `other` has no Messenger or Zalo OA secrets at all.
  const config = db.config({ ...channelEnv('demo'), DEMO_MESSENGER_PAGE_ID: PAGE_ID, DEMO_ZALO_OA_OA_ID: OA_ID });
  app = await startChannelsApp({ config, models: db.models, bots: [testBot('demo'), testBot('other')], startWorker: false });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});
afterEach(() => vi.restoreAllMocks());

function post(platform: 'messenger' | 'zalo', raw: string, headers: Record<string, string> = {}, bot = 'demo') {
  return fetch(`${app.url}/webhooks/${platform}/${bot}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: raw });
}
const signedMessenger = (raw: string, bot = 'demo') => post('messenger', raw, { 'X-Hub-Signature-256': signMessengerBody(raw, 'app-secret-1') }, bot);
const signedZalo = (raw: string) => post('zalo', raw, { 'X-ZEvent-Signature': signZaloBody(APP_ID, raw, 'zalo-secret-1') });
const stored = (key: string) => db.models.InboxEvent.collection.findOne({ _id: key as never });

/** `{"a":{"a":...}}` nested `depth` levels, holding `inner` at the bottom. */
const nested = (depth: number, inner = '1') => '{"a":'.repeat(depth) + inner + '}'.repeat(depth);

describe('webhook signatures come before parsing', () => {
  it('an unsigned 1 MB nested body is refused with 403 without being parsed', async () => {
    const raw = `{"object":"page","entry":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const parse = vi.spyOn(JSON, 'parse');
    const res = await post('messenger', raw, { 'X-Hub-Signature-256': 'sha256=' + '0'.repeat(64) });
    expect(res.status).toBe(403);
    const zalo = await post('zalo', `{"timestamp":"1",${nested(100_000).slice(1)}`, { 'X-ZEvent-Signature': 'mac=' + '0'.repeat(64) });
    expect(zalo.status).toBe(403);
    expect(parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 100_000)).toEqual([]);
  });

  it('a signed body nested 5,000 deep is answered 400, not 500, and nothing is stored', async () => {
    const deep = JSON.stringify(messengerText('deep-1', 'sâu', { mid: 'm_deep_1' })).replace('"text":"sâu"', `"text":"sâu","x":${nested(5000)}`);
    const res = await signedMessenger(deep);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/deeper than 64/);
    expect(await stored('messenger:demo:mid:m_deep_1')).toBeNull();

    const zalo = JSON.stringify(zaloText('deep-2', 'sâu', { msgId: 'z_deep_1' })).replace('"text":"sâu"', `"text":"sâu","x":${nested(6000)}`);
    expect((await signedZalo(zalo)).status).toBe(400);
    expect(await stored('zalo_oa:demo:msg:z_deep_1')).toBeNull();
  });

  it('an unknown bot is answered exactly like a bad signature, so bots cannot be listed', async () => {
    const raw = JSON.stringify(messengerText('u1', 'x'));
    const unknown = await signedMessenger(raw, 'no-such-bot');
    const noChannel = await signedMessenger(raw, 'other');
    const forged = await post('messenger', raw, { 'X-Hub-Signature-256': signMessengerBody(raw, 'not-the-secret') });
    expect([unknown.status, noChannel.status, forged.status]).toEqual([403, 403, 403]);
    const bodies = await Promise.all([unknown, noChannel, forged].map((r) => r.json()));
    expect(bodies[0]).toEqual(bodies[2]);
    expect(bodies[1]).toEqual(bodies[2]);
    const zalo = await post('zalo', JSON.stringify(zaloFixtures.text), {}, 'no-such-bot');
    expect(zalo.status).toBe(403);
    // Meta's handshake: an unknown bot answers as a wrong verify token does.
    const handshake = (bot: string, token: string) =>
      fetch(`${app.url}/webhooks/messenger/${bot}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=7`);
    const [unknownGet, wrongGet] = await Promise.all([handshake('no-such-bot', 'verify-token-1'), handshake('demo', 'wrong')]);
    expect([unknownGet.status, wrongGet.status]).toEqual([403, 403]);
    expect(await unknownGet.json()).toEqual(await wrongGet.json());
  });
});

describe('webhook times and addressees', () => {
  it('an impossible platform time (1e300, an event from 2001) is replaced by the receive time', async () => {
    const before = Date.now();
    const huge = JSON.stringify(messengerText('t1', 'giờ lạ', { mid: 'm_time_1' })).replace(/"timestamp":\d+/, '"timestamp":1e300');
    expect((await signedMessenger(huge)).status).toBe(200);
    expect((await signedZalo(JSON.stringify(zaloText('t2', 'năm 2001', { msgId: 'z_time_1', timestamp: 978307200000 })))).status).toBe(200);
    for (const key of ['messenger:demo:mid:m_time_1', 'zalo_oa:demo:msg:z_time_1']) {
      const doc = await waitFor(() => stored(key), 5000, key);
      const at = (doc.eventAt as Date).getTime();
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(Date.now());
      expect((doc.event as { at: Date }).at.getTime()).toBe(at);
    }
    const metrics = await fetch(`${app.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/channel_webhook_times_clamped_total\{platform="messenger"\} [1-9]/);
    expect(metrics).toMatch(/channel_webhook_times_clamped_total\{platform="zalo"\} [1-9]/);
  });

  it('a time within the window is kept as the platform sent it', async () => {
    const at = Date.now() - 60 * 60 * 1000;
    expect((await signedMessenger(JSON.stringify(messengerText('t3', 'một giờ trước', { mid: 'm_time_2', timestamp: at })))).status).toBe(200);
    expect(((await waitFor(() => stored('messenger:demo:mid:m_time_2'))).eventAt as Date).getTime()).toBe(at);
  });

  it('a signed Messenger entry for another page is ignored, the bot’s own page is stored', async () => {
    const mine = messengerText('p1', 'trang của tôi', { mid: 'm_page_mine' });
    const foreign = messengerText('p1', 'trang khác', { mid: 'm_page_other' });
    const body = { object: 'page', entry: [mine.entry[0], { ...(foreign.entry[0] as object), id: '999000000000009' }] };
    expect((await signedMessenger(JSON.stringify(body))).status).toBe(200);
    expect(await waitFor(() => stored('messenger:demo:mid:m_page_mine'))).toBeTruthy();
    expect(await stored('messenger:demo:mid:m_page_other')).toBeNull();
    const onlyForeign = messengerEnvelope([]);
    (onlyForeign.entry[0] as { id: string }).id = '999000000000009';
    expect((await signedMessenger(JSON.stringify(onlyForeign))).status).toBe(200);
  });

  it('a signed Zalo OA event naming another OA is ignored', async () => {
    const other = { ...zaloText('o1', 'OA khác', { msgId: 'z_oa_other' }), recipient: { id: '2500000000000000999' } };
    expect((await signedZalo(JSON.stringify(other))).status).toBe(200);
    const followOther = { ...zaloFixtures.follow, oa_id: '2500000000000000999', timestamp: String(Date.now()), follower: { id: 'o2' } };
    expect((await signedZalo(JSON.stringify(followOther))).status).toBe(200);
    expect((await signedZalo(JSON.stringify(zaloText('o1', 'OA của tôi', { msgId: 'z_oa_mine' })))).status).toBe(200);
    await waitFor(() => stored('zalo_oa:demo:msg:z_oa_mine'));
    expect(await stored('zalo_oa:demo:msg:z_oa_other')).toBeNull();
    expect(await db.models.InboxEvent.countDocuments({ participant: /o2$/ })).toBe(0);
  });
});
