import { describe, expect, it } from 'vitest';
import { decideWindow } from '../../../src/outreach/index.js';

const now = new Date('2026-10-09T01:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

describe('platform windows', () => {
  it('sends a Messenger update to someone who wrote within 24 hours', () => {
    expect(decideWindow('messenger', hoursAgo(23), now, false)).toEqual({ send: true, purpose: 'update' });
  });
  it('skips a plain Messenger broadcast outside 24 hours with window_closed', () => {
    expect(decideWindow('messenger', hoursAgo(25), now, false)).toEqual({ send: false, reason: 'window_closed' });
    expect(decideWindow('messenger', null, now, false)).toEqual({ send: false, reason: 'window_closed' });
  });
  it('sends an event update outside 24 hours with the CONFIRMED_EVENT_UPDATE purpose', () => {
    expect(decideWindow('messenger', hoursAgo(200), now, true)).toEqual({ send: true, purpose: 'event_update' });
  });
  it('keeps the Zalo OA reply window of 7 days, even for event updates', () => {
    expect(decideWindow('zalo_oa', hoursAgo(24 * 6), now, false)).toEqual({ send: true, purpose: 'update' });
    expect(decideWindow('zalo_oa', hoursAgo(24 * 8), now, true)).toEqual({ send: false, reason: 'window_closed' });
  });
  it('sends to Zalo groups without a window', () => {
    expect(decideWindow('zalo_personal', null, now, false)).toEqual({ send: true, purpose: 'update' });
  });
});
