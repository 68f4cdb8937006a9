import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReachPath, ReachSettings, Refusal } from '../../../src/domain/index.js';
import { createI18n, type Translate } from '../../../src/i18n/index.js';
import { reachAdvice } from '../../../src/outreach/reach-advice.js';
import { chooseReachPath, SKIP_REASONS, type ReachFacts, type SkipReason } from '../../../src/outreach/reach.js';
import { refusalOutcome } from '../../../src/outreach/refusals.js';

const now = new Date('2026-10-10T01:00:00Z'); // 08:00 in Hà Nội
const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
const active = { status: 'active' as const, token: 'tok', expiresAt: null, nextEligibleAt: null };

const facts = (f: Partial<ReachFacts>): ReachFacts => ({
  channel: 'messenger',
  now,
  lastInboundAt: ago(72),
  optIn: null,
  oaFollower: null,
  signedUpForEvent: false,
  groupId: null,
  ...f,
});
const off: ReachSettings = { messengerMarketing: false, zaloPaidConsultation: false, zaloPromotion: false };
const on: ReachSettings = { messengerMarketing: true, zaloPaidConsultation: true, zaloPromotion: true };
const counted = { zaloPromotionLeft: null };
const choose = (f: Partial<ReachFacts>, s: ReachSettings = on, left: number | null = null, exclude: Array<[ReachPath, SkipReason]> = []) =>
  chooseReachPath(facts(f), s, { zaloPromotionLeft: left }, new Map(exclude));

describe('choosing the path for one member (docs/reach.md)', () => {
  it('Messenger within 24 hours: the free window, as an update', () => {
    expect(choose({ lastInboundAt: ago(23) })).toEqual({ path: 'window', purpose: 'update' });
  });
  it('Messenger after 24 hours, signed up for the event: the event tag (free, before the paid opt-in)', () => {
    expect(choose({ signedUpForEvent: true, optIn: active })).toEqual({ path: 'event_tag', purpose: 'event_update' });
  });
  it('Messenger three days ago and opted in, marketing messages on: the opt-in path', () => {
    expect(choose({ optIn: active })).toEqual({ path: 'optin', purpose: 'marketing' });
  });
  it('Messenger never opted in: skipped “no opt-in” when the path is on, “Messenger window” when it is off', () => {
    expect(choose({})).toEqual({ path: 'skip', reason: 'no_optin' });
    expect(choose({ optIn: { ...active, status: 'requested', token: null } })).toEqual({ path: 'skip', reason: 'no_optin' });
    expect(choose({}, off)).toEqual({ path: 'skip', reason: 'messenger_window' });
  });
  it('Messenger opted in but the page turned marketing messages off', () => {
    expect(choose({ optIn: active }, off)).toEqual({ path: 'skip', reason: 'optin_not_enabled' });
  });
  it('Messenger opt-in stopped, expired (by status or date), invalid, or within Meta’s 12 hours', () => {
    expect(choose({ optIn: { ...active, status: 'stopped' } })).toEqual({ path: 'skip', reason: 'optin_stopped' });
    expect(choose({ optIn: { ...active, status: 'expired' } })).toEqual({ path: 'skip', reason: 'optin_expired' });
    expect(choose({ optIn: { ...active, expiresAt: ago(1) } })).toEqual({ path: 'skip', reason: 'optin_expired' });
    expect(choose({ optIn: { ...active, status: 'invalid' } })).toEqual({ path: 'skip', reason: 'optin_invalid' });
    expect(choose({ optIn: { ...active, nextEligibleAt: new Date(now.getTime() + 3600_000) } })).toEqual({ path: 'skip', reason: 'optin_cooldown' });
    expect(choose({ optIn: { ...active, nextEligibleAt: now } })).toEqual({ path: 'optin', purpose: 'marketing' });
  });
  it('Messenger with no other path but a unit group: the group post', () => {
    expect(choose({ groupId: 'g1' })).toEqual({ path: 'group', groupId: 'g1' });
    expect(choose({ groupId: 'g1', optIn: active })).toEqual({ path: 'optin', purpose: 'marketing' });
  });
  it('Zalo OA within 48 hours: free; 48 h–7 days: paid consultation when on, else skipped with the reason', () => {
    expect(choose({ channel: 'zalo_oa', lastInboundAt: ago(47) })).toEqual({ path: 'window', purpose: 'update' });
    expect(choose({ channel: 'zalo_oa', lastInboundAt: ago(72) })).toEqual({ path: 'oa_paid', purpose: 'update' });
    expect(choose({ channel: 'zalo_oa', lastInboundAt: ago(72) }, off)).toEqual({ path: 'skip', reason: 'zalo_paid_off' });
  });
  it('Zalo OA after 7 days: a promotion message to a follower within the quota', () => {
    const old = { channel: 'zalo_oa' as const, lastInboundAt: ago(24 * 10) };
    expect(choose(old)).toEqual({ path: 'oa_promotion', purpose: 'promotion' });
    expect(choose({ ...old, oaFollower: false })).toEqual({ path: 'skip', reason: 'zalo_not_follower' });
    expect(choose(old, on, 0)).toEqual({ path: 'skip', reason: 'zalo_quota_exhausted' });
    expect(choose(old, { ...on, zaloPromotion: false })).toEqual({ path: 'skip', reason: 'zalo_promotion_off' });
    expect(choose({ ...old, groupId: 'g1' }, off)).toEqual({ path: 'group', groupId: 'g1' });
  });
  it('zca-js members: their group if the bot lists it, else skipped', () => {
    expect(choose({ channel: 'zalo_personal', groupId: 'g1', lastInboundAt: null })).toEqual({ path: 'group', groupId: 'g1' });
    expect(choose({ channel: 'zalo_personal', lastInboundAt: null })).toEqual({ path: 'skip', reason: 'group_not_configured' });
  });
  it('the web simulator always: window', () => {
    expect(choose({ channel: 'web', lastInboundAt: null })).toEqual({ path: 'window', purpose: 'update' });
  });
  it('after a refusal the next path is tried, and the skip reason is the last refusal', () => {
    expect(choose({ optIn: active, groupId: 'g1' }, on, null, [['optin', 'optin_expired']])).toEqual({ path: 'group', groupId: 'g1' });
    expect(choose({ optIn: active }, on, null, [['optin', 'optin_expired']])).toEqual({ path: 'skip', reason: 'optin_expired' });
    // Zalo said -230 on the consultation: the 7 days are over after all; a promotion may still go.
    const zalo = { channel: 'zalo_oa' as const, lastInboundAt: ago(72) };
    expect(
      choose(zalo, on, null, [
        ['window', 'window_closed'],
        ['oa_paid', 'window_closed'],
      ]),
    ).toEqual({ path: 'oa_promotion', purpose: 'promotion' });
    expect(choose({ lastInboundAt: ago(1) }, on, null, [['window', 'window_closed']])).toEqual({ path: 'skip', reason: 'window_closed' });
  });
  it('judges windows at the time given (the preview passes the send time, not now)', () => {
    const later = new Date(now.getTime() + 2 * 3600_000);
    expect(chooseReachPath(facts({ lastInboundAt: ago(23), now: later }), off, counted)).toEqual({ path: 'skip', reason: 'messenger_window' });
  });
});

