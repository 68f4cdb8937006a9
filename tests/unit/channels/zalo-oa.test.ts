import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyZaloError,
  createZaloClient,
  normalizeZalo,
  renderZalo,
  renderZaloPromotion,
  signZaloBody,
  verifyZaloSignature,
} from '../../../src/channels/zalo-oa/index.js';
import { APP_ID, zaloFixtures } from '../../../src/channels/zalo-oa/fixtures.js';

const API = 'https://openapi.zalo.test';
const to = { bot: 'demo', channel: 'zalo_oa' as const, userId: '8001' };

beforeAll(() => nock.enableNetConnect(/127\.0\.0\.1|localhost/));
afterEach(() => nock.cleanAll());

describe('Zalo OA signature', () => {
  const raw = JSON.stringify(zaloFixtures.text);
  const request = (signature?: string, body = raw) => ({
    rawBody: Buffer.from(body),
    headers: signature ? { 'x-zevent-signature': signature } : {},
  });
  it('accepts mac = sha256(app_id + body + timestamp + secret key)', () => {
    expect(verifyZaloSignature(request(signZaloBody(APP_ID, raw, 'zalo-secret-1')), APP_ID, 'zalo-secret-1')).toEqual({ ok: true });
  });
  it('rejects a missing or wrong signature, or a body changed after signing', () => {
    expect(verifyZaloSignature(request(), APP_ID, 'zalo-secret-1')).toMatchObject({ ok: false, status: 403 });
    expect(verifyZaloSignature(request(signZaloBody(APP_ID, raw, 'other')), APP_ID, 'zalo-secret-1').ok).toBe(false);
    const changed = raw.replace('Xin chào', 'Tạm biệt');
    expect(verifyZaloSignature(request(signZaloBody(APP_ID, raw, 'zalo-secret-1'), changed), APP_ID, 'zalo-secret-1').ok).toBe(false);
  });
});

describe('Zalo OA webhook payloads', () => {
  it('reads user_send_text as text with string ids', () => {
    expect(normalizeZalo('demo', zaloFixtures.text)).toEqual([
      { bot: 'demo', channel: 'zalo_oa', userId: '8001', at: new Date(1700000000000), eventId: 'msg:z_text_1', kind: 'text', text: 'Xin chào' },
    ]);
  });
  it('reads a tapped button (#payload) as a choice', () => {
    expect(normalizeZalo('demo', zaloFixtures.choice)[0]).toMatchObject({ kind: 'choice', payload: 'answer:q1:B' });
  });
  it('reads images and stickers as unsupported', () => {
    expect(normalizeZalo('demo', zaloFixtures.image)[0]).toMatchObject({ kind: 'unsupported', what: 'image' });
    expect(normalizeZalo('demo', zaloFixtures.sticker)[0]).toMatchObject({ kind: 'unsupported', what: 'sticker' });
  });
  it('reads follow, unfollow and chat-now', () => {
    expect(normalizeZalo('demo', zaloFixtures.follow)[0]).toMatchObject({ kind: 'follow', userId: '8001' });
    expect(normalizeZalo('demo', zaloFixtures.unfollow)[0]).toMatchObject({ kind: 'unfollow', userId: '8001' });
    expect(normalizeZalo('demo', zaloFixtures.chatNow)[0]).toMatchObject({ kind: 'start', userId: '8001' });
  });
  it('reads received and seen receipts for the person they were sent to', () => {
    expect(normalizeZalo('demo', zaloFixtures.received)[0]).toMatchObject({ kind: 'delivered', userId: '8001', messageIds: ['z_out_1'] });
    expect(normalizeZalo('demo', zaloFixtures.seen)[0]).toMatchObject({ kind: 'read', messageIds: ['z_out_1', 'z_out_2'] });
  });
  it('ignores events we do not handle', () => {
    expect(normalizeZalo('demo', zaloFixtures.oaSendText)).toEqual([]);
    expect(normalizeZalo('demo', { nothing: true })).toEqual([]);
  });
});

describe('Zalo OA rendering', () => {
  it('shows a choice with the member’s words as oa.query.show whose payload is only those words', () => {
    const [m] = renderZalo({ text: 'Câu hỏi?', choices: [{ title: 'A', payload: 'ANS|q1|r1|daily|2023-06-10|2', reply: 'Chính quyền số' }] });
    expect(m).toEqual({
      text: 'Câu hỏi?',
      attachment: { type: 'template', payload: { buttons: [{ title: 'A', type: 'oa.query.show', payload: 'Chính quyền số' }] } },
    });
  });
  it('sends a choice without words (a broadcast’s) as oa.query.hide, read back as a choice with its title', () => {
    const [m] = renderZalo({ text: 'Tin mới', choices: [{ title: 'Dừng nhắc nhở', payload: 'BROADCAST_CHOICE_2' }] });
    const button = (m as { attachment: { payload: { buttons: Array<{ type: string; payload: string }> } } }).attachment.payload.buttons[0]!;
    expect(button.type).toBe('oa.query.hide');
    const tapped = { ...zaloFixtures.text, message: { msg_id: 'z9', text: button.payload } };
    expect(normalizeZalo('demo', tapped)[0]).toMatchObject({ kind: 'choice', payload: 'BROADCAST_CHOICE_2', text: 'Dừng nhắc nhở' });
  });
  it('sends more than five choices as messages of at most five numbered buttons', () => {
    const choices = Array.from({ length: 9 }, (_, i) => ({ title: `Đơn vị ${i + 1}`, payload: `UNIT|u${i}`, reply: `Đơn vị ${i + 1}` }));
    const out = renderZalo({ text: 'Chọn', choices });
    expect(out).toHaveLength(2);
    const buttons = out.map((m) => (m as { attachment: { payload: { buttons: Array<{ title: string }> } } }).attachment.payload.buttons);
    expect(buttons.map((b) => b.length)).toEqual([5, 4]);
    expect(buttons.flat().map((b) => b.title)).toEqual(choices.map((c, i) => `${i + 1}. ${c.title}`));
    expect(out[1]!.text).toBe('⋯ 6–9');
  });
  it('splits text longer than 2000 characters', () => {
    expect(renderZalo({ text: 'Một câu. '.repeat(400) }).length).toBe(2);
  });
});

