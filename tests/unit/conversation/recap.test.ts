import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeZalo, renderMessenger, renderZalo } from '../../../src/channels/index.js';
import { commandOf } from '../../../src/conversation/index.js';
import { weeklyRecapMessage } from '../../../src/conversation/recap-message.js';
import type { InboundEvent } from '../../../src/domain/index.js';
import type { Translate } from '../../../src/i18n/index.js';
import { JUNE_10, Member, READY, bot, loadT, tap, text } from './harness.js';

/** Issue 19 item 4: the member's side of the weekly recap, and item 3's freeze notice at the next message. */

let t: Translate;
beforeAll(async () => {
  t = await loadT();
});

describe('“Dừng tổng kết” and “Nhận tổng kết”', () => {
  it.each([
    ['Dừng tổng kết', 'recap_off'],
    ['dung tong ket', 'recap_off'],
    ['Tắt tổng kết!', 'recap_off'],
    ['stop recap', 'recap_off'],
    ['Nhận tổng kết', 'recap_on'],
    ['nhan tong ket', 'recap_on'],
    ['weekly recap', 'recap_on'],
    // Diacritics carry meaning: "Đúng tổng kết" is not "Dừng tổng kết", and "dừng" alone stops every reminder.
    ['Đúng tổng kết', null],
    ['dừng', 'remind_off'],
  ] as const)('“%s” → %s', (typed, command) => {
    expect(commandOf(typed)).toBe(command);
  });

  it('typed or tapped, it turns the recap off and nothing else; “Nhận tổng kết” turns it back on', () => {
    const m = new Member(t, READY);
    const off = m.send(text('Dừng tổng kết'));
    expect(off.effects).toEqual([{ type: 'setRecap', recap: false }]);
    expect(off.all).toContain('Đã dừng tổng kết tuần');
    expect(off.messages[0]!.choices!.map((c) => c.payload)).toEqual(['CMD|recap_on', 'CMD|help']);
    expect(m.facts.subscribed).toBe(true);
    expect(m.send(tap('CMD|recap_off')).effects).toEqual([{ type: 'setRecap', recap: false }]);
    const on = m.send(text('nhận tổng kết'));
    expect(on.effects).toEqual([{ type: 'setRecap', recap: true }]);
    expect(on.all).toContain('Đã bật tổng kết tuần');
  });

  it('turned on by a member who stopped every reminder, it says the recap cannot reach them until they turn reminders on', () => {
    const m = new Member(t, { ...READY, subscribed: false, recap: false });
    const r = m.send(text('nhận tổng kết'));
    expect(r.all).toContain('bạn đang tắt mọi nhắc nhở');
    expect(r.messages[0]!.choices!.map((c) => c.payload)).toEqual(['CMD|remind_on', 'CMD|help']);
  });

  it('“Điểm của tôi” says whether the recap is on and offers the switch', () => {
    const m = new Member(t, READY);
    m.views = { score: { rank: 1, of: 3 } };
    const on = m.send(text('điểm của tôi'));
    expect(on.all).toContain('Tổng kết tuần: đang nhận');
    expect(on.messages[0]!.choices!.map((c) => c.payload)).toContain('CMD|recap_off');
    m.send(text('dừng tổng kết'));
    const off = m.send(text('điểm của tôi'));
    expect(off.all).toContain('Tổng kết tuần: đã tắt');
    expect(off.messages[0]!.choices!.map((c) => c.payload)).toContain('CMD|recap_on');
  });

  it('in English too', () => {
    const m = new Member(t, { ...READY, locale: 'en' });
    expect(m.send(text('stop recap')).all).toContain('The weekly recap is off');
  });
});

describe('a freeze the daily job applied, told at the next message', () => {
  it('is said first, once, whatever the member wrote', () => {
    const m = new Member(t, { ...READY, freezeNotice: ['2023-06-09'] });
    const first = m.send(text('bảng xếp hạng', JUNE_10));
    expect(first.messages[0]!.text).toBe('🧊 Bạn đã bỏ lỡ 9/6/2023: chuỗi ngày được giữ nhờ 1 lượt bảo vệ chuỗi.');
    expect(first.effects).toContainEqual({ type: 'freezeNoticeTold', days: ['2023-06-09'] });
    const second = m.send(text('bảng xếp hạng', JUNE_10));
    expect(second.all).not.toContain('🧊');
  });

  it('is not said on a receipt', () => {
    const m = new Member(t, { ...READY, freezeNotice: ['2023-06-09'] });
    const r = m.send({ bot: 'test-bot', channel: 'messenger', userId: 'u1', eventId: 'r1', at: JUNE_10, kind: 'read', messageIds: [] });
    expect(r.messages).toEqual([]);
  });
});

describe('the recap’s buttons', () => {
  const recap = {
    weekStart: '2023-06-05',
    weekEnd: '2023-06-11',
    answers: 3,
    correct: 2,
    accuracy: 2 / 3,
    streak: 4,
    rank: { rank: 2, of: 9 },
    unit: { unitId: 'thpt-1', name: 'CĐCS Trường THPT số 1', rank: 1, of: 3, participationRate: 0.075 },
    suggestedTopic: 'laws',
  };
  const expected = ['practice-set', 'recap-off', 'score'];

  it('say the figures in words and offer practice on the suggested topic, “Dừng tổng kết” and “Điểm của tôi”', () => {
    const m = weeklyRecapMessage(recap, t, 'vi');
    expect(m.text).toContain('CĐCS Trường THPT số 1 xếp hạng 1/3 đơn vị, tỷ lệ tham gia 7,5%');
    expect(m.choices!.map((c) => c.title)).toEqual(['Luyện chủ đề này', 'Dừng tổng kết', 'Điểm của tôi']);
    for (const c of m.choices!) expect([...c.title].length).toBeLessThanOrEqual(20);
    expect(weeklyRecapMessage(recap, t, 'en').choices!.map((c) => c.title)).toEqual(['Practise this topic', 'Stop recap', 'My score']);
  });

  it('each come back to its intent on Messenger and the web simulator (payloads) and on Zalo OA (hidden buttons)', () => {
    const m = weeklyRecapMessage(recap, t, 'vi');
    const member = new Member(t, READY);
    expect(m.choices!.map((c) => member.intent(tap(c.payload)))).toEqual(expected);
    const quick = renderMessenger(m).flatMap((r) => ('quick_replies' in r ? (r.quick_replies ?? []) : []));
    expect(quick.map((q) => member.intent(tap(String(q.payload))))).toEqual(expected);
    const zalo = renderZalo(m).flatMap((z) => ('attachment' in z && 'buttons' in z.attachment.payload ? z.attachment.payload.buttons : []));
    const viaZalo = zalo.map((b, i) => {
      const [event] = normalizeZalo(bot.id, {
        event_name: 'user_send_text',
        timestamp: '1',
        sender: { id: 'u1' },
        message: { msg_id: `r${i}`, text: String(b.payload) },
      });
      return member.intent({ ...event!, at: JUNE_10 } as InboundEvent);
    });
    expect(viaZalo).toEqual(expected);
  });
});
