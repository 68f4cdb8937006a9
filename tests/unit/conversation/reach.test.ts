import { beforeAll, describe, expect, it } from 'vitest';
import { botSchema } from '../../../src/content/schema.js';
import { optInEffect, reachContext } from '../../../src/conversation/reach-store.js';
import { blankOptIn } from '../../../src/db/index.js';
import type { Effect, ParticipantFacts } from '../../../src/conversation/index.js';
import type { InboundEvent } from '../../../src/domain/index.js';
import type { Translate } from '../../../src/i18n/index.js';
import { JUNE_10, Member, READY, bot, loadT, tap, text } from './harness.js';

let t: Translate;
beforeAll(async () => {
  t = await loadT();
});

const TITLE = { vi: 'Câu hỏi chuyển đổi số hằng ngày', en: 'Daily digital-transformation question' };
const days = (n: number) => new Date(JUNE_10.getTime() + n * 86_400_000);

/** A member on a bot whose Messenger marketing messages are on (or off), with the opt-in effects applied as the service would. */
class ReachMember extends Member {
  constructor(
    t: Translate,
    facts: ParticipantFacts,
    private readonly enabled = true,
  ) {
    super(t, facts);
  }
  override ctx(now: Date) {
    return { ...super.ctx(now), reach: { messengerOptIn: { enabled: this.enabled, title: TITLE } } };
  }
  override send(event: InboundEvent) {
    const r = super.send(event);
    for (const e of r.effects) {
      if (e.type === 'optInRequested') this.facts = { ...this.facts, optIn: { status: 'requested', requestedAt: e.at, stoppedBy: null } };
    }
    return r;
  }
}

const zalo = (e: InboundEvent): InboundEvent => ({ ...e, channel: 'zalo_oa' });
const optInAsks = (r: { messages: Array<{ optInRequest?: unknown }>; effects: Effect[] }) => ({
  requests: r.messages.filter((m) => m.optInRequest).length,
  effects: r.effects.filter((e) => e.type === 'optInRequested').length,
});

describe('asking Messenger members for messages outside 24 hours', () => {
  it('the end of onboarding asks once, with the bot’s title, in the member’s language', () => {
    const m = new ReachMember(t, { ...READY, displayName: null });
    const r = m.send(text('Lan'));
    expect(optInAsks(r)).toEqual({ requests: 1, effects: 1 });
    const ask = r.messages.at(-1)!;
    expect(ask.text).toContain('Nhận cập nhật');
    expect(ask.optInRequest).toEqual({ title: TITLE.vi, payload: 'OPTIN' });
    expect(r.effects).toContainEqual({ type: 'optInRequested', title: TITLE.vi, at: JUNE_10 });
  });

  it('is not asked again within a week (Meta: one request per title per week), and may be after', () => {
    const m = new ReachMember(t, { ...READY, displayName: null });
    m.send(text('Lan'));
    expect(optInAsks(m.send(tap('OPTIN|ask', days(3))))).toEqual({ requests: 0, effects: 0 });
    expect(optInAsks(m.send(text('nhắc nhở', days(6))))).toEqual({ requests: 0, effects: 0 });
    expect(optInAsks(m.send(tap('OPTIN|ask', days(7))))).toEqual({ requests: 1, effects: 1 });
  });

  it('never on Zalo, never when the bot has no marketing messages, never to a member already opted in', () => {
    expect(optInAsks(new ReachMember(t, { ...READY, displayName: null }).send(zalo(text('Lan'))))).toEqual({ requests: 0, effects: 0 });
    expect(optInAsks(new ReachMember(t, { ...READY, displayName: null }, false).send(text('Lan')))).toEqual({ requests: 0, effects: 0 });
    const active = { ...READY, optIn: { status: 'active' as const, requestedAt: days(-30), stoppedBy: null } };
    expect(optInAsks(new ReachMember(t, active).send(tap('OPTIN|ask')))).toEqual({ requests: 0, effects: 0 });
  });

  it('a member who stopped at Meta’s side is asked again only when they turn reminders on', () => {
    const stopped = { ...READY, optIn: { status: 'stopped' as const, requestedAt: days(-30), stoppedBy: 'platform' as const } };
    expect(optInAsks(new ReachMember(t, { ...stopped, displayName: null }).send(text('Lan')))).toEqual({ requests: 0, effects: 0 });
    expect(optInAsks(new ReachMember(t, stopped).send(text('nhắc nhở')))).toEqual({ requests: 1, effects: 1 });
  });

  it('“dừng” stops the opt-in path with every other; “nhắc nhở” restores it without a new request', () => {
    const active = { ...READY, optIn: { status: 'active' as const, requestedAt: days(-30), stoppedBy: null } };
    expect(new ReachMember(t, active).send(text('dừng')).effects).toContainEqual({ type: 'optInStopped', stopped: true });
    const stoppedByMember = { ...READY, subscribed: false, optIn: { status: 'stopped' as const, requestedAt: days(-30), stoppedBy: 'member' as const } };
    const r = new ReachMember(t, stoppedByMember).send(text('nhắc nhở'));
    expect(r.effects).toContainEqual({ type: 'optInStopped', stopped: false });
    expect(optInAsks(r)).toEqual({ requests: 0, effects: 0 });
  });
});

