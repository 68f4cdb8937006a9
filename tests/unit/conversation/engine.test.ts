import { beforeAll, describe, expect, it } from 'vitest';
import type { Translate } from '../../../src/i18n/index.js';
import { pickDaily } from '../../../src/quiz/index.js';
import { JUNE_10, Member, READY, TEST_KEY, bot, letterFor, loadT, orderFor, other, question, questions, tap, text } from './harness.js';

let t: Translate;
beforeAll(async () => {
  t = await loadT();
});

const todays = () => pickDaily(bot.id, '2023-06-10', questions)!;
const later = (minutes: number) => new Date(JUNE_10.getTime() + minutes * 60_000);

describe('onboarding', () => {
  it('says who the bot is for and asks for consent under the law in force (Luật 91/2025/QH15, NĐ 356/2025), storing nothing yet', () => {
    const m = new Member(t);
    const { messages, effects } = m.send(text('Bắt đầu'));
    expect(messages[0]!.text).toContain('Bot thử nghiệm');
    expect(messages[0]!.text).toContain('đoàn viên');
    const consent = messages[1]!.text;
    for (const part of ['91/2025/QH15', '356/2025/NĐ-CP', 'Dữ liệu lưu', 'Mục đích', 'Thời gian lưu', 'Cách xóa', 'xóa ngay', 'mã băm'])
      expect(consent).toContain(part);
    expect(consent).not.toContain('13/2023');
    expect(messages[1]!.choices!.map((c) => c.payload)).toEqual(['CONSENT|yes', 'CONSENT|no', 'LANG|en']);
    expect(effects).toEqual([]);
  });

  it('declining keeps nothing and offers to agree later', () => {
    const m = new Member(t);
    m.send(text('Bắt đầu'));
    const { messages, effects } = m.send(tap('CONSENT|no'));
    expect(effects).toEqual([]);
    expect(messages[0]!.text).toContain('Không sao');
  });

  it('after consent asks the unit with paged choices, then the name', () => {
    const m = new Member(t);
    m.send(text('Bắt đầu'));
    const r = m.send(text('đồng ý'));
    expect(r.effects.map((e) => e.type)).toEqual(['setConsent', 'setSubscribed']);
    const picker = r.messages.at(-1)!;
    expect(picker.text).toContain('Trang 1/2');
    expect(picker.choices!.filter((c) => c.payload.startsWith('UNIT|'))).toHaveLength(8);
    expect(picker.choices!.at(-1)!.payload).toBe('UNITPAGE|1');
    const page2 = m.send(tap('UNITPAGE|1')).messages[0]!;
    expect(page2.text).toContain('Trang 2/2');
    expect(page2.choices!.map((c) => c.payload)).toEqual(['UNIT|cao-dang', 'UNIT|cdc', 'UNITPAGE|0']);
    const chosen = m.send(tap('UNIT|cao-dang'));
    expect(chosen.effects).toEqual([{ type: 'setUnit', unitId: 'cao-dang' }]);
    expect(chosen.all).toContain('tên gì trên bảng xếp hạng');
    const named = m.send(text('  Nguyễn   Thị Lan '));
    expect(named.effects).toEqual([{ type: 'setDisplayName', name: 'Nguyễn Thị Lan' }]);
    expect(named.messages[0]!.choices!.map((c) => c.payload)).toContain('CMD|today');
  });

  it('finds the unit from part of its name typed without diacritics', () => {
    const m = new Member(t, { ...READY, unitId: null, displayName: null });
    const one = m.send(text('benh vien'));
    expect(one.effects).toEqual([{ type: 'setUnit', unitId: 'benh-vien' }]);
    const m2 = new Member(t, { ...READY, unitId: null, displayName: null });
    const several = m2.send(text('thpt'));
    expect(several.effects).toEqual([]);
    expect(several.messages[0]!.choices!.map((c) => c.payload)).toEqual(['UNIT|thpt-1', 'UNIT|thpt-2']);
    const none = m2.send(text('zzzz'));
    expect(none.messages[0]!.text).toContain('Không tìm thấy');
  });

  it('refuses a name that is a link and offers to stay anonymous', () => {
    const m = new Member(t, { ...READY, displayName: null });
    expect(m.send(text('http://spam.example')).effects).toEqual([]);
    const anon = m.send(tap('NAME|anon'));
    expect(anon.effects[0]).toMatchObject({ type: 'setDisplayName' });
    expect((anon.effects[0] as { name: string }).name).toMatch(/^Đoàn viên \d{4}$/);
  });

  it('a whole onboarding runs in English after choosing English', () => {
    const m = new Member(t);
    m.send(other('follow'));
    const r = m.send(tap('LANG|en'));
    expect(r.effects).toEqual([{ type: 'setLocale', locale: 'en' }]);
    expect(r.all).toContain('Decree 356/2025/NĐ-CP');
    expect(m.send(tap('CONSENT|yes')).all).toContain('Which unit');
  });
});

