import { beforeAll, describe, expect, it } from 'vitest';
import { INTENTS, readTurn, type QuizQuestion } from '../../../src/conversation/index.js';
import { MAX_MATCH_CHARS, cleanMemberText, type InboundEvent } from '../../../src/domain/index.js';
import type { Translate } from '../../../src/i18n/index.js';
import { optionOrder, parseAnswer, pickDaily } from '../../../src/quiz/index.js';
import { JUNE_10, Member, READY, bot, letterFor, loadT, orderFor, question, questions, tap, tapTitled, text } from './harness.js';

/** Issue 14's numbered cases, one table each, on the pure engine. */

let t: Translate;
beforeAll(async () => {
  t = await loadT();
});
const later = (minutes: number) => new Date(JUNE_10.getTime() + minutes * 60_000);
const todays = () => pickDaily(bot.id, '2023-06-10', questions)!;

/** A true/false question, as content writes them. */
const trueFalse: QuizQuestion = {
  ...question(9, 0),
  questionId: 'tf',
  revision: 'tf1',
  vi: { question: 'Mật khẩu mạnh nên dài ít nhất 12 ký tự?', options: ['Đúng', 'Sai'], explanation: 'Vì dài khó đoán.' },
  en: { question: 'Should a strong password be at least 12 characters long?', options: ['True', 'False'], explanation: 'Longer is harder.' },
};

describe('case 1: “Đúng” never stops reminders; diacritics count when typed', () => {
  it.each([
    ['Đúng', 'fallback'],
    ['Đúng rồi', 'fallback'],
    ['đúng', 'fallback'],
    ['ĐÚNG', 'fallback'],
    ['Dừng', 'remind-off'],
    ['dừng lại', 'remind-off'],
    ['dung', 'remind-off'],
    ['Dung lai', 'remind-off'],
  ])('“%s” with no question waiting → %s', (typed, intent) => {
    expect(new Member(t, READY).intent(text(typed))).toBe(intent);
  });

  it.each([
    ['Đúng', 0],
    ['đúng', 0],
    ['Sai', 1],
    ['dung', 0],
  ])('“%s” answers a waiting true/false question (option %i) and leaves reminders on', (typed, option) => {
    const m = new Member(t, READY, [trueFalse]);
    m.send(tap('PSET|all|mixed'));
    const r = m.send(text(typed, later(1)));
    expect(r.effects).toEqual([expect.objectContaining({ type: 'recordAnswer', answer: expect.objectContaining({ choice: option, questionId: 'tf' }) })]);
    expect(r.effects.some((e) => e.type === 'setSubscribed')).toBe(false);
  });
});

describe('case 2: a waiting question comes first; unclear input repeats it', () => {
  it.each([
    ['a letter', () => letterFor(todays().questionId, 2), 2],
    ['a number', () => String(orderFor(todays().questionId).indexOf(3) + 1), 3],
    ['the option’s text with diacritics', () => todays().vi.options[1]!, 1],
    ['“đáp án” and a letter', () => `Đáp án: ${letterFor(todays().questionId, 0)}.`, 0],
  ])('%s answers it', (_what, typed, option) => {
    const m = new Member(t, READY);
    m.send(text('câu hỏi hôm nay'));
    const r = m.send(text(typed(), later(1)));
    expect(r.effects[0]).toMatchObject({ type: 'recordAnswer', answer: { choice: option } });
  });

  it.each([
    ['a sticker', { kind: 'unsupported', what: 'sticker' } as const, 'Mình chỉ hiểu tin nhắn chữ'],
    ['an emoji', { kind: 'text', text: '👍' } as const, 'vẫn đang chờ bạn trả lời'],
    ['unknown text', { kind: 'text', text: 'trời mưa quá' } as const, 'Mình chưa hiểu “trời mưa quá”'],
    ['small talk', { kind: 'text', text: 'cảm ơn' } as const, 'vẫn đang chờ bạn trả lời'],
  ])('%s repeats the question, not the menu', (_what, body, says) => {
    const m = new Member(t, READY);
    m.send(text('câu hỏi hôm nay'));
    const event = { ...text('x', later(1)), ...body } as InboundEvent;
    const r = m.send(event);
    expect(r.all).toContain(says);
    expect(r.messages.at(-1)!.choices!.map((c) => c.title)).toEqual(['A', 'B', 'C', 'D']);
    expect(r.effects).toEqual([]);
  });

  it('during a contest the member is told the clock keeps running', () => {
    const m = new Member(t, READY);
    m.views = { contest: { round: '1', attemptsUsed: 0, standing: null } };
    m.send(tap('CONTEST|begin'));
    for (const event of [text('🙂', later(1)), { ...text('x', later(1)), kind: 'unsupported', what: 'sticker' } as InboundEvent]) {
      const r = m.send(event);
      expect(r.all).toContain('đồng hồ vẫn chạy');
      expect(r.all).toContain('Câu 1/3');
    }
  });

  it('a command still works while a question waits', () => {
    const m = new Member(t, READY);
    m.send(text('câu hỏi hôm nay'));
    expect(m.intent(text('bảng xếp hạng'))).toBe('leaderboard');
  });
});

