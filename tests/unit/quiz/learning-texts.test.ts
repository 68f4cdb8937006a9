import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type Translate } from '../../../src/i18n/index.js';
import {
  advanceProtectedStreak,
  durationText,
  freezesHeldText,
  mistakesText,
  practiceSummaryText,
  reviewMistakes,
  setProgressText,
  streakNoticeText,
  type ReviewableQuestion,
} from '../../../src/quiz/index.js';

let t: Translate;
beforeAll(async () => {
  t = (await createI18n('content')).t;
});

const question: ReviewableQuestion = {
  questionId: 'nat-001',
  answer: 1,
  vi: {
    question: 'Ngày Chuyển đổi số quốc gia là ngày nào?',
    options: ['28/8', '10/10', '1/7', '22/12'],
    explanation: 'Quyết định 505/QĐ-TTg chọn ngày 10/10 hằng năm.',
  },
  en: {
    question: 'When is National Digital Transformation Day?',
    options: ['28 Aug', '10 Oct', '1 Jul', '22 Dec'],
    explanation: 'Decision 505/QĐ-TTg chose 10 October.',
  },
  facts: ['N09'],
};

describe('what members read about sets, reviews and streaks', () => {
  it('progress and summary', () => {
    expect(setProgressText({ number: 4, of: 10 }, t, 'vi')).toBe('Câu 4/10');
    expect(setProgressText({ number: 4, of: 10 }, t, 'en')).toBe('Question 4/10');
    const summary = {
      correct: 7,
      answered: 10,
      total: 10,
      durationMs: 270_400,
      reviewTopics: [
        { topic: 'laws', wrong: 2, answered: 4 },
        { topic: 'online-safety', wrong: 1, answered: 3 },
      ],
    };
    const names: Record<string, string> = { laws: 'Pháp luật', 'online-safety': 'An toàn trên mạng' };
    expect(practiceSummaryText(summary, (x) => names[x]!, t, 'vi')).toBe(
      '🏁 Hoàn thành! Bạn trả lời đúng 7/10 câu trong 4 phút 30 giây.\n📚 Nên ôn thêm: Pháp luật, An toàn trên mạng.',
    );
    expect(practiceSummaryText({ ...summary, correct: 10, reviewTopics: [] }, (x) => x, t, 'en')).toContain('🌟 Not a single mistake!');
    expect(durationText(42_000, t, 'vi')).toBe('42 giây');
  });

  it('the review names the right option by its text and cites the document, never a fact id', () => {
    const { mistakes } = reviewMistakes([{ questionId: 'nat-001', choice: 0, correct: false }], new Map([['nat-001', question]]), 'vi');
    const text = mistakesText(mistakes, () => 'Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ', t, 'vi');
    expect(text).toBe(
      [
        '🔎 Xem lại 1 câu sai:',
        '',
        'Câu 1: Ngày Chuyển đổi số quốc gia là ngày nào?',
        '❌ Bạn chọn A. 28/8',
        '✅ Đáp án đúng: B. 10/10',
        'Quyết định 505/QĐ-TTg chọn ngày 10/10 hằng năm.',
        'Nguồn: Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ',
      ].join('\n'),
    );
    expect(text).not.toContain('N09');
    expect(mistakesText([], () => null, t, 'en')).toBe('🌟 You did not get any question wrong.');
  });

  it('tells the member when a freeze was used or earned, and nothing otherwise', () => {
    const week = { current: 7, best: 7, lastDay: '2026-11-07', freezes: 1, frozenDays: [] };
    expect(streakNoticeText(advanceProtectedStreak(week, '2026-11-09'), t, 'vi')).toBe(
      '🧊 Bạn đã bỏ lỡ 8/11/2026: chuỗi ngày được giữ nhờ 1 lượt bảo vệ chuỗi.',
    );
    expect(streakNoticeText(advanceProtectedStreak(week, '2026-11-09'), t, 'en')).toBe(
      '🧊 You missed 8 November 2026: a streak freeze kept your streak going.',
    );
    expect(streakNoticeText(advanceProtectedStreak({ ...week, current: 6, freezes: 0 }, '2026-11-08'), t, 'vi')).toContain(
      'nhận được 1 lượt bảo vệ chuỗi (đang có 1/2)',
    );
    expect(streakNoticeText(advanceProtectedStreak(week, '2026-11-08'), t, 'vi')).toBeNull();
    expect(freezesHeldText(2, t, 'vi')).toBe('🧊 Lượt bảo vệ chuỗi: 2/2');
  });
});