describe('today’s question', () => {
  it('is sent with options in the text and self-describing buttons', () => {
    const m = new Member(t, READY);
    const { messages } = m.send(text('câu hỏi hôm nay'));
    const q = todays();
    expect(messages[0]!.text).toContain('10/06/2023');
    expect(messages[0]!.text).toContain(q.vi.question);
    // Options in this member's own order; each button's payload names the option itself.
    expect(messages[0]!.choices!.map((c) => c.payload)).toEqual(orderFor(q.questionId).map((i) => `ANS|${q.questionId}|${q.revision}|daily|2023-06-10|${i}`));
    expect(messages[0]!.choices!.map((c) => c.title)).toEqual(['A', 'B', 'C', 'D']);
    expect(messages[0]!.text).toContain(`${letterFor(q.questionId, 1)}. ${q.vi.options[1]}`);
  });

  const right = () => letterFor(todays().questionId, 1);
  const wrong = () => letterFor(todays().questionId, 0);
  it.each([
    ['the right letter', () => right(), true],
    ['the right letter in lower case', () => right().toLowerCase(), true],
    ['the right number', () => String(right().charCodeAt(0) - 64), true],
    ['“đáp án” and the right letter', () => `đáp án ${right()}`, true],
    ['the right option’s text without diacritics', () => `chinh quyen so ${todays().questionId.slice(1)}`, true],
    ['a wrong letter', () => wrong(), false],
    ['a wrong number', () => String(wrong().charCodeAt(0) - 64), false],
  ])('typed answer (%s) is graded with the right answer by letter and text, explanation and source', (_what, typed, correct) => {
    const m = new Member(t, READY);
    m.send(text('câu hỏi hôm nay'));
    const q = todays();
    const r = m.send(text(typed(), later(1)));
    expect(r.all).toContain(correct ? `Chính xác! Đáp án là ${right()}. ${q.vi.options[1]}` : `Đáp án đúng là ${right()}. ${q.vi.options[1]}`);
    expect(r.all).toContain(q.vi.explanation);
    expect(r.all).toContain(`Nguồn: ${q.source.vi}`);
    const rec = r.effects.find((e) => e.type === 'recordAnswer')!;
    expect(rec).toMatchObject({
      answer: { mode: 'daily', day: '2023-06-10', correct, timeTakenMs: 60_000, choice: correct ? 1 : 0 },
      streak: { current: 1, lastDay: '2023-06-10' },
    });
  });

  it('a pushed question answered by its button works without any stored state', () => {
    const m = new Member(t, READY);
    const q = todays();
    const r = m.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|1`));
    expect(r.all).toContain('Chính xác');
    expect(r.effects[0]).toMatchObject({ type: 'recordAnswer', answer: { timeTakenMs: null } });
  });

  it('an answer in the wrong format is asked again, with the question', () => {
    const m = new Member(t, READY);
    m.send(text('câu hỏi hôm nay'));
    for (const typed of ['E', 'A hoặc B', 'đáp án']) {
      const r = m.send(text(typed));
      expect(m.intent(text(typed))).toBe('answer-unclear');
      expect(r.effects).toEqual([]);
      expect(r.messages[0]!.text).toContain('chưa rõ');
      expect(r.messages[1]!.choices).toHaveLength(4);
    }
  });

  it('an answer to yesterday’s question is politely refused as expired', () => {
    const m = new Member(t, READY);
    const r = m.send(tap('ANS|q1|r1|daily|2023-06-09|1'));
    expect(r.effects).toEqual([]);
    expect(r.all).toContain('09/06/2023 đã hết hạn');
    m.send(text('câu hỏi hôm nay', new Date('2023-06-09T05:00:00Z')));
    const typed = m.send(text('B'));
    expect(typed.all).toContain('đã hết hạn');
    expect(typed.effects).toEqual([]);
  });

  it('an answer to a question changed since it was sent is refused as expired', () => {
    const r = new Member(t, READY).send(tap('ANS|q1|old-revision|practice|2023-06-10|1'));
    expect(r.all).toContain('hết hạn hoặc vừa được cập nhật');
    expect(r.effects).toEqual([]);
  });

  it('only the first answer of the day counts', () => {
    const m = new Member(t, READY);
    const q = todays();
    m.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|0`));
    const again = m.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|1`));
    expect(again.effects).toEqual([]);
    expect(again.all).toContain('chỉ câu trả lời đầu tiên được tính');
    expect(m.send(text('câu hỏi hôm nay')).all).toContain('đã trả lời câu hỏi hôm nay');
  });

  it('two answers arriving at once are both graded by the engine but carry the “already answered” reply for the second', () => {
    // Both events see the same stored facts; the database's unique index decides, and the service sends onDuplicate.
    const a = new Member(t, READY);
    const b = new Member(t, READY);
    const q = todays();
    const first = a.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|1`));
    const second = b.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|0`));
    const recs = [first, second].map((r) => r.effects.find((e) => e.type === 'recordAnswer')!);
    expect(recs.map((r) => (r as { answer: { questionId: string } }).answer.questionId)).toEqual([q.questionId, q.questionId]);
    expect((recs[1] as unknown as { onDuplicate: { text: string }[] }).onDuplicate[0]!.text).toContain('chỉ câu trả lời đầu tiên được tính');
  });

  it('builds a streak on consecutive Vietnamese days', () => {
    const m = new Member(t, { ...READY, streak: { current: 2, best: 5, lastDay: '2023-06-09' } });
    const q = todays();
    const r = m.send(tap(`ANS|${q.questionId}|${q.revision}|daily|2023-06-10|1`));
    expect(r.effects[0]).toMatchObject({ streak: { current: 3, best: 5, lastDay: '2023-06-10' } });
    expect(r.all).toContain('Chuỗi 3 ngày');
  });

  it('switching language mid-quiz shows the waiting question again in the new language and still grades it', () => {
    const m = new Member(t, READY);
    m.send(text('câu hỏi hôm nay'));
    const switched = m.send(text('English'));
    expect(switched.all).toContain('Switched to English');
    expect(switched.all).toContain(todays().en!.question);
    const r = m.send(text(`digital government ${todays().questionId.slice(1)}`));
    expect(r.all).toContain('Correct!');
  });
});

describe('practice', () => {
  it('never counts toward contests and brings a wrong answer back soon', () => {
    const m = new Member(t, READY);
    // One topic: "Luyện tập" goes straight to the levels.
    const offer = m.send(text('luyện tập'));
    expect(offer.messages.at(-1)!.choices!.map((c) => c.payload)).toEqual(['PSET|laws|1', 'PSET|laws|mixed']);
    const first = m.send(tap('PSET|laws|mixed'));
    expect(first.all).toContain('Câu 1/5 · Luyện tập');
    const asked = m.state.pending!.questionId;
    const r = m.send(text(letterFor(asked, 0)));
    expect(r.effects[0]).toMatchObject({ type: 'recordAnswer', answer: { mode: 'practice', attemptId: null, correct: false } });
    expect(r.all).toContain('Câu 2/5');
    expect(m.state.practice![asked]!.box).toBe(1);
    for (let i = 2; i <= 5; i++) m.send(text(letterFor(m.state.pending!.questionId, 1), later(i)));
    // The next set, 12 minutes later: the wrong one is due again and comes first.
    m.send(tap('PSET|laws|mixed', later(12)));
    expect(m.state.pending!.questionId).toBe(asked);
  });
});

describe('score and leaderboards', () => {
  it('“my score” shows totals, the live streak and the rank', () => {
    const m = new Member(t, {
      ...READY,
      streak: { current: 3, best: 7, lastDay: '2023-06-09' },
      totals: { ...READY.totals, dailyAnswered: 9, dailyCorrect: 7 },
    });
    m.views = { score: { rank: 2, of: 15 } };
    expect(m.needs(text('điểm của tôi'))).toEqual({ score: true });
    const r = m.send(text('điểm của tôi'));
    expect(r.all).toContain('7/9');
    expect(r.all).toContain('Chuỗi hiện tại: 3 ngày (dài nhất 7 ngày)');
    expect(r.all).toContain('2/15');
    expect(r.all).toContain('CĐCS Sở Y tế');
  });

  it('the leaderboard lists names, the member’s own rank and the tie-break rule', () => {
    const m = new Member(t, READY);
    expect(m.needs(tap('LB|individual|week'))).toEqual({ leaderboard: { kind: 'individual', period: 'week' } });
    const at = new Date();
    m.views = {
      leaderboard: {
        kind: 'individual',
        period: 'week',
        top: [
          { participantId: 'a', name: 'Hòa', unitId: null, correct: 5, answered: 5, reachedAt: at, rank: 1 },
          { participantId: 'b', name: 'Lan', unitId: null, correct: 4, answered: 5, reachedAt: at, rank: 2 },
        ],
        me: { participantId: 'b', name: 'Lan', unitId: null, correct: 4, answered: 5, reachedAt: at, rank: 2 },
        units: [],
      },
    };
    const r = m.send(tap('LB|individual|week'));
    expect(r.all).toContain('tuần này');
    expect(r.all).toContain('1. Hòa: 5 câu đúng');
    expect(r.all).toContain('Bạn: hạng 2');
    expect(r.all).toContain('Bằng số câu đúng');
  });

  it('the unit leaderboard shows participants and the participation rate when the size is known', () => {
    const m = new Member(t, READY);
    m.views = {
      leaderboard: {
        kind: 'units',
        period: 'all',
        top: [],
        me: null,
        units: [
          { unitId: 'so-yte', name: 'CĐCS Sở Y tế', correct: 30, participants: 12, size: 60, participationRate: 0.2, rank: 1 },
          { unitId: 'benh-vien', name: 'CĐCS Bệnh viện tỉnh', correct: 10, participants: 4, size: null, participationRate: null, rank: 2 },
        ],
      },
    };
    const r = m.send(tap('LB|units|all'));
    expect(r.all).toContain('1. CĐCS Sở Y tế: 30 câu đúng, 12 người tham gia, tỉ lệ tham gia 20%');
    expect(r.all).toContain('2. CĐCS Bệnh viện tỉnh: 10 câu đúng, 4 người tham gia\n');
  });
});

describe('reminders, unit and data', () => {
  it('“Dừng” stops reminders at once, the opt-in path with them; “Nhắc nhở” turns them back on', () => {
    const m = new Member(t, READY);
    expect(m.send(text('Dừng')).effects).toEqual([
      { type: 'setSubscribed', subscribed: false },
      { type: 'optInStopped', stopped: true },
    ]);
    expect(m.send(text('nhắc nhở')).effects).toEqual([
      { type: 'setSubscribed', subscribed: true },
      { type: 'optInStopped', stopped: false },
    ]);
  });

  it('unfollowing unsubscribes silently', () => {
    const r = new Member(t, READY).send(other('unfollow'));
    expect(r).toMatchObject({ messages: [], effects: [{ type: 'setSubscribed', subscribed: false }] });
  });

  it('“my unit” shows the current unit and lets the member type a new one', () => {
    const m = new Member(t, READY);
    expect(m.send(text('đơn vị')).all).toContain('Đơn vị hiện tại của bạn: CĐCS Sở Y tế');
    expect(m.send(text('bao tinh')).effects).toEqual([{ type: 'setUnit', unitId: 'bao' }]);
    expect(m.intent(text('bao tinh'))).toBe('fallback');
  });

  it('“delete my data” asks first, then deletes; cancelling keeps everything', () => {
    const m = new Member(t, READY);
    expect(m.send(text('xóa dữ liệu')).messages[0]!.choices!.map((c) => c.payload)).toEqual(['DELETE|yes', 'DELETE|no']);
    expect(m.send(text('không')).effects).toEqual([]);
    m.send(text('xóa dữ liệu'));
    const r = m.send(text('đồng ý'));
    expect(r.effects).toEqual([
      { type: 'deleteData', keep: { answeredDay: null, contest: { contestId: 'test-contest', round: '1', closesOn: '2023-06-30' } } },
    ]);
    expect(r.all).toContain('Đã xóa ngay toàn bộ dữ liệu');
    expect(r.all).toContain('mã băm');
  });

  it('a deleted participant writing again starts from the consent question', () => {
    const m = new Member(t, READY);
    m.send(tap('DELETE|yes'));
    const r = m.send(text('B'));
    expect(r.all).toContain('91/2025/QH15');
    expect(r.effects).toEqual([]);
  });
});

describe('contest in chat', () => {
  const contestMember = () => {
    const m = new Member(t, READY);
    m.views = { contest: { round: '1', attemptsUsed: 0, standing: null } };
    return m;
  };

  it('explains the rules and offers to start', () => {
    const m = contestMember();
    expect(m.needs(text('dự thi'))).toEqual({ contest: true });
    const r = m.send(text('dự thi'));
    expect(r.all).toContain('3 câu, làm trong 5 phút');
    expect(r.all).toContain('Cách xếp hạng');
    expect(r.messages[0]!.choices!.map((c) => c.payload)).toEqual(['CONTEST|begin', 'CMD|standing']);
  });

  it('runs an attempt: questions, prediction, result; the server-side clock decides', () => {
    const m = contestMember();
    const start = m.send(tap('CONTEST|begin'));
    const begin = start.effects[0] as unknown as { type: string; questions: { questionId: string }[]; deadline: Date };
    expect(begin.type).toBe('startAttempt');
    expect(begin.deadline.getTime() - JUNE_10.getTime()).toBe(5 * 60_000);
    expect(start.all).toContain('Câu 1/3');
    // Commands that would leave the attempt bring the current question back.
    expect(m.send(text('câu hỏi hôm nay', later(1))).all).toContain('đang làm bài thi');
    for (let i = 0; i < 3; i++) {
      const r = m.send(text(letterFor(m.state.contest!.questions[i]!.questionId, 1), later(1 + i)));
      expect(r.effects[0]).toMatchObject({ type: 'recordAnswer', answer: { mode: 'contest', attemptId: m.state.contest?.attemptId ?? expect.any(String) } });
    }
    expect(m.state.contest!.index).toBe(3);
    expect(m.send(text('nhiều lắm', later(4))).all).toContain('số nguyên');
    const done = m.send(text('12', later(4)));
    expect(done.effects[0]).toMatchObject({ type: 'finishAttempt', status: 'finished', correct: 3, answered: 3, prediction: 12, timeTakenMs: 4 * 60_000 });
    expect(done.all).toContain('3/3');
    expect(done.all).toContain('Số lượt còn lại trong vòng này: 1');
    expect(m.state.contest).toBeUndefined();
  });

  it('an answer after the time limit does not count and the attempt closes itself', () => {
    const m = contestMember();
    m.send(tap('CONTEST|begin'));
    m.send(text('B', later(1)));
    const late = m.send(text('B', later(6)));
    expect(late.effects).toEqual([expect.objectContaining({ type: 'finishAttempt', status: 'expired', correct: 1, answered: 1, timeTakenMs: 5 * 60_000 })]);
    expect(late.all).toContain('Hết giờ');
    expect(m.state.contest).toBeUndefined();
  });

  it('a command after the time limit is told the attempt expired and then handled', () => {
    const m = contestMember();
    m.send(tap('CONTEST|begin'));
    const r = m.send(text('trợ giúp', later(10)));
    expect(r.effects[0]).toMatchObject({ type: 'finishAttempt', status: 'expired' });
    expect(r.messages).toHaveLength(2);
  });

  it('no attempts left, or outside the window, no start', () => {
    const m = new Member(t, READY);
    m.views = { contest: { round: '1', attemptsUsed: 2, standing: null } };
    expect(m.send(tap('CONTEST|begin')).effects).toEqual([]);
    const after = new Member(t, READY);
    after.views = { contest: { round: null, attemptsUsed: 0, standing: null } };
    const r = after.send(text('dự thi', new Date('2023-07-05T01:00:00Z')));
    expect(r.all).toContain('đã kết thúc');
    expect(after.send(tap('CONTEST|begin', new Date('2023-07-05T01:00:00Z'))).effects).toEqual([]);
  });

  it('members can ask their own standing', () => {
    const m = new Member(t, READY);
    m.views = { contest: { round: '1', attemptsUsed: 1, standing: { rank: 4, of: 30, correct: 18, questionCount: 20, perfect: 2 } } };
    const r = m.send(text('thứ hạng'));
    expect(r.all).toContain('xếp hạng 4/30 với 18/20');
  });

  it('a contest button from a finished attempt does not count', () => {
    const m = contestMember();
    const r = m.send(tap('ANS|q1|r1|contest|aaaaaaaaaaaaaaaaaaaaaaaa|1'));
    expect(r.effects).toEqual([]);
    expect(r.all).toContain('đã kết thúc');
  });

  it('contest questions come from the contest’s own draw, not the daily question', () => {
    const m = new Member(t, READY, [question(1), question(2)]);
    m.views = { contest: { round: '1', attemptsUsed: 0, standing: null } };
    const start = m.send(tap('CONTEST|begin'));
    expect((start.effects[0] as unknown as { questions: unknown[] }).questions).toHaveLength(2);
  });
});

describe('unclear text during a contest attempt', () => {
  it('gets the current question again, not the menu', async () => {
    const m = new Member(t, READY);
    m.views = { contest: { round: '1', attemptsUsed: 0, standing: null } };
    m.send(tap('CONTEST|begin'));
    const r = m.send(text('hello there', later(1)));
    expect(r.all).toContain('Mình chưa hiểu “hello there”');
    expect(r.all).toContain('đang làm bài thi (câu 1/3');
    expect(r.messages.at(-1)!.choices!.map((c) => c.title)).toEqual(['A', 'B', 'C', 'D']);
  });
});

describe('typed numbers pick from the buttons last shown (Zalo OA past five buttons, zca-js)', () => {
  it('“3” on the unit picker chooses the third unit, not a unit search for “3”', () => {
    const m = new Member(t);
    m.send(text('Bắt đầu'));
    m.send(tap('CONSENT|yes'));
    expect(m.send(text('3')).effects).toEqual([{ type: 'setUnit', unitId: 'thpt-1' }]);
  });

  it('“2” on the menu opens practice; “2” on a question answers B', () => {
    const m = new Member(t, READY);
    m.send(text('trợ giúp'));
    expect(m.intent(text('1'))).toBe('today');
    m.send(text('1'));
    const r = m.send(text('2', later(1)));
    expect(r.effects[0]).toMatchObject({ type: 'recordAnswer', answer: { choice: orderFor(todays().questionId)[1] } });
  });

  it('a number past the buttons is not a choice', () => {
    const m = new Member(t, READY);
    m.send(text('trợ giúp'));
    expect(m.intent(text('42'))).toBe('fallback');
  });

  it('the prediction number is never taken for a button', () => {
    const m = new Member(t, READY);
    m.views = { contest: { round: '1', attemptsUsed: 0, standing: null } };
    m.send(tap('CONTEST|begin'));
    for (let i = 0; i < 3; i++) m.send(text('1', later(1)));
    expect(m.send(text('2', later(2))).effects[0]).toMatchObject({ type: 'finishAttempt', prediction: 2 });
  });
});

describe('answers to a pushed daily question typed as text', () => {
  it('a bare “B” with no question waiting answers today’s question', () => {
    const m = new Member(t, READY);
    expect(m.intent(text('B'))).toBe('answer');
    const r = m.send(text('B'));
    expect(r.effects[0]).toMatchObject({
      type: 'recordAnswer',
      answer: { questionId: todays().questionId, mode: 'daily', choice: orderFor(todays().questionId)[1] },
    });
  });

  it('once today’s question is answered, a bare letter is not an answer', () => {
    const m = new Member(t, { ...READY, streak: { current: 1, best: 1, lastDay: '2023-06-10' } });
    expect(m.intent(text('B'))).toBe('fallback');
  });

  it('a typed number refers to the buttons last shown only for 30 minutes', () => {
    const m = new Member(t, READY);
    m.send(text('trợ giúp'));
    expect(m.intent(text('2', later(10)))).toBe('practice');
    expect(m.intent(text('2', later(45)))).toBe('answer');
  });
});

describe('a contest without the prediction question', () => {
  it('finishes the attempt on the last answer', async () => {
    const { step } = await import('../../../src/conversation/index.js');
    const noPrediction = { ...bot, contest: { ...bot.contest!, prediction: false, questionsPerAttempt: 1 } };
    const ctx = (now: Date, state: unknown) => ({
      now,
      timeZone: 'Asia/Ho_Chi_Minh',
      bot: noPrediction,
      questions,
      units: [],
      participant: READY,
      t,
      memberKey: TEST_KEY,
      newId: () => 'b00000000000000000000001',
      views: { contest: { round: '1', attemptsUsed: 0, standing: null } },
      state,
    });
    const begun = step({}, tap('CONTEST|begin'), ctx(JUNE_10, {}));
    const done = step(begun.state, text('B', later(1)), ctx(later(1), begun.state));
    expect(done.effects.map((e) => e.type)).toEqual(['recordAnswer', 'finishAttempt']);
    expect(done.effects[1]).toMatchObject({ prediction: null, status: 'finished', timeTakenMs: 60_000 });
  });
});