describe('“what I receive”', () => {
  it('says in words how each path reaches the member, and offers to change it', () => {
    const r = new ReachMember(t, READY).send(text('Tin tôi nhận'));
    expect(r.messages[0]!.text).toContain('Bạn đang nhận câu hỏi hằng ngày');
    expect(r.messages[0]!.text).toContain('bạn chưa đồng ý');
    expect(r.messages[0]!.choices!.map((c) => c.payload)).toEqual(['OPTIN|ask', 'CMD|remind_off', 'CMD|help']);
  });
  it('for a member who stopped: that nothing is sent on any channel, and how to turn it back on', () => {
    const r = new ReachMember(t, { ...READY, subscribed: false }).send(text('tôi nhận gì'));
    expect(r.messages[0]!.text).toContain('không gửi gì cho bạn qua bất kỳ kênh nào');
    expect(r.messages[0]!.choices!.map((c) => c.payload)).toEqual(['CMD|remind_on', 'CMD|help']);
  });
  it('names the unit’s Zalo group when the bot posts in one, and on Zalo OA whether the member follows', () => {
    const grouped = botSchema.parse({ ...bot, channels: { zalo_personal: { groups: [{ id: 'g1', units: ['so-yte'] }] } } });
    const m = new ReachMember(t, { ...READY, oaFollower: false });
    const ctx = m.ctx.bind(m);
    m.ctx = (now: Date) => ({ ...ctx(now), bot: grouped });
    const r = m.send(zalo(text('thông báo của tôi')));
    expect(r.messages[0]!.text).toContain('nhóm Zalo của đơn vị');
    expect(r.messages[0]!.text).toContain('chưa quan tâm OA');
  });
});

describe('signing up for an event', () => {
  it('the “remind me” button of a reminder records the event occurrence', () => {
    const r = new ReachMember(t, READY).send(tap('EVENT|cds/national-dt-day/2026-10-10'));
    expect(r.effects).toEqual([{ type: 'signUpEvent', eventKey: 'cds/national-dt-day/2026-10-10' }]);
    expect(r.messages[0]!.text).toContain('nhắc về sự kiện này');
  });
  it('ignores a payload that is not an event key', () => {
    expect(new ReachMember(t, READY).send(tap('EVENT|../../x')).effects).toEqual([]);
  });
});

describe('storing opt-in changes', () => {
  const active = { ...blankOptIn(), status: 'active' as const, title: 'T', token: 'tok', requestedAt: days(-10), optedInAt: days(-9) };
  it('a request keeps an opt-in in force and marks a new one as requested', () => {
    expect(optInEffect(active, { type: 'optInRequested', title: 'T2', at: JUNE_10 }, JUNE_10)).toMatchObject({ optIn: { status: 'active', token: 'tok' } });
    expect(optInEffect(null, { type: 'optInRequested', title: 'T2', at: JUNE_10 }, JUNE_10)).toMatchObject({
      optIn: { status: 'requested', title: 'T2', requestedAt: JUNE_10, token: null },
    });
  });
  it('“dừng” stops by the member; “nhắc nhở” restores only what the member stopped', () => {
    const stopped = optInEffect(active, { type: 'optInStopped', stopped: true }, JUNE_10).optIn as typeof active;
    expect(stopped).toMatchObject({ status: 'stopped', stoppedBy: 'member', token: 'tok' });
    expect(optInEffect({ ...active, ...stopped }, { type: 'optInStopped', stopped: false }, JUNE_10)).toMatchObject({
      optIn: { status: 'active', stoppedBy: null },
    });
    expect(optInEffect({ ...active, status: 'stopped', stoppedBy: 'platform' }, { type: 'optInStopped', stopped: false }, JUNE_10)).toEqual({});
  });
  it('the path is on only when the bot turned it on and the channels say its secrets are set', () => {
    const on = botSchema.parse({ ...bot, channels: { messenger: { marketingMessages: { enabled: true } } } });
    expect(reachContext(on, () => true).messengerOptIn).toEqual({ enabled: true, title: TITLE });
    expect(reachContext(on, () => false).messengerOptIn.enabled).toBe(false);
    expect(reachContext(bot, () => true).messengerOptIn.enabled).toBe(false);
  });
});
