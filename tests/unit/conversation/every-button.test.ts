import { beforeAll, describe, expect, it } from 'vitest';
import { GET_STARTED_PAYLOAD, MENU_PAYLOADS, normalizeZalo, renderZalo } from '../../../src/channels/index.js';
import { COMMANDS, parsePayload, payload } from '../../../src/conversation/index.js';
import type { Choice, InboundEvent } from '../../../src/domain/index.js';
import type { Translate } from '../../../src/i18n/index.js';
import { pickDaily } from '../../../src/quiz/index.js';
import { JUNE_10, Member, READY, bot, getStarted, loadT, tap, tapTitled, text, units } from './harness.js';

/**
 * Every button the product can send, on every channel, is handled: Messenger quick replies and
 * persistent menu, Get Started, the conversation's own choices (which Zalo OA shows as buttons and
 * zca-js and the web simulator number), and the choices of organisers' broadcasts (src/outreach
 * gives a choice without its own payload `BROADCAST_CHOICE_<n>`, n ≤ 13).
 */

let t: Translate;
beforeAll(async () => {
  t = await loadT();
});
const later = (minutes: number) => new Date(JUNE_10.getTime() + minutes * 60_000);

function everyPayload(): string[] {
  const q = pickDaily(bot.id, '2023-06-10', [...new Member(t).qs])!;
  return [
    ...COMMANDS.map((c) => payload.command(c)),
    payload.language('vi'),
    payload.language('en'),
    payload.consent(true),
    payload.consent(false),
    payload.delete(true),
    payload.delete(false),
    ...units.map((u) => payload.unit(u.unitId)),
    payload.unitPage(0),
    payload.unitPage(1),
    payload.unitKeep(),
    payload.anonymous(),
    ...(['individual', 'units'] as const).flatMap((b) => (['today', 'week', 'all'] as const).map((p) => payload.leaderboard(b, p))),
    payload.contestBegin(),
    'CONTEST|standing',
    payload.practiceSet('laws'),
    payload.practiceSet('all'),
    ...([1, 2, 3, 'mixed'] as const).map((l) => payload.practiceSet('laws', l)),
    ...([1, 2, 3, 'mixed'] as const).map((l) => payload.practiceSet('all', l)),
    payload.practiceResume(),
    payload.review('set'),
    payload.review({ attemptId: 'a00000000000000000000001' }),
    ...[0, 1, 2, 3].map((i) => payload.answer({ questionId: q.questionId, revision: q.revision, mode: 'daily', ref: '2023-06-10', index: i })),
    payload.answer({ questionId: q.questionId, revision: q.revision, mode: 'practice', ref: '2023-06-10', index: 0 }),
    payload.answer({ questionId: q.questionId, revision: q.revision, mode: 'contest', ref: 'a00000000000000000000000', index: 0 }),
    ...Object.values(MENU_PAYLOADS),
    GET_STARTED_PAYLOAD,
    ...Array.from({ length: 13 }, (_, i) => `BROADCAST_CHOICE_${i + 1}`),
  ];
}

/** What the conversation says to a tap, Messenger style (payload and title). */
function answerTo(p: string, title: string) {
  const m = new Member(t, READY);
  m.views = { contest: { round: '1', attemptsUsed: 0, standing: null } };
  const event = p === GET_STARTED_PAYLOAD ? getStarted(p) : tapTitled(p, title);
  return { intent: m.intent(event), reply: m.send(event) };
}

describe('every button the product sends is handled', () => {
  it.each(everyPayload())('%s gets a real answer, never “I did not understand”', (p) => {
    const { intent, reply } = answerTo(p, 'Tôi sẽ tham gia');
    expect(intent).not.toBe('fallback');
    expect(reply.messages.length).toBeGreaterThan(0);
    expect(reply.all).not.toContain('Mình chưa hiểu');
  });

  it('every payload the conversation emits in a long session is one of those, and parses', () => {
    const known = new Set(everyPayload());
    const seen = new Set<string>();
    const m = new Member(t);
    m.views = { contest: { round: '1', attemptsUsed: 0, standing: null } };
    const collect = (r: { messages: { choices?: readonly Choice[] }[] }) => r.messages.forEach((msg) => msg.choices?.forEach((c) => seen.add(c.payload)));
    const script = [
      text('xin chào'),
      tap('CONSENT|no'),
      text('bắt đầu'),
      tap('CONSENT|yes'),
      tap('UNITPAGE|1'),
      tap('UNITPAGE|0'),
      text('thpt'),
      tap('UNIT|thpt-1'),
      text('Lan'),
      text('trợ giúp'),
      text('câu hỏi hôm nay'),
      text('A', later(1)),
      text('luyện tập', later(2)),
      text('trộn các mức (5)', later(2)),
      text('B', later(3)),
      text('luyện tập', later(3)),
      tap('PSET|resume', later(3)),
      ...[4, 4, 4, 4].map((m) => text('B', later(m))),
      tap('REVIEW|set', later(4)),
      text('ôn câu sai', later(4)),
      text('điểm', later(4)),
      text('bảng xếp hạng', later(5)),
      tap('LB|units|today', later(5)),
      text('đơn vị', later(6)),
      text('zzzz', later(6)),
      tap('UNITKEEP', later(6)),
      text('ngôn ngữ', later(7)),
      text('dự thi', later(8)),
      tap('CONTEST|begin', later(8)),
      text('A', later(9)),
      text('A', later(9)),
      text('A', later(9)),
      text('5', later(10)),
      text('thứ hạng', later(11)),
      text('dừng', later(12)),
      text('xóa dữ liệu', later(13)),
      text('hủy', later(13)),
    ];
    for (const event of script) collect(m.send(event));
    // Answers and a contest attempt's review carry ids: their families are in the list above.
    const unknown = [...seen].filter((p) => !known.has(p) && !p.startsWith('ANS|') && !/^REVIEW\|[0-9a-f]{24}$/.test(p));
    expect([...seen].some((p) => p.startsWith('REVIEW|a'))).toBe(true);
    expect(unknown).toEqual([]);
    for (const p of seen) expect(parsePayload(p)).not.toBeNull();
    expect(seen.size).toBeGreaterThan(20);
  });

  it('on Zalo OA each conversation choice comes back, as the member’s words or hidden, to the same answer', () => {
    const m = new Member(t, READY);
    const menu = m.send(text('trợ giúp')).messages[0]!;
    for (const [i, zaloMessage] of renderZalo(menu).entries()) {
      const buttons = 'attachment' in zaloMessage && 'buttons' in zaloMessage.attachment.payload ? zaloMessage.attachment.payload.buttons : [];
      for (const b of buttons) {
        expect(String(b.payload)).not.toMatch(/[#|]/);
        const [event] = normalizeZalo(bot.id, {
          event_name: 'user_send_text',
          timestamp: '1',
          sender: { id: 'u1' },
          message: { msg_id: `z${i}`, text: b.payload },
        });
        const viaZalo = m.intent({ ...event!, at: JUNE_10 } as InboundEvent);
        const tapped = menu.choices!.find((c) => c.reply === b.payload)!;
        expect(viaZalo).toBe(m.intent(tap(tapped.payload)));
      }
    }
  });
});
