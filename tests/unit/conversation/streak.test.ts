import { beforeAll, describe, expect, it } from 'vitest';
import type { Effect } from '../../../src/conversation/index.js';
import type { Translate } from '../../../src/i18n/index.js';
import { pickDaily } from '../../../src/quiz/index.js';
import { JUNE_10, Member, READY, bot, letterFor, loadT, questions, text } from './harness.js';

/** Streak protection in grading and in “Điểm của tôi” (issue 19 item 3). */

let t: Translate;
beforeAll(async () => {
  t = await loadT();
});

const todays = () => pickDaily(bot.id, '2023-06-10', questions)!;
const rightLetter = () => letterFor(todays().questionId, todays().answer);
type Recorded = Extract<Effect, { type: 'recordAnswer' }>;
const streakOf = (effects: Effect[]) => effects.find((e): e is Recorded => e.type === 'recordAnswer')?.streak;

describe('streak freezes', () => {
  it('a missed day uses one freeze, once, and the member is told; the streak goes on', () => {
    const m = new Member(t, { ...READY, streak: { current: 7, best: 7, lastDay: '2023-06-08', freezes: 1, frozenDays: [] } });
    m.send(text('câu hỏi hôm nay'));
    const r = m.send(text(rightLetter()));
    expect(r.all).toContain('🧊 Bạn đã bỏ lỡ 9/6/2023: chuỗi ngày được giữ nhờ 1 lượt bảo vệ chuỗi.');
    expect(r.all).toContain('Chuỗi 8 ngày');
    expect(streakOf(r.effects)).toEqual({ current: 8, best: 8, lastDay: '2023-06-10', freezes: 0, frozenDays: ['2023-06-09'] });
    // Answering again the same day changes nothing: the freeze is not used twice.
    const again = m.send(text(rightLetter()));
    expect(again.effects.filter((e) => e.type === 'recordAnswer')).toEqual([]);
    expect(m.facts.streak).toMatchObject({ freezes: 0, frozenDays: ['2023-06-09'] });
  });

  it('the seventh day earns a freeze and says so; without a freeze a missed day breaks the streak', () => {
    const earner = new Member(t, { ...READY, streak: { current: 6, best: 6, lastDay: '2023-06-09' } });
    earner.send(text('câu hỏi hôm nay'));
    const r = earner.send(text(rightLetter()));
    expect(r.all).toContain('Bạn nhận được 1 lượt bảo vệ chuỗi (đang có 1/2)');
    expect(streakOf(r.effects)).toMatchObject({ current: 7, freezes: 1 });

    const broken = new Member(t, { ...READY, streak: { current: 5, best: 5, lastDay: '2023-06-08', freezes: 0, frozenDays: [] } });
    broken.send(text('câu hỏi hôm nay'));
    const b = broken.send(text(rightLetter()));
    expect(b.all).not.toContain('🧊');
    expect(streakOf(b.effects)).toMatchObject({ current: 1, best: 5 });
  });

  it('“Điểm của tôi” shows the streak kept alive by a freeze and the freezes held', () => {
    const m = new Member(t, { ...READY, streak: { current: 9, best: 9, lastDay: '2023-06-08', freezes: 2, frozenDays: [] } });
    m.views = { score: { rank: 1, of: 3 } };
    const r = m.send(text('điểm của tôi', JUNE_10));
    expect(r.all).toContain('9 ngày');
    expect(r.all).toContain('🧊 Lượt bảo vệ chuỗi: 2/2');
  });
});
