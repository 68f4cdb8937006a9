import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type Translate } from '../../../src/i18n/index.js';
import { reachAdvice, reasonOf } from '../../../src/outreach/index.js';

let t: Translate;
beforeAll(async () => {
  ({ t } = await createI18n(path.resolve(import.meta.dirname, '../../../content')));
});

describe('why a delivery was not sent', () => {
  it('is a code from the delivery, never the platform’s own words', () => {
    expect(reasonOf({ status: 'sent', reason: null, errorClass: null })).toBeNull();
    expect(reasonOf({ status: 'skipped', reason: 'window_closed', errorClass: 'window_closed' })).toBe('window_closed');
    expect(reasonOf({ status: 'failed', reason: 'Zalo error -216: access token is invalid', errorClass: 'auth' })).toBe('failed_auth');
    expect(reasonOf({ status: 'pending', reason: 'quiet_hours', errorClass: null })).toBe('quiet_hours');
    expect(reasonOf({ status: 'pending', reason: 'HTTP 503', errorClass: 'retryable' })).toBe('retrying');
    expect(reasonOf({ status: 'pending', reason: null, errorClass: null })).toBeNull();
  });

  it('reads in words, most frequent first, with what to do about it', () => {
    const advice = reachAdvice({ unsubscribed: 2, window_closed: 5, failed_auth: 0 }, t, 'vi');
    expect(advice.map((a) => [a.reason, a.count])).toEqual([
      ['window_closed', 5],
      ['unsubscribed', 2],
    ]);
    expect(advice[0]!.text).toBe('5 người đã quá lâu không tương tác với Trang/OA nên Facebook/Zalo từ chối gửi.');
    expect(advice[0]!.action).toContain('nhắn cho Trang/OA');
    expect(reachAdvice({ cancelled: 3 }, t, 'vi')[0]!.action).toBeNull();
    expect(reachAdvice({ unsubscribed: 1 }, t, 'en')[0]!.text).toBe('1 person sent “Stop” (no more messages) and was not sent it.');
  });

  it('says an unknown reason as "another reason", never as its code', () => {
    const [other] = reachAdvice({ some_new_reason: 4 }, t, 'vi');
    expect(other).toMatchObject({ reason: 'some_new_reason', count: 4, text: '4 tin không gửi được vì lý do khác.' });
    expect(other!.text).not.toContain('some_new_reason');
  });
});
