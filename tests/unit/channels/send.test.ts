import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createChannelMetrics } from '../../../src/channels/metrics.js';
import { sendPipeline } from '../../../src/channels/sending.js';
import { classify, composeSend, observe, rateLimit, retry, tokenBucket, TokenBucket } from '../../../src/channels/send/transformers.js';
import type { Channel, RawSend } from '../../../src/channels/types.js';
import { testConfig } from '../../../src/config/index.js';
import type { ChannelName, SendResult } from '../../../src/domain/index.js';

const to = { bot: 'demo', channel: 'messenger' as const, userId: '1' };
const msg = { text: 'x' };
const opts = { purpose: 'response' as const };

function scripted(results: Array<SendResult | Error>): RawSend & { calls: number } {
  const f = (async () => {
    f.calls++;
    const r = results.shift() ?? { ok: true, messageIds: [] };
    if (r instanceof Error) throw r;
    return r;
  }) as unknown as RawSend & { calls: number };
  f.calls = 0;
  return f;
}

describe('send transformers', () => {
  it('turns a network error into a retryable failure and retries it', async () => {
    const raw = scripted([Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { ok: true, messageIds: ['m1'] }]);
    const send = composeSend(raw, [classify, retry(2, { baseMs: 1 })]);
    expect(await send(to, msg, opts)).toEqual({ ok: true, messageIds: ['m1'] });
    expect(raw.calls).toBe(2);
  });
  it('gives up after the allowed retries and never retries other classes', async () => {
    const r: SendResult = { ok: false, errorClass: 'retryable', reason: 'busy', retryAfterMs: 1 };
    const raw = scripted([r, r, r, r]);
    expect(await composeSend(raw, [classify, retry(2)])(to, msg, opts)).toMatchObject({ ok: false, errorClass: 'retryable' });
    expect(raw.calls).toBe(3);
    const raw2 = scripted([{ ok: false, errorClass: 'window_closed', reason: '24h' }]);
    await composeSend(raw2, [classify, retry(2)])(to, msg, opts);
    expect(raw2.calls).toBe(1);
  });
  it('returns a quota failure at once rather than waiting an hour', async () => {
    const raw = scripted([{ ok: false, errorClass: 'retryable', reason: 'quota', retryAfterMs: 3600_000 }]);
    expect(await composeSend(raw, [retry(2)])(to, msg, opts)).toMatchObject({ reason: 'quota' });
    expect(raw.calls).toBe(1);
  });
  it('throttles sends to the configured rate', async () => {
    const raw = scripted([]);
    const send = composeSend(raw, [
      classify,
      rateLimit(
        () => 'k',
        () => tokenBucket(20, 1),
      ),
    ]);
    const start = Date.now();
    await Promise.all(Array.from({ length: 5 }, () => send(to, msg, opts)));
    // 1 at once, then 4 more at 20/s = about 200 ms.
    expect(Date.now() - start).toBeGreaterThanOrEqual(150);
  });
  it('reports every final result', async () => {
    const seen: boolean[] = [];
    const raw = scripted([{ ok: false, errorClass: 'invalid', reason: 'bug' }]);
    await composeSend(raw, [classify, observe((_t, r) => seen.push(r.ok))])(to, msg, opts);
    expect(seen).toEqual([false]);
  });
});

/** A clock that only moves when someone sleeps on it: rates are measured in simulated seconds. */
function fakeTime() {
  const time = { ms: 0, now: () => time.ms, sleep: async (ms: number) => void (time.ms += ms) };
  return time;
}

describe('token bucket', () => {
  it('lets a burst through, then paces to the rate', async () => {
    const time = fakeTime();
    const slept: number[] = [];
    const bucket = new TokenBucket(10, 2, { now: time.now, sleep: async (ms) => (slept.push(ms), time.sleep(ms)) });
    for (let i = 0; i < 5; i++) await bucket.take();
    expect(slept).toEqual([100, 100, 100]);
    expect(time.ms).toBe(300);
  });
});

describe('the send pipeline', () => {
  it('a 40/s Messenger limit sends 40 messages a second, not fewer: one limiter on every send', async () => {
    const time = fakeTime();
    const sentAt: number[] = [];
    const platform = (name: ChannelName): Channel => ({
      name,
      enabled: () => true,
      send: async () => {
        sentAt.push(time.ms);
        return { ok: true, messageIds: [`m${sentAt.length}`] };
      },
    });
    const channels = { messenger: platform('messenger'), zalo_oa: platform('zalo_oa'), zalo_personal: platform('zalo_personal'), web: platform('web') };
    const rates = testConfig({ SEND_RATE_MESSENGER_PER_S: '40' }).sending;
    const metrics = createChannelMetrics(new Registry(), async () => ({ pending: 0, failed: 0 }));
    const send = sendPipeline(channels, rates, metrics, time);

    // A broadcast's batches send side by side: 400 messages to members of one bot (one page).
    const n = 400;
    await Promise.all(
      Array.from({ length: n }, (_, i) => send({ bot: 'demo', channel: 'messenger', userId: `u${i}` }, { text: 'Nhắc lịch' }, { purpose: 'update' })),
    );
    expect(sentAt).toHaveLength(n);
    // One second's burst at once, then exactly 40 in every further simulated second.
    const perSecond = new Map<number, number>();
    for (const t of sentAt) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    const burst = 40;
    const lastSecond = Math.floor(sentAt.at(-1)! / 1000);
    for (let s = 1; s < lastSecond; s++) expect(perSecond.get(s)).toBe(40);
    // The whole run takes (n − burst) / 40 simulated seconds: 40/s overall, no second limiter slowing it.
    expect(sentAt.at(-1)).toBe(((n - burst) / 40) * 1000);
  });
});