describe('case 3: a button’s payload wins over its title', () => {
  it.each([
    ['Hôm nay', 'LB|individual|today', 'leaderboard'],
    ['Dự thi', 'CMD|score', 'score'],
    ['Đúng', 'CMD|help', 'help'],
  ])('title “%s” with payload %s → %s', (title, payload, intent) => {
    const event = tapTitled(payload, title);
    expect(new Member(t, READY).intent(event)).toBe(intent);
  });
});

describe('case 4: typing the title of a choice just offered acts like tapping it', () => {
  it.each([
    ['trộn các mức (5)', () => ['luyện tập'], 'practice-set'],
    ['tuần này', () => ['bảng xếp hạng'], 'leaderboard'],
    ['theo don vi', () => ['bảng xếp hạng'], 'leaderboard'],
    ['Xem thêm', () => ['đơn vị'], 'unit-page'],
    ['Thứ hạng dự thi', () => ['dự thi'], 'standing'],
  ])('“%s” after %s', (typed, before, intent) => {
    const m = new Member(t, READY);
    m.views = { contest: { round: '1', attemptsUsed: 0, standing: null } };
    for (const said of before()) m.send(text(said));
    expect(m.intent(text(typed))).toBe(intent);
  });

  it('“Ẩn danh” typed at the name step chooses anonymity', () => {
    const m = new Member(t, { ...READY, displayName: null });
    m.send(tap('UNIT|so-yte'));
    const r = m.send(text('Ẩn danh'));
    expect(r.effects[0]).toMatchObject({ type: 'setDisplayName', name: expect.stringMatching(/^Đoàn viên \d{4}$/) });
  });

  it('the “Hôm nay” tab typed right after the leaderboard is the tab, not today’s question', () => {
    const m = new Member(t, READY);
    m.send(text('bảng xếp hạng'));
    expect(m.needs(text('hôm nay'))).toEqual({ leaderboard: { kind: 'individual', period: 'today' } });
    // Long after, with nothing offered, “hôm nay” is today's question again.
    expect(m.intent(text('hôm nay', later(45)))).toBe('today');
  });
});

