import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/index.js';
import {
  classifyGraphError,
  createMessengerClient,
  messengerChannel,
  normalizeMessenger,
  renderMessenger,
  signMessengerBody,
  verifyMessengerSignature,
  verifyMessengerSubscription,
} from '../../../src/channels/messenger/index.js';
import { messengerFixtures } from '../../../src/channels/messenger/fixtures.js';
import { splitText } from '../../../src/channels/text.js';
import { channelEnv, testBot } from '../../fixtures/channels/bots.js';

const GRAPH = 'https://graph.facebook.test';
const to = { bot: 'demo', channel: 'messenger' as const, userId: '6001' };

beforeAll(() => nock.enableNetConnect(/127\.0\.0\.1|localhost/));
afterEach(() => nock.cleanAll());

describe('Messenger signature', () => {
  const raw = Buffer.from(JSON.stringify(messengerFixtures.text));
  it('accepts a body signed with the app secret', () => {
    const headers = { 'x-hub-signature-256': signMessengerBody(raw, 'app-secret-1') };
    expect(verifyMessengerSignature({ rawBody: raw, headers }, 'app-secret-1')).toEqual({ ok: true });
  });
  it('rejects a wrong, truncated or missing signature with 403', () => {
    const wrong = signMessengerBody(raw, 'another-secret');
    expect(verifyMessengerSignature({ rawBody: raw, headers: { 'x-hub-signature-256': wrong } }, 'app-secret-1')).toMatchObject({ ok: false, status: 403 });
    expect(verifyMessengerSignature({ rawBody: raw, headers: { 'x-hub-signature-256': 'sha256=abc' } }, 'app-secret-1')).toMatchObject({ ok: false });
    expect(verifyMessengerSignature({ rawBody: raw, headers: {} }, 'app-secret-1')).toMatchObject({ ok: false, reason: 'missing X-Hub-Signature-256' });
  });
  it('rejects a body changed after signing', () => {
    const headers = { 'x-hub-signature-256': signMessengerBody(raw, 'app-secret-1') };
    const changed = Buffer.from(raw.toString().replace('Xin chào', 'Xin chao'));
    expect(verifyMessengerSignature({ rawBody: changed, headers }, 'app-secret-1').ok).toBe(false);
  });
  it('answers Meta’s subscription challenge only with the right verify token', () => {
    const q = { 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-token-1', 'hub.challenge': '1158201444' };
    expect(verifyMessengerSubscription(q, 'verify-token-1')).toEqual({ ok: true, challenge: '1158201444' });
    expect(verifyMessengerSubscription({ ...q, 'hub.verify_token': 'nope' }, 'verify-token-1').ok).toBe(false);
  });
});

describe('Messenger webhook payloads', () => {
  it('reads a text message', () => {
    expect(normalizeMessenger('demo', messengerFixtures.text)).toEqual([
      { bot: 'demo', channel: 'messenger', userId: '6001', at: new Date(1700000000000), eventId: 'mid:m_text_1', kind: 'text', text: 'Xin chào' },
    ]);
  });
  it('reads a quick reply as a choice with its payload', () => {
    expect(normalizeMessenger('demo', messengerFixtures.quickReply)[0]).toMatchObject({ kind: 'choice', payload: 'answer:q1:B', text: 'B' });
  });
  it('reads Get Started as start, other postbacks as choices', () => {
    expect(normalizeMessenger('demo', messengerFixtures.getStarted)[0]).toMatchObject({ kind: 'start', payload: 'GET_STARTED' });
    expect(normalizeMessenger('demo', messengerFixtures.postback)[0]).toMatchObject({ kind: 'choice', payload: 'cmd:today' });
  });
  it('reads opt-ins as start, images as unsupported, and leaves out echoes and reactions', () => {
    expect(normalizeMessenger('demo', messengerFixtures.optin)[0]).toMatchObject({ kind: 'start', payload: 'reminders' });
    expect(normalizeMessenger('demo', messengerFixtures.image)[0]).toMatchObject({ kind: 'unsupported', what: 'image' });
    expect(normalizeMessenger('demo', messengerFixtures.echo)).toEqual([]);
    expect(normalizeMessenger('demo', messengerFixtures.reaction)).toEqual([]);
    expect(normalizeMessenger('demo', { object: 'instagram', entry: [] })).toEqual([]);
  });
  it('reads deliveries and reads with their watermark and a stable id', () => {
    const [d] = normalizeMessenger('demo', messengerFixtures.delivery);
    expect(d).toMatchObject({ kind: 'delivered', messageIds: ['m_out_1'], watermark: new Date(1700000001000) });
    expect(normalizeMessenger('demo', messengerFixtures.delivery)[0]!.eventId).toBe(d!.eventId);
    expect(normalizeMessenger('demo', messengerFixtures.read)[0]).toMatchObject({ kind: 'read', watermark: new Date(1700000001500) });
  });
  it('reads every entry of a batched body', () => {
    expect(normalizeMessenger('demo', messengerFixtures.batch).map((e) => e.userId)).toEqual(['6001', '6002']);
  });
});

describe('Messenger rendering', () => {
  it('splits long text at 2000 characters on sentence boundaries', () => {
    const sentence = 'Chuyển đổi số là quá trình thay đổi tổng thể và toàn diện. ';
    const text = sentence.repeat(80);
    const pieces = renderMessenger({ text });
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect('text' in p && p.text.length).toBeLessThanOrEqual(2000);
      expect('text' in p && p.text.endsWith('.')).toBe(true);
    }
    expect(pieces.map((p) => ('text' in p ? p.text : '')).join(' ')).toBe(text.trim());
  });
  it('cuts a text without sentence ends at a space', () => {
    const pieces = splitText('word '.repeat(1000), 2000);
    expect(pieces.every((p) => p.length <= 2000 && !p.endsWith(' '))).toBe(true);
  });
  it('shows up to 13 short options as quick replies on the last piece', () => {
    const choices = Array.from({ length: 13 }, (_, i) => ({ title: `Đáp án ${i}`, payload: `p${i}` }));
    const [m] = renderMessenger({ text: 'Chọn một', choices });
    expect(m).toMatchObject({ text: 'Chọn một' });
    expect('quick_replies' in m! && m.quick_replies).toHaveLength(13);
  });
  it('numbers options whose titles pass 20 characters, with number buttons', () => {
    const choices = [
      { title: 'Kinh tế số và xã hội số', payload: 'a' },
      { title: 'Chính quyền số', payload: 'b' },
    ];
    const [m] = renderMessenger({ text: 'Câu hỏi?', choices });
    expect(m).toEqual({
      text: 'Câu hỏi?\n\n1. Kinh tế số và xã hội số\n2. Chính quyền số',
      quick_replies: [
        { content_type: 'text', title: '1', payload: 'a' },
        { content_type: 'text', title: '2', payload: 'b' },
      ],
    });
  });
  it('numbers more than 13 options in the text without quick replies', () => {
    const choices = Array.from({ length: 14 }, (_, i) => ({ title: `Đơn vị ${i + 1}`, payload: `u${i}` }));
    const [m] = renderMessenger({ text: 'Chọn đơn vị', choices });
    expect(m && 'quick_replies' in m).toBe(false);
    expect(m && 'text' in m && m.text).toContain('14. Đơn vị 14');
  });
  it('shows a link as a URL button', () => {
    const [m] = renderMessenger({ text: 'Xem thể lệ', link: { title: 'Thể lệ cuộc thi', url: 'https://example.org/rules' } });
    expect(m).toEqual({
      attachment: {
        type: 'template',
        payload: { template_type: 'button', text: 'Xem thể lệ', buttons: [{ type: 'web_url', url: 'https://example.org/rules', title: 'Thể lệ cuộc thi' }] },
      },
    });
  });
});