describe('skip reasons in words (report and preview)', () => {
  let t: Translate;
  beforeAll(async () => {
    t = (await createI18n(path.resolve(import.meta.dirname, '../../../content'))).t;
  });
  it('says each reason and what to do, in Vietnamese and English, with the count and without codes', () => {
    const counts = Object.fromEntries(SKIP_REASONS.map((r, i) => [r, i + 1]));
    for (const locale of ['vi', 'en'] as const) {
      const advice = reachAdvice(counts, t, locale);
      expect(advice).toHaveLength(SKIP_REASONS.length);
      for (const a of advice) {
        expect(a.text).toContain(String(a.count));
        expect(a.text).not.toMatch(/reach\.|_|\{\{/);
        // Every reason but a cancelled broadcast comes with what the organiser can do.
        if (a.reason === 'cancelled') expect(a.action).toBeNull();
        else expect(a.action).toMatch(/^(?!.*(reach\.|\{\{)).{10,}$/);
      }
    }
  });
  it('sorts by count; a reason without words (a platform’s own message) reads as “other”, never raw', () => {
    const advice = reachAdvice({ no_optin: 3, zalo_paid_off: 5, 'Out of quota': 2, optin_expired: 0 }, t, 'vi');
    expect(advice.map((a) => [a.reason, a.count])).toEqual([
      ['zalo_paid_off', 5],
      ['no_optin', 3],
      ['Out of quota', 2],
    ]);
    expect(advice[2]!.text).toBe(t('vi', 'outreach:reach.skip.other', { count: 2 }));
    expect(advice[1]!.text).toBe('3 người dùng Messenger đã quá 24 giờ không nhắn tin và chưa bấm “Nhận cập nhật”.');
    expect(advice[1]!.action).toMatch(/mời họ bấm “Nhận cập nhật”/);
  });
});

describe('what a refusal closes (docs/reach-design.md §4.1)', () => {
  const refused = (refusal: Refusal) => ({ ok: false as const, errorClass: 'refused' as const, refusal, reason: 'refused' });
  it('an opt-in stopped, expired or unknown closes the opt-in path with that reason and frees the 12-hour slot', () => {
    expect(refusalOutcome('messenger', 'optin', refused('opt_in_stopped'))).toEqual({
      exclude: ['optin'],
      reason: 'optin_stopped',
      keepReservation: false,
      botWide: false,
    });
    expect(refusalOutcome('messenger', 'optin', refused('opt_in_expired')).reason).toBe('optin_expired');
    expect(refusalOutcome('messenger', 'optin', refused('opt_in_invalid')).reason).toBe('optin_invalid');
  });
  it('Meta’s 12 hours keep the slot; the page’s account closes the path for the whole batch', () => {
    expect(refusalOutcome('messenger', 'optin', refused('frequency'))).toMatchObject({ reason: 'optin_cooldown', keepReservation: true });
    expect(refusalOutcome('messenger', 'optin', refused('account'))).toMatchObject({ reason: 'optin_unavailable', botWide: true });
  });
  it('Zalo: the quota is spent for the bot, the package is the union’s, the recipient’s own limit is theirs', () => {
    expect(refusalOutcome('zalo_oa', 'oa_promotion', refused('quota'))).toMatchObject({ reason: 'zalo_quota_exhausted', botWide: true, keepReservation: true });
    expect(refusalOutcome('zalo_oa', 'oa_paid', refused('account'))).toMatchObject({ reason: 'zalo_package', botWide: true });
    expect(refusalOutcome('zalo_oa', 'oa_promotion', refused('not_follower')).reason).toBe('zalo_not_follower');
    expect(refusalOutcome('zalo_oa', 'oa_promotion', refused('recipient_limit')).reason).toBe('zalo_restricted');
  });
  it('a window the platform says is closed closes Zalo’s free window and paid consultation together (both end at 7 days)', () => {
    const closed = { ok: false as const, errorClass: 'window_closed' as const, reason: '-230' };
    expect(refusalOutcome('zalo_oa', 'oa_paid', closed)).toMatchObject({ exclude: ['window', 'oa_paid'], reason: 'window_closed' });
    expect(refusalOutcome('messenger', 'window', closed)).toMatchObject({ exclude: ['window'], reason: 'window_closed' });
  });
});
