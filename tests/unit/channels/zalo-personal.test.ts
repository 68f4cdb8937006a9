import { describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config/index.js';
import { createLogger } from '../../../src/log/index.js';
import {
  normalizeZaloPersonal,
  renderZaloPersonal,
  zaloPersonalChannel,
  type ZaloPersonalClient,
  type ZaloPersonalIncoming,
} from '../../../src/channels/zalo-personal/index.js';
import { composeSend, rateLimit, tokenBucket } from '../../../src/channels/send/transformers.js';
import type { InboundEvent } from '../../../src/domain/index.js';
import { testBot } from '../../fixtures/channels/bots.js';
import { waitFor } from '../../fixtures/channels/harness.js';

const msg = (over: Partial<ZaloPersonalIncoming> = {}): ZaloPersonalIncoming => ({
  msgId: '1',
  groupId: 'g1',
  fromId: 'u1',
  text: 'Xin chào',
  at: new Date(1700000000000),
  isSelf: false,
  ...over,
});

/** A fake zca-js: records sends; `drop()` closes the connection as Zalo does. */
function fakeZca() {
  const sent: Array<{ groupId: string; text: string; picture?: { filename: string; bytes: number } }> = [];
  let logins = 0;
  let failLogins = 0;
  let onMessage: ((m: ZaloPersonalIncoming) => void) | null = null;
  let onClose: ((r: string) => void) | null = null;
  const client: ZaloPersonalClient = {
    async login() {
      logins++;
      if (failLogins-- > 0) throw new Error('session expired');
    },
    listen(m, c) {
      onMessage = m;
      onClose = c;
    },
    async sendMessage(groupId, text) {
      sent.push({ groupId, text });
      return { messageId: `zp${sent.length}` };
    },
    async sendImage(groupId, picture) {
      sent.push({ groupId, text: '', picture: { filename: picture.filename, bytes: picture.data.length } });
      return { messageId: `zp${sent.length}` };
    },
    stop() {},
  };
  return {
    client,
    sent,
    get logins() {
      return logins;
    },
    failNext(n: number) {
      failLogins = n;
    },
    emit: (m: ZaloPersonalIncoming) => onMessage?.(m),
    drop: () => onClose?.('kicked'),
  };
}

function fakeCredentials(session: unknown) {
  return { collection: { findOne: async () => ({ session }), updateOne: async () => ({}) } } as never;
}

describe('Zalo personal (zca-js)', () => {
  it('reads messages only from the configured groups, never our own', () => {
    expect(normalizeZaloPersonal('demo', ['g1'], msg())).toMatchObject([
      { kind: 'text', text: 'Xin chào', userId: 'u1', groupId: 'g1', channel: 'zalo_personal' },
    ]);
    expect(normalizeZaloPersonal('demo', ['g1'], msg({ groupId: 'stranger' }))).toEqual([]);
    expect(normalizeZaloPersonal('demo', ['g1'], msg({ isSelf: true }))).toEqual([]);
    expect(normalizeZaloPersonal('demo', ['g1'], msg({ text: null }))[0]).toMatchObject({ kind: 'unsupported' });
  });

  it('renders choices as numbered plain text', () => {
    expect(
      renderZaloPersonal({
        text: 'Chọn',
        choices: [
          { title: 'Có', payload: 'y' },
          { title: 'Không', payload: 'n' },
        ],
      }),
    ).toEqual(['Chọn\n\n1. Có\n2. Không']);
  });

  it("sends a message's picture as an attachment before its text, and names it by its link when it cannot be read", async () => {
    const zca = fakeZca();
    const pictures = new Map([['https://bot.example/media/ngay-cds.png', { data: Buffer.alloc(321, 1), filename: 'ngay-cds.png' }]]);
    const channel = zaloPersonalChannel({
      bots: new Map([['demo', testBot('demo', { channels: { zalo_personal: { groups: ['g1'] } } })]]),
      model: fakeCredentials({ cookie: [], imei: 'i', userAgent: 'ua' }),
      logger: createLogger(testConfig()),
      createClient: () => zca.client,
      fetchPicture: async (url) => pictures.get(url) ?? null,
    });
    await channel.start(async () => undefined);
    await waitFor(() => zca.logins === 1, 5000, 'a login');
    const to = { bot: 'demo', channel: 'zalo_personal' as const, userId: 'u1', groupId: 'g1' };
    const image = { url: 'https://bot.example/media/ngay-cds.png', alt: 'Hình minh hoạ cho câu hỏi' };
    expect(await channel.send(to, { text: 'Câu hỏi', image }, { purpose: 'response' })).toEqual({ ok: true, messageIds: ['zp1', 'zp2'] });
    await channel.send(to, { text: 'Câu khác', image: { ...image, url: 'https://bot.example/media/gone.png' } }, { purpose: 'response' });
    expect(zca.sent).toEqual([
      { groupId: 'g1', text: '', picture: { filename: 'ngay-cds.png', bytes: 321 } },
      { groupId: 'g1', text: 'Câu hỏi' },
      { groupId: 'g1', text: 'Hình minh hoạ cho câu hỏi: https://bot.example/media/gone.png\n\nCâu khác' },
    ]);
    channel.stop();
  });

  it('connects bots that list groups, stores their group messages, sends only to those groups, and reconnects after a drop', async () => {
    const zca = fakeZca();
    const stored: InboundEvent[] = [];
    const bots = new Map([
      ['demo', testBot('demo', { channels: { zalo_personal: { groups: ['g1'] } } })],
      ['plain', testBot('plain')],
    ]);
    const channel = zaloPersonalChannel({
      bots,
      model: fakeCredentials({ cookie: [], imei: 'i', userAgent: 'ua' }),
      logger: createLogger(testConfig()),
      createClient: () => zca.client,
      backoffMs: { first: 10, max: 50 },
    });
    expect(channel.enabled('demo')).toBe(true);
    expect(channel.enabled('plain')).toBe(false);
    zca.failNext(1);
    await channel.start(async (e) => void stored.push(...e));
    await waitFor(() => zca.logins === 2, 5000, 'a second login'); // one failure, then a retry with backoff
    await new Promise((r) => setTimeout(r, 20));
    zca.emit(msg({ msgId: '7', text: 'câu trả lời' }));
    await waitFor(() => stored.length > 0, 5000, 'a stored event');
    expect(stored).toMatchObject([{ eventId: 'zmsg:7', text: 'câu trả lời' }]);

    const to = { bot: 'demo', channel: 'zalo_personal' as const, userId: 'u1', groupId: 'g1' };
    expect(await channel.send(to, { text: 'Chào' }, { purpose: 'response' })).toEqual({ ok: true, messageIds: ['zp1'] });
    expect(await channel.send({ ...to, groupId: 'stranger' }, { text: 'x' }, { purpose: 'response' })).toMatchObject({ ok: false, errorClass: 'invalid' });
    expect(await channel.send({ ...to, groupId: undefined }, { text: 'x' }, { purpose: 'response' })).toMatchObject({ ok: false });
    expect(zca.sent).toEqual([{ groupId: 'g1', text: 'Chào' }]);

    zca.drop();
    await waitFor(() => zca.logins === 3, 5000, 'a reconnection');
    channel.stop();
  });

  it('keeps its own slow pace: one message per interval', async () => {
    const zca = fakeZca();
    const bots = new Map([['demo', testBot('demo', { channels: { zalo_personal: { groups: ['g1'] } } })]]);
    const channel = zaloPersonalChannel({
      bots,
      model: fakeCredentials({ cookie: [], imei: 'i', userAgent: 'ua' }),
      logger: createLogger(testConfig()),
      createClient: () => zca.client,
    });
    await channel.start(async () => undefined);
    await waitFor(() => zca.logins === 1, 5000, 'login');
    await new Promise((r) => setTimeout(r, 20));
    const send = composeSend(channel.send, [
      rateLimit(
        (t) => t.bot,
        () => tokenBucket(1000 / 100, 1),
      ),
    ]);
    const to = { bot: 'demo', channel: 'zalo_personal' as const, userId: 'u1', groupId: 'g1' };
    const start = Date.now();
    await Promise.all([1, 2, 3].map((i) => send(to, { text: `m${i}` }, { purpose: 'update' })));
    expect(Date.now() - start).toBeGreaterThanOrEqual(180);
    channel.stop();
  });
});