describe('Zalo OA send', () => {
  const client = createZaloClient({ apiUrl: API, timeoutMs: 2000 });
  it('posts to /v3.0/oa/message/cs with the access_token header', async () => {
    nock(API, { reqheaders: { access_token: 'tok' } })
      .post('/v3.0/oa/message/cs', { recipient: { user_id: '8001' }, message: { text: 'Chào bạn' } })
      .reply(200, { error: 0, message: 'Success', data: { message_id: 'z_out_9', user_id: '8001' } });
    expect(await client.send('tok', to, { text: 'Chào bạn' })).toEqual({ ok: true, messageIds: ['z_out_9'] });
  });
  const cases: Array<[number, string]> = [
    [-216, 'auth'],
    [-220, 'auth'],
    [-32, 'retryable'],
    [-211, 'refused'],
    [-213, 'unreachable'],
    [-217, 'unreachable'],
    [-218, 'refused'],
    [-221, 'refused'],
    [-224, 'refused'],
    [-227, 'unreachable'],
    [-230, 'window_closed'],
    [-232, 'window_closed'],
    [-234, 'retryable'],
    [-244, 'refused'],
    [-201, 'invalid'],
  ];
  for (const [error, errorClass] of cases) {
    it(`reads HTTP 200 with error ${error} as ${errorClass}`, async () => {
      nock(API).post('/v3.0/oa/message/cs').reply(200, { error, message: 'failed' });
      expect(await client.send('tok', to, { text: 'x' })).toMatchObject({ ok: false, errorClass, code: String(error) });
    });
  }
  it('says why when the quota is spent, and that another path may work instead of retrying hourly', () => {
    expect(classifyZaloError(-211, 'Out of quota')).toMatchObject({ errorClass: 'refused', refusal: 'quota', reason: 'Out of quota' });
    expect(classifyZaloError(-211, 'Out of quota')).not.toHaveProperty('retryAfterMs');
  });
  it('reads -224 as the OA package (not a closed window), -218 and -244 as the recipient’s own limit', () => {
    expect(classifyZaloError(-224, 'The OA needs to upgrade OA Tier Package')).toMatchObject({ errorClass: 'refused', refusal: 'account' });
    expect(classifyZaloError(-221, 'The OA needs to be verified')).toMatchObject({ errorClass: 'refused', refusal: 'account' });
    expect(classifyZaloError(-218, 'Out of quota receive')).toMatchObject({ errorClass: 'refused', refusal: 'recipient_limit' });
    expect(classifyZaloError(-244, 'User has restricted this message type')).toMatchObject({ errorClass: 'refused', refusal: 'recipient_limit' });
  });
  it('reads -213 on a promotion as "needs a follower" (another path may work), on a consultation as unreachable', () => {
    expect(classifyZaloError(-213, 'User has not followed OA', 'promotion')).toMatchObject({ errorClass: 'refused', refusal: 'not_follower' });
    expect(classifyZaloError(-213, 'User has not followed OA', 'update')).toMatchObject({ errorClass: 'unreachable' });
  });
  it('waits after -234 (night) rather than dropping the message', () => {
    expect(classifyZaloError(-234, 'This message cannot be sent at night')).toMatchObject({ errorClass: 'retryable', retryAfterMs: 3600_000 });
  });
  it('sends a promotion message as one template to /v3.0/oa/message/promotion', async () => {
    const scope = nock(API, { reqheaders: { access_token: 'tok' } })
      .post('/v3.0/oa/message/promotion', {
        recipient: { user_id: '8001' },
        message: {
          attachment: {
            type: 'template',
            payload: {
              template_type: 'promotion',
              language: 'VI',
              elements: [
                { type: 'header', content: '📅 Câu hỏi ngày 10/10/2026' },
                { type: 'text', content: 'Chuyển đổi số là gì?' },
              ],
              buttons: [{ title: 'A', type: 'oa.query.hide', payload: `#~${JSON.stringify({ p: 'ANS|q|r|daily|2026-10-10|0', t: 'A' })}` }],
            },
          },
        },
      })
      .reply(200, { error: 0, message: 'Success', data: { message_id: 'p1' } });
    const r = await client.send(
      'tok',
      to,
      { text: '📅 Câu hỏi ngày 10/10/2026\nChuyển đổi số là gì?', choices: [{ title: 'A', payload: 'ANS|q|r|daily|2026-10-10|0' }] },
      'promotion',
    );
    expect(r).toEqual({ ok: true, messageIds: ['p1'] });
    expect(scope.isDone()).toBe(true);
  });
  it('refuses a promotion that does not fit the template', () => {
    expect(renderZaloPromotion({ text: `${'x'.repeat(101)}\nrest` })).toBeNull();
    expect(renderZaloPromotion({ text: `header\n${'y'.repeat(1001)}` })).toBeNull();
  });
  it('treats a 5xx as retryable', async () => {
    nock(API).post('/v3.0/oa/message/cs').reply(502, 'Bad gateway');
    expect(await client.send('tok', to, { text: 'x' })).toMatchObject({ ok: false, errorClass: 'retryable' });
  });
});
