import { describe, expect, it } from 'vitest';
import { classify, composeSend, observe, rateLimit, retry, tokenBucket } from '../../../src/channels/send/transformers.js';
import type { RawSend } from '../../../src/channels/types.js';
import type { SendResult } from '../../../src/domain/index.js';

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
