import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakePlatform, type FakePlatform, type RecordedCall } from '../../../scripts/fake-platform.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { waitFor } from '../../fixtures/channels/harness.js';
import { APP_SECRET, GROUP, startReachStack, type ReachStack } from './reach-stack.js';

/**
 * Issue #20's "Done when", through the product's stack and the fake platform: the 08:00 daily
 * question to a mixed audience reaches exactly those each platform allows, by the path it allows,
 * and the preview taken before said so.
 */

let db: TestDb;
let fake: FakePlatform;
let stack: ReachStack;

// Monday 14/12/2026 08:00 in Hà Nội.
const EIGHT = new Date('2026-12-14T01:00:00Z');
const hours = (n: number) => n * 3600_000;

beforeAll(async () => {
  db = await openTestDb('reach');
  fake = await startFakePlatform();
  stack = await startReachStack(db, fake, EIGHT);
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
  await db?.close();
});

const ago = (h: number) => new Date(stack.clock().getTime() - hours(h));
const marketing = () => fake.log('messenger').filter((c) => c.kind === 'marketing');
const tokenOf = (c: RecordedCall) => (c.body as { messenger_delivery_data: { subscription_token: string } }).messenger_delivery_data.subscription_token;

async function optIn(userId: string, token: string, status: 'opt_in' | 'stop' = 'opt_in') {
  const r = await fake.optIn({ target: stack.url, botId: 'demo', appSecret: APP_SECRET, userId, token, status, title: 'Câu hỏi chuyển đổi số hằng ngày' });
  expect(r.status).toBe(200);
  const want = status === 'stop' ? 'stopped' : 'active';
  await waitFor(async () => (await db.models.Participant.findOne({ userId }).lean())?.optIn?.status === want, 10_000, `${userId}'s opt-in`);
}

async function deliveryOf(broadcastId: string, userId: string) {
  const p = await db.models.Participant.findOne({ userId }).lean();
  return db.models.Delivery.findOne({ broadcastId, participantId: p!._id }).lean();
}