describe('case 5: no traps', () => {
  it('after “Đơn vị”, “Giữ nguyên” keeps the unit; text matching no unit offers keep or search again', () => {
    const m = new Member(t, READY);
    const shown = m.send(text('đơn vị'));
    expect(shown.messages[0]!.choices!.at(-1)).toMatchObject({ title: 'Giữ nguyên', payload: 'UNITKEEP' });
    const nothing = m.send(text('zzzz'));
    expect(nothing.all).toContain('giữ nguyên');
    expect(nothing.messages[0]!.choices!.at(-1)!.payload).toBe('UNITKEEP');
    const kept = m.send(text('giữ nguyên'));
    expect(kept.effects).toEqual([]);
    expect(kept.all).toContain('Bạn vẫn ở đơn vị CĐCS Sở Y tế');
    expect(m.state.choosingUnit).toBeUndefined();
  });

  it('a member who declined gets one short line and a way back, not the introduction again', () => {
    const m = new Member(t);
    m.send(text('xin chào'));
    m.send(tap('CONSENT|no'));
    for (const typed of ['hmm', 'điểm', 'abc']) {
      const r = m.send(text(typed));
      expect(r.messages).toHaveLength(1);
      expect(r.all).toContain('Bạn chưa đồng ý');
      expect(r.messages[0]!.choices!.map((c) => c.payload)).toEqual(['CONSENT|yes', 'CMD|start']);
    }
    expect(m.send(text('bắt đầu')).all).toContain('91/2025/QH15');
    expect(m.send(text('đồng ý')).effects.map((e) => e.type)).toEqual(['setConsent', 'setSubscribed']);
  });

  it.each([
    ['cảm ơn', 'Không có gì'],
    ['cam on', 'Không có gì'],
    ['tạm biệt', 'Tạm biệt bạn'],
    ['ok', 'Bạn muốn làm gì tiếp theo'],
  ])('small talk “%s” gets a friendly short answer', (typed, says) => {
    const m = new Member(t, READY);
    expect(m.intent(text(typed))).toBe('small-talk');
    expect(m.send(text(typed)).all).toContain(says);
  });
});

describe('case 6: what a deletion keeps for fairness', () => {
  it.each([
    ['after answering today', { ...READY, streak: { current: 1, best: 1, lastDay: '2023-06-10' } }, '2023-06-10'],
    ['before answering today', READY, null],
  ])('%s', (_what, facts, answeredDay) => {
    const m = new Member(t, facts);
    const r = m.send(tap('DELETE|yes'));
    expect(r.effects).toEqual([{ type: 'deleteData', keep: { answeredDay, contest: { contestId: 'test-contest', round: '1', closesOn: '2023-06-30' } } }]);
  });

  it('a rejoined member whose earlier membership answered today cannot answer again', () => {
    const m = new Member(t, { ...READY, carried: { answeredDay: '2023-06-10', contestAttempts: 0 } });
    expect(m.send(text('câu hỏi hôm nay')).all).toContain('đã trả lời câu hỏi hôm nay');
    const q = todays();
    const replay = m.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|${q.answer}`));
    expect(replay.effects).toEqual([]);
    expect(m.intent(text('B'))).toBe('fallback');
  });
});

describe('case 7: options are shuffled per member', () => {
  it('the order is stable for a member and differs between members', () => {
    const orders = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'].map((u) => orderFor('q1', u).join(''));
    expect(new Set(orders).size).toBeGreaterThan(1);
    expect(orderFor('q1', 'u1')).toEqual(orderFor('q1', 'u1'));
    expect(optionOrder('another key', 'messenger:test-bot:u1', 'q1', 4)).not.toBe(orderFor('q1', 'u1'));
  });

  it('the right answer’s position is spread over the letters across members', () => {
    const letters = new Set(Array.from({ length: 40 }, (_, i) => letterFor('q1', 1, `member-${i}`)));
    expect(letters).toEqual(new Set(['A', 'B', 'C', 'D']));
  });

  it('re-display and a change of language keep the order; the stored answer is the option, feedback names it by letter and text', () => {
    const m = new Member(t, READY);
    const first = m.send(text('câu hỏi hôm nay')).messages[0]!;
    const again = m.send(text('🙂')).messages.at(-1)!;
    expect(again.choices!.map((c) => c.payload)).toEqual(first.choices!.map((c) => c.payload));
    const english = m.send(text('English')).messages.at(-1)!;
    expect(english.choices!.map((c) => c.payload)).toEqual(first.choices!.map((c) => c.payload));
    const q = todays();
    const right = letterFor(q.questionId, 1);
    const r = m.send(text(letterFor(q.questionId, 0), later(1)));
    expect(r.effects[0]).toMatchObject({ answer: { choice: 0, correct: false } });
    expect(r.all).toContain(`The right answer is ${right}. ${q.en!.options[1]}`);
  });
});

describe('case 8: every button the product sends is handled', () => {
  it.each([
    ['Dừng nhắc nhở', 'remind-off'],
    ['Câu hỏi hôm nay', 'today'],
    ['Tôi sẽ tham gia', 'broadcast-reply'],
  ])('a broadcast choice titled “%s” → %s', (title, intent) => {
    expect(new Member(t, READY).intent(tapTitled('BROADCAST_CHOICE_2', title))).toBe(intent);
  });
});

describe('case 11: sources in words', () => {
  it('feedback shows the document in words, never a fact id', () => {
    const m = new Member(t, READY);
    const q = todays();
    const r = m.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|1`));
    expect(r.all).toContain(`📚 Nguồn: ${q.source.vi}`);
    expect(r.all).not.toMatch(/seed:|N\d\d\b|S\d\d\b/);
  });
});

