import { beforeAll, describe, expect, it } from 'vitest';
import type { Translate } from '../../../src/i18n/index.js';
import { Member, READY, loadT, other, tap, text } from './harness.js';

let t: Translate;
beforeAll(async () => {
  t = await loadT();
});

describe('commands are understood in Vietnamese and English, with or without diacritics, in any case, and as buttons', () => {
  it.each([
    ['Bắt đầu', 'start'],
    ['bat dau', 'start'],
    ['START', 'start'],
    ['Câu hỏi hôm nay', 'today'],
    ['cau hoi hom nay', 'today'],
    ["Today's question", 'today'],
    ['Luyện tập', 'practice'],
    ['luyen tap', 'practice'],
    ['practice', 'practice'],
    ['Điểm của tôi', 'score'],
    ['diem cua toi', 'score'],
    ['My score', 'score'],
    ['Bảng xếp hạng', 'leaderboard'],
    ['BANG XEP HANG', 'leaderboard'],
    ['leaderboard', 'leaderboard'],
    ['Đơn vị', 'unit'],
    ['my unit', 'unit'],
    ['Dự thi', 'contest'],
    ['du thi', 'contest'],
    ['Contest', 'contest'],
    ['Nhắc nhở', 'remind-on'],
    ['nhac nho', 'remind-on'],
    ['Dừng', 'remind-off'],
    ['dung', 'remind-off'],
    ['STOP', 'remind-off'],
    ['Xóa dữ liệu', 'delete'],
    ['xoa du lieu', 'delete'],
    ['delete my data', 'delete'],
    ['Trợ giúp', 'help'],
    ['help', 'help'],
    ['English', 'language-set'],
    ['Tiếng Việt', 'language-set'],
    ['tieng viet', 'language-set'],
    ['ngôn ngữ', 'language'],
    ['thứ hạng', 'standing'],
    ['hôm nay trời đẹp quá', 'fallback'],
    ['🙂', 'fallback'],
  ])('“%s” → %s', (typed, intent) => {
    expect(new Member(t, READY).intent(text(typed))).toBe(intent);
  });

  it.each([
    ['CMD|today', 'today'],
    ['CMD|practice', 'practice'],
    ['CMD|score', 'score'],
    ['CMD|leaderboard', 'leaderboard'],
    ['LB|units|week', 'leaderboard'],
    ['CMD|contest', 'contest'],
    ['CONTEST|begin', 'contest-begin'],
    ['CMD|remind_on', 'remind-on'],
    ['CMD|remind_off', 'remind-off'],
    ['CMD|delete', 'delete'],
    ['DELETE|yes', 'delete-confirmed'],
    ['CMD|help', 'help'],
    ['LANG|en', 'language-set'],
    ['UNIT|bao', 'unit-button'],
    ['UNITPAGE|1', 'unit-page'],
    ['ANS|q1|r1|daily|2023-06-10|1', 'answer'],
    ['SOMETHING|ELSE', 'fallback'],
    ['cmd:today', 'today'],
    ['cmd:score', 'score'],
    ['cmd:help', 'help'],
    ['cmd:stop', 'remind-off'],
  ])('button %s → %s', (payload, intent) => {
    expect(new Member(t, READY).intent(tap(payload))).toBe(intent);
  });

  it('follow and Get Started events start the conversation', () => {
    const m = new Member(t);
    expect(m.intent(other('follow'))).toBe('start');
    expect(m.intent(other('start'))).toBe('start');
    expect(m.send(other('follow')).all).toContain('91/2025/QH15');
    const back = new Member(t, READY);
    expect(back.intent(other('follow'))).toBe('start');
    expect(back.send(other('follow')).all).toContain('Chào mừng Lan quay lại');
  });

  it('unknown text gets a short help with buttons, never silence', () => {
    const { messages } = new Member(t, READY).send(text('asdfgh'));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain('asdfgh');
    expect(messages[0]!.choices!.map((c) => c.payload)).toContain('CMD|today');
  });

  it('a sticker or image gets a polite “only text” answer', () => {
    const m = new Member(t, READY);
    const { messages } = m.send({ bot: 'test-bot', channel: 'zalo_oa', userId: 'u1', eventId: 'x', at: new Date(), kind: 'unsupported', what: 'sticker' });
    expect(messages[0]!.text).toContain('chỉ hiểu tin nhắn chữ');
  });

  it('delivery and read receipts are answered with nothing and change nothing', () => {
    const m = new Member(t, READY);
    const r = m.send({ bot: 'test-bot', channel: 'messenger', userId: 'u1', eventId: 'x', at: new Date(), kind: 'read', messageIds: [] });
    expect(r.messages).toEqual([]);
    expect(r.effects).toEqual([]);
  });

  it('before consent, commands lead back to the consent question', () => {
    const m = new Member(t);
    for (const typed of ['Câu hỏi hôm nay', 'Luyện tập', 'Điểm của tôi', 'Dự thi', 'Nhắc nhở']) {
      expect(m.intent(text(typed))).toBe('onboarding');
      const { messages, effects } = m.send(text(typed));
      expect(messages.at(-1)!.text).toContain('91/2025/QH15');
      expect(effects).toEqual([]);
    }
  });
});