describe('the 08:00 daily question reaches members who have not written lately, within each platform’s rules', () => {
  it('a mixed audience: each member by the path the platform allows, skips with reasons, and the preview predicted it', async () => {
    // Messenger
    await stack.addMember('m-window', 'messenger', { lastInboundAt: ago(2) });
    await stack.addMember('m-optin', 'messenger', { lastInboundAt: ago(72) });
    await stack.addMember('m-expired', 'messenger', { lastInboundAt: ago(72) });
    await stack.addMember('m-never', 'messenger', { lastInboundAt: ago(72) });
    await stack.addMember('m-grouped', 'messenger', { lastInboundAt: ago(72), unitId: 'unit-group' });
    // Two members who talk to the bot inside the unit's Zalo group (zca-js)
    await stack.addMember('z-1', 'zalo_personal', { lastInboundAt: ago(100), groupId: GROUP, unitId: 'unit-group' });
    await stack.addMember('z-2', 'zalo_personal', { lastInboundAt: null, groupId: GROUP, unitId: 'unit-group' });
    // Zalo OA: 3 days (paid consultation), 10 days (promotion; the platform's quota has room for one)
    await stack.addMember('o-paid', 'zalo_oa', { lastInboundAt: ago(72) });
    await stack.addMember('o-promo-1', 'zalo_oa', { lastInboundAt: ago(240), oaFollower: true });
    await stack.addMember('o-promo-2', 'zalo_oa', { lastInboundAt: ago(240), oaFollower: true });
    fake.setZalo({ promotionQuota: 1 });

    // Opt-ins arrive as Meta sends them: signed `messaging_optins` webhooks, through the inbox and the conversation.
    await optIn('m-optin', 'tok-optin');
    await optIn('m-expired', 'tok-expired');
    // The opt-in opened no window and was not answered.
    expect((await db.models.Participant.findOne({ userId: 'm-optin' }).lean())!.lastInboundAt!.getTime()).toBeLessThan(ago(71).getTime());
    expect(fake.log('messenger').filter((c) => c.kind === 'message')).toEqual([]);
    // Meta lets one token expire without telling us (a legacy token).
    fake.setToken('tok-expired', { expiresAt: Date.now() - 1000 });

    // The organiser previews the same audience for 08:00.
    const preview = await stack.outreach.broadcasts.preview({ text: { vi: 'Câu hỏi hôm nay' }, audience: { bots: ['demo'] }, sendAt: 'now' });
    expect(preview.reach.byPath).toEqual({ window: 1, optin: 2, group: 3, oa_paid: 1, oa_promotion: 2 });
    expect(preview.reach.groupPosts).toBe(1);
    expect(preview.reach.skipped).toEqual({ no_optin: 1 });
    expect(preview.reach.advice).toEqual([expect.objectContaining({ reason: 'no_optin', count: 1, action: expect.stringContaining('Nhận cập nhật') })]);

    fake.clear();
    await stack.outreach.runDailyQuestion('demo');
    const id = 'daily:demo:2026-12-14';
    await stack.deliver(id);

    // Messenger: one standard message in the window, one marketing message with the opted-in token,
    // the expired token refused by Meta, nothing at all for the member who never opted in.
    const standard = fake.log('messenger').filter((c) => c.kind === 'message');
    expect(standard.map((c) => [c.recipient, (c.body as { messaging_type: string }).messaging_type])).toEqual([['m-window', 'UPDATE']]);
    expect(marketing().map((c) => [tokenOf(c), c.result])).toEqual([
      ['tok-optin', expect.stringMatching(/^mm_fake_/)],
      ['tok-expired', '2300037'],
    ]);
    expect(marketing()[0]!.token).toBe('Bearer system-user-token');
    expect((await db.models.Participant.findOne({ userId: 'm-expired' }).lean())!.optIn!.status).toBe('expired');
    // One post in the unit's group for the three members it reaches.
    expect(stack.zca.posts.map((p) => p.groupId)).toEqual([GROUP]);
    expect(stack.zca.posts[0]!.text).toContain('Ngày Chuyển đổi số quốc gia');
    // Zalo OA: one paid consultation; one promotion, then the platform's quota refuses the second.
    expect(
      fake
        .log('zalo')
        .filter((c) => c.kind === 'message')
        .map((c) => c.recipient),
    ).toEqual(['o-paid']);
    expect(
      fake
        .log('zalo')
        .filter((c) => c.kind === 'promotion')
        .map((c) => [c.recipient, c.result]),
    ).toEqual([
      ['o-promo-1', expect.stringMatching(/^zp_fake_/)],
      ['o-promo-2', '-211'],
    ]);
    expect((await db.models.ReachQuota.findById('demo:zalo_promotion:2026-12-14').lean())!.exhausted).toBe(true);

    // Done when: the member who wrote three days ago and opted in got it through the opt-in path…
    expect(await deliveryOf(id, 'm-optin')).toMatchObject({ status: 'sent', path: 'optin', messageIds: [expect.stringMatching(/^mm_fake_/)] });
    // …and the one who never opted in is skipped with a reason the organiser can act on.
    expect(await deliveryOf(id, 'm-never')).toMatchObject({ status: 'skipped', reason: 'no_optin', path: null });
    expect(await deliveryOf(id, 'm-grouped')).toMatchObject({ status: 'sent', path: 'group', groupPostId: `${id}:demo:${GROUP}` });

    const report = await stack.outreach.broadcasts.report(id);
    const byPath = Object.fromEntries(Object.entries(report.byPath).map(([path, c]) => [path, { sent: c.sent, skipped: c.skipped, failed: c.failed }]));
    // In the order the chooser tries them (free before paid), `none` last.
    expect(Object.keys(byPath)).toEqual(['window', 'optin', 'oa_paid', 'oa_promotion', 'group', 'none']);
    expect(byPath).toEqual({
      window: { sent: 1, skipped: 0, failed: 0 },
      optin: { sent: 1, skipped: 0, failed: 0 },
      oa_paid: { sent: 1, skipped: 0, failed: 0 },
      oa_promotion: { sent: 1, skipped: 0, failed: 0 },
      group: { sent: 3, skipped: 0, failed: 0 },
      none: { sent: 0, skipped: 3, failed: 0 },
    });
    expect(report.groupPosts).toEqual({ sending: 0, sent: 1, failed: 0 });
    expect(report.byReason).toEqual({ no_optin: 1, optin_expired: 1, zalo_quota_exhausted: 1 });
    const advice = Object.fromEntries(report.advice.map((a) => [a.reason, a]));
    expect(advice.no_optin!.text).toMatch(/^1 người dùng Messenger đã quá 24 giờ/);
    expect(advice.no_optin!.action).toMatch(/bot sẽ trả lời và mời họ bấm “Nhận cập nhật”/);
    expect(advice.optin_expired!.action).toMatch(/đồng ý lại/);
    expect(advice.zalo_quota_exhausted!.action).toMatch(/hạn mức/);
    // The preview's words are the report's: the one function says both.
    expect(preview.reach.advice[0]!.text).toBe(advice.no_optin!.text);
  });

  it('Meta’s 12-hour rule: a second marketing message is not even tried; with our record lost, Meta’s refusal skips it without a retry', async () => {
    stack.advance(hours(1));
    const b1 = await stack.outreach.broadcasts.create(
      { text: { vi: 'Nhắc: trả lời câu hỏi hôm nay' }, audience: { bots: ['demo'], channels: ['messenger'] } },
      'o',
    );
    fake.clear();
    await stack.deliver(b1.id);
    expect(marketing()).toEqual([]);
    expect(await deliveryOf(b1.id, 'm-optin')).toMatchObject({ status: 'skipped', reason: 'optin_cooldown' });

    // Our ledger lost (a restore from an old backup): Meta's own limit answers 2300035.
    await db.models.Participant.updateOne({ userId: 'm-optin' }, { $set: { 'optIn.nextEligibleAt': null } });
    const b2 = await stack.outreach.broadcasts.create({ text: { vi: 'Nhắc lần nữa' }, audience: { bots: ['demo'], channels: ['messenger'] } }, 'o');
    await stack.deliver(b2.id);
    expect(marketing().map((c) => c.result)).toEqual(['2300035']);
    expect(await deliveryOf(b2.id, 'm-optin')).toMatchObject({ status: 'skipped', reason: 'optin_cooldown', attempts: 0 });
    expect((await db.models.Participant.findOne({ userId: 'm-optin' }).lean())!.optIn!.nextEligibleAt!.getTime()).toBeGreaterThan(stack.clock().getTime());
    const report = await stack.outreach.broadcasts.report(b2.id);
    expect(report.byStatus.pending + report.byStatus.failed).toBe(0);
  });

  it('a member who stops in Messenger, and one who types “dừng”, are reached by no path', async () => {
    await optIn('m-optin', 'tok-optin', 'stop');
    const stop = await fetch(`${fake.url}/_webhook/messenger`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ target: stack.url, botId: 'demo', appSecret: APP_SECRET, userId: 'm-grouped', text: 'dừng' }),
    });
    expect(stop.status).toBe(200);
    await waitFor(async () => (await db.models.Participant.findOne({ userId: 'm-grouped' }).lean())?.subscribed === false, 10_000, 'dừng');
    await waitFor(() => fake.log('messenger').some((c) => c.recipient === 'm-grouped'), 10_000, 'the answer to “dừng”');
    stack.advance(hours(24)); // 09:00 the next day: past Meta's 12 hours, outside quiet hours
    fake.clear();
    stack.zca.posts.length = 0;
    const b = await stack.outreach.broadcasts.create({ text: { vi: 'Thông báo' }, audience: { bots: ['demo'], channels: ['messenger'] } }, 'o');
    await stack.deliver(b.id);
    expect(marketing()).toEqual([]);
    expect(fake.log('messenger').filter((c) => c.recipient === 'm-grouped')).toEqual([]);
    expect(stack.zca.posts).toEqual([]); // the unit's group post was only for m-grouped
    expect(await deliveryOf(b.id, 'm-optin')).toMatchObject({ status: 'skipped', reason: 'optin_stopped' });
    // "dừng" unsubscribed: the audience leaves the member out altogether.
    expect(await deliveryOf(b.id, 'm-grouped')).toBeNull();
  });

  it('onboarding on Messenger ends with Meta’s opt-in request, once a week at most', async () => {
    const post = (body: Record<string, unknown>) =>
      fetch(`${fake.url}/_webhook/messenger`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ target: stack.url, botId: 'demo', appSecret: APP_SECRET, userId: 'new-1', ...body }),
      });
    const calls = () => fake.log('messenger').filter((c) => c.recipient === 'new-1');
    fake.clear();
    for (const step of [{ text: 'Xin chào' }, { payload: 'CONSENT|yes' }, { payload: 'UNIT|unit-alone' }, { payload: 'NAME|anon' }]) {
      const before = calls().length;
      await post(step);
      await waitFor(() => calls().length > before, 10_000, 'a reply');
      await new Promise((r) => setTimeout(r, 150));
    }
    const requests = calls().filter((c) => c.kind === 'optin_request');
    expect(requests).toHaveLength(1);
    expect((requests[0]!.body as { message: { attachment: { payload: { title: string } } } }).message.attachment.payload.title).toBe(
      'Câu hỏi chuyển đổi số hằng ngày',
    );
    const p = await db.models.Participant.findOne({ userId: 'new-1' }).lean();
    expect(p!.optIn).toMatchObject({ status: 'requested', title: 'Câu hỏi chuyển đổi số hằng ngày' });
    // "What I receive" offers no second request within the week.
    const before = calls().length;
    await post({ text: 'Tin tôi nhận' });
    await waitFor(() => calls().length > before, 10_000, 'the view');
    expect(calls().filter((c) => c.kind === 'optin_request')).toHaveLength(1);
    expect(JSON.stringify(calls().at(-1)!.body)).toContain('chưa đồng ý');
  });
});

