import { beforeAll, describe, expect, it } from 'vitest';
import type { Translate } from '../../../src/i18n/index.js';
import { JUNE_10, Member, READY, loadT, text, tap } from './harness.js';
import type { InboundEvent } from '../../../src/domain/index.js';

/** “Mời đồng nghiệp” and an invitation's ref in the engine (issue 19 item 6). */

let t: Translate;
beforeAll(async () => {
  t = await loadT();
});

const startWithRef = (ref: string): InboundEvent => ({
  bot: 'test-bot',
  channel: 'messenger',
  userId: 'u1',
  eventId: `r-${ref}`,
  at: JUNE_10,
  kind: 'start',
  payload: 'GET_STARTED',
  ref,
});

describe('invitations', () => {
  it('“Mời đồng nghiệp” gives the member’s own Messenger link and Zalo message (the service makes the code)', () => {
    const m = new Member(t, READY);
    expect(m.needs(text('mời đồng nghiệp'))).toMatchObject({ invitation: true });
    m.views = { invitation: { code: 'ABCD2345', joins: 2 } };
    const reply = m.send(text('mời đồng nghiệp'));
    expect(reply.all).toContain('https://m.me/botthunghiem?ref=inv-ABCD2345');
    expect(reply.all).toContain('https://zalo.me/2500000000000000001');
    expect(reply.all).toContain('#inv-ABCD2345');
    expect(reply.all).toContain('Đã có 2 người tham gia');
  });

  it('a newcomer’s ref is kept until consent, which carries it once; a member’s ref is ignored', () => {
    const m = new Member(t);
    m.send(startWithRef('inv-ABCD2345'));
    expect(m.state.invitedBy).toBe('inv-ABCD2345');
    const consent = m.send(tap('CONSENT|yes'));
    expect(consent.effects[0]).toEqual({ type: 'setConsent', version: expect.any(String), invitedBy: 'inv-ABCD2345' });
    expect(m.state.invitedBy).toBeUndefined();

    const member = new Member(t, READY);
    member.send(startWithRef('inv-ABCD2345'));
    expect(member.state.invitedBy).toBeUndefined();
    // A ref that is not an invitation (an ad, a QR campaign) is not kept.
    const other = new Member(t);
    other.send(startWithRef('qr-poster'));
    expect(other.state.invitedBy).toBeUndefined();
  });

  it('the unit leaderboard shows how many joined through each unit’s invitations', () => {
    const m = new Member(t, READY);
    m.views = {
      leaderboard: {
        kind: 'units',
        period: 'today',
        top: [],
        me: null,
        units: [
          { unitId: 'so-yte', name: 'CĐCS Sở Y tế', correct: 3, participants: 2, size: 60, rank: 1, participationRate: 2 / 60 },
          { unitId: 'bao', name: 'CĐCS Báo tỉnh', correct: 1, participants: 1, size: 20, rank: 2, participationRate: 1 / 20 },
        ],
        invitations: { 'so-yte': 2 },
      },
    };
    const lines = m.send(tap('LB|units|today')).all.split('\n');
    expect(lines.find((l) => l.includes('Sở Y tế'))).toContain('· 2 người tham gia qua lời mời');
    expect(lines.find((l) => l.includes('Báo tỉnh'))).not.toContain('lời mời');
  });
});
