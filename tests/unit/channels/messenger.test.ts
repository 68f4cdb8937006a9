import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/index.js';
import {
  classifyGraphError,
  classifyMarketingError,
  createMessengerClient,
  renderMarketing,
  messengerChannel,
  normalizeMessenger,
  renderMessenger,
  signMessengerBody,
  verifyMessengerSignature,
  verifyMessengerSubscription,
} from '../../../src/channels/messenger/index.js';
import { messengerFixtures, messengerOptin } from '../../../src/channels/messenger/fixtures.js';
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
  it('reads a marketing-messages opt-in as its own kind (not a start, which would restart onboarding)', () => {
    const [e] = normalizeMessenger('demo', messengerFixtures.optin);
    expect(e).toMatchObject({
      kind: 'optin',
      userId: '6001',
      optIn: { status: 'active', token: 'tok-6001', title: 'Câu hỏi chuyển đổi số hằng ngày', timezone: 'Asia/Ho_Chi_Minh' },
    });
    expect(e!.eventId).toMatch(/^optin:/);
    expect(normalizeMessenger('demo', messengerFixtures.optinStop)[0]).toMatchObject({ kind: 'optin', optIn: { status: 'stopped', token: 'tok-6001' } });
    expect(normalizeMessenger('demo', messengerFixtures.optinResume)[0]).toMatchObject({ kind: 'optin', optIn: { status: 'resumed' } });
    const stopId = normalizeMessenger('demo', messengerFixtures.optinStop)[0]!.eventId;
    expect(stopId).not.toBe(e!.eventId);
  });
  it('reads a legacy opt-in’s expiry (seconds) and frequency', () => {
    expect(normalizeMessenger('demo', messengerFixtures.optinLegacy)[0]).toMatchObject({
      kind: 'optin',
      optIn: { status: 'active', token: 'tok-legacy', frequency: 'DAILY', expiresAt: new Date(1715000000 * 1000) },
    });
  });
  it('leaves out an opt-in without a token', () => {
    expect(normalizeMessenger('demo', messengerOptin('6001', {}))).toEqual([]);
  });
  it('reads plugin opt-ins as start, images as unsupported, and leaves out echoes and reactions', () => {
    expect(normalizeMessenger('demo', messengerFixtures.optinPlugin)[0]).toMatchObject({ kind: 'start', payload: 'reminders' });
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

describe('Messenger opt-in and marketing messages (docs/reach.md §1.4)', () => {
  const client = createMessengerClient({ graphUrl: GRAPH, apiVersion: 'v23.0', timeoutMs: 2000 });
  const account = { adAccountId: '555', campaignId: 'camp-1', accessToken: 'system-user-token' };

  it('renders the opt-in request after the text as Meta’s notification_messages template', () => {
    const out = renderMessenger({ text: 'Bấm “Nhận cập nhật”.', optInRequest: { title: 'Câu hỏi chuyển đổi số hằng ngày', payload: 'OPTIN' } });
    expect(out).toEqual([
      { text: 'Bấm “Nhận cập nhật”.' },
      {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'notification_messages',
            title: 'Câu hỏi chuyển đổi số hằng ngày',
            payload: 'OPTIN',
            notification_messages_timezone: 'Asia/Ho_Chi_Minh',
            notification_messages_cta_text: 'GET_UPDATES',
          },
        },
      },
    ]);
  });

  it('renders a marketing message as one template: up to three choices as postback buttons', () => {
    expect(
      renderMarketing({
        text: 'Đúng hay sai?',
        choices: [
          { title: 'Đúng', payload: 'P1' },
          { title: 'Sai', payload: 'P2' },
        ],
      }),
    ).toEqual({
      attachment: {
        type: 'template',
        payload: {
          template_type: 'button',
          text: 'Đúng hay sai?',
          buttons: [
            { type: 'postback', title: 'Đúng', payload: 'P1' },
            { type: 'postback', title: 'Sai', payload: 'P2' },
          ],
        },
      },
    });
  });

  it('leaves four quiz options in the text (A–D are written there) and numbers longer ones', () => {
    const abcd = ['A', 'B', 'C', 'D'].map((title) => ({ title, payload: `ANS|${title}` }));
    expect(renderMarketing({ text: 'Câu hỏi\nA. x\nB. y\nC. z\nD. w', choices: abcd })).toEqual({ text: 'Câu hỏi\nA. x\nB. y\nC. z\nD. w' });
    const long = ['Một', 'Hai', 'Ba', 'Bốn'].map((title) => ({ title, payload: title }));
    expect(renderMarketing({ text: 'Chọn', choices: long })).toEqual({ text: 'Chọn\n\n1. Một\n2. Hai\n3. Ba\n4. Bốn' });
  });

  it('refuses a marketing message over 640 characters rather than cutting it', () => {
    expect(renderMarketing({ text: 'x'.repeat(641) })).toBeNull();
    expect(renderMarketing({ text: 'x'.repeat(640) })).toEqual({ text: 'x'.repeat(640) });
  });

  it('sends to act_<ad account>/messages with the campaign, the subscription token and the system-user token', async () => {
    const scope = nock(GRAPH, { reqheaders: { authorization: 'Bearer system-user-token' } })
      .post('/v23.0/act_555/messages', { message_id: 'camp-1', messenger_delivery_data: { subscription_token: 'tok-1' }, message: { text: 'Câu hỏi' } })
      .reply(200, { success: true, marketing_message_tracking_id: 'track-1' });
    expect(await client.sendMarketing(account, 'tok-1', { text: 'Câu hỏi' })).toEqual({ ok: true, messageIds: ['track-1'] });
    expect(scope.isDone()).toBe(true);
  });

  const refusals: Array<[number, string]> = [
    [2300034, 'opt_in_stopped'],
    [2300037, 'opt_in_expired'],
    [2300004, 'opt_in_invalid'],
    [2300035, 'frequency'],
    [2300042, 'capped'],
    [2300052, 'capped'],
    [2300011, 'account'],
    [2300054, 'account'],
  ];
  for (const [code, refusal] of refusals) {
    it(`reads ${code} as refused (${refusal}), as a subcode or as the code`, () => {
      const body = (c: object) => ({ error: { message: 'refused', type: 'OAuthException', ...c } });
      expect(classifyMarketingError(400, body({ code: 100, error_subcode: code }))).toMatchObject({ errorClass: 'refused', refusal, code: String(code) });
      expect(classifyMarketingError(400, body({ code }))).toMatchObject({ errorClass: 'refused', refusal });
    });
  }
  it('waits as Meta says for a campaign not ready (2300041) and "try again in 30 minutes" (2300055)', () => {
    expect(classifyMarketingError(400, { error: { code: 100, error_subcode: 2300041 } })).toMatchObject({ errorClass: 'retryable', retryAfterMs: 3600_000 });
    expect(classifyMarketingError(400, { error: { code: 100, error_subcode: 2300055 } })).toMatchObject({ errorClass: 'retryable', retryAfterMs: 1800_000 });
  });

  it('sends marketing only when the bot turned it on and its three MM_* secrets are set', async () => {
    const env = {
      ...channelEnv('demo', { graph: GRAPH }),
      DEMO_MESSENGER_MM_AD_ACCOUNT_ID: '555',
      DEMO_MESSENGER_MM_CAMPAIGN_ID: 'camp-1',
      DEMO_MESSENGER_MM_ACCESS_TOKEN: 'system-user-token',
    };
    const on = new Map([['demo', testBot('demo', { channels: { messenger: { marketingMessages: { enabled: true } } } })]]);
    expect(messengerChannel({ config: testConfig(env), bots: on }).marketingReady('demo')).toBe(true);
    const off = new Map([['demo', testBot('demo')]]);
    const channel = messengerChannel({ config: testConfig(env), bots: off });
    expect(channel.marketingReady('demo')).toBe(false);
    expect(await channel.send(to, { text: 'x' }, { purpose: 'marketing', optInToken: 'tok' })).toMatchObject({
      ok: false,
      errorClass: 'refused',
      refusal: 'account',
    });
    const noSecret: Record<string, string> = { ...env };
    delete noSecret.DEMO_MESSENGER_MM_ACCESS_TOKEN;
    expect(messengerChannel({ config: testConfig(noSecret), bots: on }).marketingReady('demo')).toBe(false);
  });
});