describe('exactly once on each path after a crash', () => {
  it('a paid send claimed before a crash is counted as sent (unconfirmed), never sent again', async () => {
    const pid = await stack.addMember('crash-paid', 'messenger', { lastInboundAt: ago(72) });
    await optIn('crash-paid', 'tok-crash');
    const b = await stack.outreach.broadcasts.create(
      { text: { vi: 'Sau sự cố' }, audience: { bots: ['demo'], channels: ['messenger'], units: ['unit-alone'] } },
      'o',
    );
    await stack.outreach.fanout.materialise(b.id, { touch: async () => undefined });
    // The crash: the claim was written, the process died before the platform's answer was recorded.
    await db.models.Delivery.updateOne({ broadcastId: b.id, participantId: pid }, { $set: { status: 'sending', path: 'optin', pathClaimedAt: stack.clock() } });
    fake.clear();
    await stack.deliver(b.id);
    expect(marketing().filter((c) => tokenOf(c) === 'tok-crash')).toEqual([]);
    expect(await db.models.Delivery.findOne({ broadcastId: b.id, participantId: pid }).lean()).toMatchObject({ status: 'sent', reason: 'unconfirmed' });
    expect((await stack.outreach.broadcasts.report(b.id)).unconfirmed).toBe(1);
  });

  it('a run that crashed after taking the 12-hour slot but before its claim sends once on the next run, not skipped as cooldown', async () => {
    const pid = await stack.addMember('crash-slot', 'messenger', { lastInboundAt: ago(72) });
    await optIn('crash-slot', 'tok-slot');
    const b = await stack.outreach.broadcasts.create(
      { text: { vi: 'Sau sự cố' }, audience: { bots: ['demo'], channels: ['messenger'], units: ['unit-alone'] } },
      'o',
    );
    await stack.outreach.fanout.materialise(b.id, { touch: async () => undefined });
    const d = await db.models.Delivery.findOne({ broadcastId: b.id, participantId: pid }).lean();
    // The crash: the slot names this delivery, the delivery was never claimed (nothing went out).
    const slot = { 'optIn.nextEligibleAt': new Date(stack.clock().getTime() + 12 * 3600_000), 'optIn.reservedFor': String(d!._id) };
    await db.models.Participant.updateOne({ _id: pid }, { $set: slot });
    fake.clear();
    await stack.deliver(b.id);
    expect(marketing().filter((c) => tokenOf(c) === 'tok-slot')).toHaveLength(1);
    expect(await db.models.Delivery.findOne({ _id: d!._id }).lean()).toMatchObject({ status: 'sent', path: 'optin', reason: null });
  });

  it('a group post claimed by a run that crashed is taken over after the lease and posted once', async () => {
    await stack.addMember('z-3', 'zalo_personal', { lastInboundAt: null, groupId: GROUP, unitId: 'unit-group' });
    const b = await stack.outreach.broadcasts.create({ text: { vi: 'Vào nhóm' }, audience: { bots: ['demo'], channels: ['zalo_personal'] } }, 'o');
    await db.models.GroupPost.create({
      _id: `${b.id}:demo:${GROUP}`,
      broadcastId: b.id,
      bot: 'demo',
      groupId: GROUP,
      status: 'sending',
      owner: 'crashed-run',
      claimedAt: stack.clock(),
    });
    stack.zca.posts.length = 0;
    await stack.deliver(b.id);
    expect(stack.zca.posts).toEqual([]); // the claim is fresh: someone may be posting
    stack.advance(31_000); // past the batch lease, and the members' wait for the post
    await stack.deliver(b.id);
    expect(stack.zca.posts).toHaveLength(1);
    const report = await stack.outreach.broadcasts.report(b.id);
    expect(report.groupPosts.sent).toBe(1);
    expect(report.byStatus.sent).toBe(3);
  });
});