describe('Messenger Send API', () => {
  const client = createMessengerClient({ graphUrl: GRAPH, apiVersion: 'v23.0', timeoutMs: 2000 });

  it('sends a reply as RESPONSE and an event reminder with the CONFIRMED_EVENT_UPDATE tag', async () => {
    const bodies: unknown[] = [];
    nock(GRAPH)
      .post('/v23.0/me/messages', (b) => (bodies.push(b), true))
      .query({ access_token: 'page-token-1' })
      .times(3)
      .reply(200, () => ({ recipient_id: '6001', message_id: `m_${bodies.length}` }));
    expect(await client.send('page-token-1', to, { text: 'a' }, { purpose: 'response' })).toEqual({ ok: true, messageIds: ['m_1'] });
    await client.send('page-token-1', to, { text: 'b' }, { purpose: 'update' });
    await client.send('page-token-1', to, { text: 'c' }, { purpose: 'event_update' });
    expect(bodies).toEqual([
      { recipient: { id: '6001' }, messaging_type: 'RESPONSE', message: { text: 'a' } },
      { recipient: { id: '6001' }, messaging_type: 'UPDATE', message: { text: 'b' } },
      { recipient: { id: '6001' }, messaging_type: 'MESSAGE_TAG', tag: 'CONFIRMED_EVENT_UPDATE', message: { text: 'c' } },
    ]);
  });

  const cases: Array<[string, number, object, string]> = [
    ['an expired page token', 400, { error: { message: 'Error validating access token', type: 'OAuthException', code: 190 } }, 'auth'],
    [
      'outside the 24-hour window',
      400,
      { error: { message: 'This message is sent outside of allowed window.', code: 10, error_subcode: 2018278 } },
      'window_closed',
    ],
    ['a person who is not available', 400, { error: { message: "This person isn't available right now.", code: 551, error_subcode: 1545041 } }, 'unreachable'],
    ['a rate limit', 400, { error: { message: 'Calls to this api have exceeded the rate limit.', code: 613 } }, 'retryable'],
    ['a server error', 503, {}, 'retryable'],
    ['a bad parameter', 400, { error: { message: '(#100) Invalid parameter', code: 100 } }, 'invalid'],
  ];
  for (const [what, status, body, errorClass] of cases) {
    it(`classifies ${what} as ${errorClass}`, async () => {
      nock(GRAPH).post('/v23.0/me/messages').query(true).reply(status, body);
      const r = await client.send('page-token-1', to, { text: 'x' }, { purpose: 'update' });
      expect(r).toMatchObject({ ok: false, errorClass });
    });
  }

  it('classifies without a body too', () => {
    expect(classifyGraphError(500, undefined).errorClass).toBe('retryable');
  });

  it('is enabled for a bot only when its three secrets are set', () => {
    const bots = new Map([['demo', testBot('demo')]]);
    expect(messengerChannel({ config: testConfig(channelEnv('demo')), bots }).enabled('demo')).toBe(true);
    const partial = channelEnv('demo');
    delete partial.DEMO_MESSENGER_VERIFY_TOKEN;
    expect(messengerChannel({ config: testConfig(partial), bots }).enabled('demo')).toBe(false);
    expect(messengerChannel({ config: testConfig(channelEnv('demo')), bots }).enabled('other')).toBe(false);
  });
});