describe('case 12: the law in force', () => {
  it.each([
    ['vi', ['Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15', 'Nghị định 356/2025/NĐ-CP', 'xóa ngay']],
    ['en', ['Law on Personal Data Protection No. 91/2025/QH15', 'Decree 356/2025/NĐ-CP', 'deleted at once']],
  ] as const)('the %s consent cites Luật 91/2025/QH15 and NĐ 356/2025 and says deletion is at once', (locale, parts) => {
    const text = t(locale, 'conversation:consent.text');
    for (const p of parts) expect(text).toContain(p);
    expect(text).not.toContain('13/2023');
  });

  it('a deletion request is answered at once, after one confirmation', () => {
    const m = new Member(t, READY);
    m.send(text('xóa dữ liệu'));
    const r = m.send(text('xóa dữ liệu'));
    expect(r.effects[0]).toMatchObject({ type: 'deleteData' });
    expect(r.all).toContain('Đã xóa ngay');
  });
});

describe('case 13: English everywhere the content has it', () => {
  it.each([
    [1, '1-day streak'],
    [2, '2-day streak'],
  ])('plurals: a %i-day streak', (days, says) => {
    const m = new Member(t, { ...READY, locale: 'en', streak: { current: days - 1, best: days - 1, lastDay: days > 1 ? '2023-06-09' : null } });
    const q = todays();
    expect(m.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|1`)).all).toContain(says);
  });

  it('“my score” says “1 day” and “2 days”', () => {
    const m = new Member(t, { ...READY, locale: 'en', streak: { current: 1, best: 2, lastDay: '2023-06-10' } });
    expect(m.send(text('my score')).all).toContain('Current streak: 1 day (best 2 days)');
  });

  it('the anonymous name reads “Đoàn viên” to Vietnamese readers and “Member” to English ones', () => {
    const vi = new Member(t, { ...READY, displayName: 'Member 8811' });
    expect(vi.send(text('bắt đầu')).all).toContain('Đoàn viên 8811');
    const en = new Member(t, { ...READY, locale: 'en', displayName: 'Đoàn viên 8811' });
    expect(en.send(text('start')).all).toContain('Member 8811');
    const fresh = new Member(t, { ...READY, locale: 'en', displayName: null });
    expect(fresh.send(tap('NAME|anon')).effects[0]).toMatchObject({ name: expect.stringMatching(/^Đoàn viên \d{4}$/) });
  });

  it('a question without English is marked as such for English readers', () => {
    const viOnly: QuizQuestion = { ...question(7), en: null };
    const m = new Member(t, { ...READY, locale: 'en' }, [viOnly]);
    expect(m.send(tap('PSET|all|mixed')).all).toContain('available in Vietnamese only');
  });
});

describe('case 14: closed contests, finished-contest text, leaderboards without zeros, reviews', () => {
  it('a closed contest leaves the menu and reads well', () => {
    const m = new Member(t, READY);
    const july = new Date('2023-07-05T01:00:00Z');
    expect(m.send(text('trợ giúp', july)).messages[0]!.choices!.map((c) => c.payload)).not.toContain('CMD|contest');
    expect(m.send(text('trợ giúp')).messages[0]!.choices!.map((c) => c.payload)).toContain('CMD|contest');
    m.views = { contest: { round: null, attemptsUsed: 0, standing: null } };
    expect(m.send(text('dự thi', july)).all).toBe('Cuộc thi thử đã kết thúc ngày 30/06/2023.');
    const withAwards = new Member(t, READY);
    withAwards.views = m.views;
    const awarded = { ...bot, contest: { ...bot.contest!, awards: '10/2023' } };
    const r = withAwards.send(text('dự thi', new Date('2026-12-10T01:00:00Z')));
    expect(r.all).toContain('đã kết thúc');
    expect(
      t('vi', 'conversation:contest.ended', {
        title: awarded.contest.title.vi,
        end: '15/09/2023',
        awards: t('vi', 'conversation:contest.awardsDone', { awards: '10/2023' }),
      }),
    ).toBe('Cuộc thi thử đã kết thúc ngày 15/09/2023; kết quả đã công bố tháng 10/2023.');
  });

  it('leaderboards do not list members with no right answer', () => {
    const m = new Member(t, READY);
    const at = new Date();
    m.views = {
      leaderboard: {
        kind: 'individual',
        period: 'today',
        top: [
          { participantId: 'a', name: 'Hòa', unitId: null, correct: 1, answered: 1, reachedAt: at, rank: 1 },
          { participantId: 'b', name: 'Zero', unitId: null, correct: 0, answered: 1, reachedAt: at, rank: 2 },
        ],
        me: null,
        units: [],
      },
    };
    const r = m.send(tap('LB|individual|today'));
    expect(r.all).toContain('1. Hòa');
    expect(r.all).not.toContain('Zero');
  });

  it('practice shows which questions are reviews', () => {
    const m = new Member(t, READY, [question(1), question(2)]);
    expect(m.send(tap('PSET|all|mixed')).all).toContain('🧠 Câu 1/2 · Luyện tập');
    const asked = m.state.pending!.questionId;
    m.send(text(letterFor(asked, 0), later(1)));
    m.send(text(letterFor(m.state.pending!.questionId, 1), later(3)));
    const review = m.send(tap('PSET|all|mixed', later(15)));
    expect(m.state.pending!.questionId).toBe(asked);
    expect(review.all).toContain('ôn lại câu bạn đã gặp');
  });
});

describe('issue 17 item 9: every matcher is linear and sees a capped text', () => {
  const huge = `A${' '.repeat(60_000)}x`;
  it('the bare-answer check reads at most MAX_MATCH_CHARS characters of what was typed', () => {
    const m = new Member(t, READY);
    // Read as its first MAX_MATCH_CHARS characters: "A" and spaces, i.e. an answer "A" to today's pushed question.
    expect(m.intent(text(huge))).toBe(m.intent(text(huge.slice(0, MAX_MATCH_CHARS))));
    expect(parseAnswer(huge, ['x', 'y'])).toEqual(parseAnswer(huge.slice(0, MAX_MATCH_CHARS), ['x', 'y']));
  });

  it('readTurn never looks past the cap, whatever the text', () => {
    const state = {};
    const m = { state, now: JUNE_10, waiting: () => null, pushed: () => null };
    const long = `${'đúng '.repeat(20_000)}dừng`;
    expect(readTurn(text(long), m)).toMatchObject({ command: null, text: long });
  });
});

describe('issue 17 item 13: what a member names is cleaned by the one sanitiser', () => {
  it.each([
    ['Lan\uFFFF', 'Lan'],
    ['Lan\u0000 Anh', 'Lan Anh'],
    ['\u202EnaL', 'naL'],
    ['Hòa\uFDD0\uD800', 'Hòa'],
  ])('a display name %j is stored as %j', (typed, stored) => {
    const m = new Member(t, { ...READY, displayName: null });
    expect(m.send(text(typed)).effects).toEqual([{ type: 'setDisplayName', name: stored }]);
    expect(cleanMemberText(typed, 40)).toBe(stored);
  });
});

describe('intents are data, tried in order', () => {
  it('every intent has a unique name and the fallback is last', () => {
    const names = INTENTS.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.at(-1)).toBe('fallback');
  });
});
