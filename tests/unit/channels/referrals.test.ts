import { describe, expect, it } from 'vitest';
import { normalizeMessenger } from '../../../src/channels/messenger/index.js';
import { normalizeZalo } from '../../../src/channels/zalo-oa/index.js';
import { invitationCodeOf, invitationLinks, invitationRef } from '../../../src/quiz/index.js';

/** Literal webhook bodies, shaped as Meta documents them (messaging_postbacks with referral; messaging_referrals). */
const getStartedFromLink = {
  object: 'page',
  entry: [
    {
      id: '104000000000001',
      time: 1765000000000,
      messaging: [
        {
          sender: { id: '6001' },
          recipient: { id: '104000000000001' },
          timestamp: 1765000000000,
          postback: {
            title: 'Get Started',
            payload: 'GET_STARTED',
            mid: 'm_pb_ref_1',
            referral: { ref: 'inv-ABCD2345', source: 'SHORTLINK', type: 'OPEN_THREAD' },
          },
        },
      ],
    },
  ],
};
const referralInExistingThread = {
  object: 'page',
  entry: [
    {
      id: '104000000000001',
      time: 1765000000500,
      messaging: [
        {
          sender: { id: '6002' },
          recipient: { id: '104000000000001' },
          timestamp: 1765000000500,
          referral: { ref: 'inv-ABCD2345', source: 'SHORTLINK', type: 'OPEN_THREAD' },
        },
      ],
    },
  ],
};
const zaloText = (text: string) => ({
  app_id: '3608465248940903967',
  user_id_by_app: '552172779717587730',
  event_name: 'user_send_text',
  timestamp: '1765000001000',
  sender: { id: '8001' },
  recipient: { id: '388613280879808645' },
  message: { text, msg_id: 'zmsg-ref-1' },
});

describe('invitation refs from the channels', () => {
  it('Messenger: Get Started from an m.me link carries the link’s ref', () => {
    expect(normalizeMessenger('demo', getStartedFromLink)).toEqual([
      {
        bot: 'demo',
        channel: 'messenger',
        userId: '6001',
        at: new Date(1765000000000),
        eventId: 'mid:m_pb_ref_1',
        kind: 'start',
        payload: 'GET_STARTED',
        ref: 'inv-ABCD2345',
      },
    ]);
  });

  it('Messenger: a referral in an existing conversation is a start with the ref', () => {
    const [event] = normalizeMessenger('demo', referralInExistingThread);
    expect(event).toMatchObject({ kind: 'start', userId: '6002', ref: 'inv-ABCD2345' });
    expect(event!.eventId).toMatch(/^referral:/);
    // The same body redelivered is the same event (stored once by the inbox).
    expect(normalizeMessenger('demo', referralInExistingThread)[0]!.eventId).toBe(event!.eventId);
  });

  it('Messenger: Get Started without a link has no ref', () => {
    const plain = structuredClone(getStartedFromLink);
    delete (plain.entry[0]!.messaging[0]!.postback as { referral?: unknown }).referral;
    expect(normalizeMessenger('demo', plain)[0]).not.toHaveProperty('ref');
  });

  it.each([
    ['#inv-ABCD2345', 'inv-ABCD2345'],
    ['#inv-abcd-2345', 'inv-ABCD2345'],
    ['  #INV-ABCD2345 ', 'inv-ABCD2345'],
  ])('Zalo OA: the invitation message %j is a start with ref %s', (text, ref) => {
    expect(normalizeZalo('demo', zaloText(text))).toEqual([
      { bot: 'demo', channel: 'zalo_oa', userId: '8001', at: new Date(1765000001000), eventId: 'msg:zmsg-ref-1', kind: 'start', ref },
    ]);
  });

  it.each([['#inv-ABCD234O'], ['#inv-ABC'], ['inv-ABCD2345'], ['#inv-ABCD2345 xin chào']])('Zalo OA: %j is not an invitation', (text) => {
    expect(normalizeZalo('demo', zaloText(text))[0]).not.toHaveProperty('ref');
  });

  it('the links a member shares lead back to the same code', () => {
    const links = invitationLinks({ messengerPage: 'congdoanquangtri', zaloOaId: '388613280879808645' }, 'ABCD2345');
    expect(links).toEqual({
      messenger: 'https://m.me/congdoanquangtri?ref=inv-ABCD2345',
      zalo: { url: 'https://zalo.me/388613280879808645', message: '#inv-ABCD2345' },
      code: 'ABCD-2345',
    });
    expect(invitationCodeOf(normalizeMessenger('demo', getStartedFromLink)[0]!.ref)).toBe('ABCD2345');
    expect(invitationCodeOf(normalizeZalo('demo', zaloText(links.zalo!.message))[0]!.ref)).toBe('ABCD2345');
    expect(invitationLinks({}, 'ABCD2345')).toMatchObject({ messenger: null, zalo: null });
    expect(invitationCodeOf(invitationRef('ABCD2345'))).toBe('ABCD2345');
    expect(invitationCodeOf('ad-campaign-7')).toBeNull();
    expect(invitationCodeOf(undefined)).toBeNull();
  });
});
