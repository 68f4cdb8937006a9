import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type Translate } from '../../../src/i18n/index.js';
import { buildWeeklyRecap, rankScores, rankUnits, recapText, suggestTopic, type RecapInput, type ScoreRow } from '../../../src/quiz/index.js';

let t: Translate;
beforeAll(async () => {
  t = (await createI18n('content')).t;
});

const row = (participantId: string, correct: number, answered: number, unitId: string, at: string): ScoreRow => ({
  participantId,
  name: participantId,
  unitId,
  correct,
  answered,
  reachedAt: new Date(at),
});
const weekScores = [
  row('p1', 5, 7, 'u1', '2026-12-09T02:00:00Z'),
  row('me', 5, 6, 'u2', '2026-12-10T02:00:00Z'),
  row('p3', 6, 7, 'u2', '2026-12-08T02:00:00Z'),
  row('p4', 2, 7, 'u1', '2026-12-08T02:00:00Z'),
];
const weekUnits = [
  { unitId: 'u1', name: 'CĐCS Sở Tư pháp', correct: 7, participants: 2, size: 40 },
  { unitId: 'u2', name: 'CĐCS Trường THPT Lê Lợi', correct: 11, participants: 2, size: 25 },
  { unitId: 'u3', name: 'CĐCS Bệnh viện', correct: 3, participants: 1, size: null },
];
const input: RecapInput = {
  day: '2026-12-10',
  today: '2026-12-14',
  participantId: 'me',
  unitId: 'u1',
  answers: [
    { correct: true, topic: 'laws' },
    { correct: false, topic: 'laws' },
    { correct: false, topic: 'online-safety' },
    { correct: false, topic: 'online-safety' },
    { correct: true, topic: 'online-safety' },
    { correct: true, topic: null },
  ],
  streak: { current: 9, best: 12, lastDay: '2026-12-13', freezes: 1, frozenDays: [] },
  weekScores,
  weekUnits,
  topics: ['laws', 'online-safety', 'digital-skills'],
};

describe('weekly recap', () => {
  it('builds the figures of one member for one week', () => {
    expect(buildWeeklyRecap(input)).toEqual({
      weekStart: '2026-12-07',
      weekEnd: '2026-12-13',
      answers: 6,
      correct: 3,
      accuracy: 0.5,
      streak: 9,
      rank: { rank: 3, of: 4 },
      unit: { unitId: 'u1', name: 'CĐCS Sở Tư pháp', rank: 2, of: 3, participationRate: 0.05 },
      suggestedTopic: 'online-safety',
    });
  });

  it('ranks exactly as the weekly leaderboards do (one function for one figure)', () => {
    const recap = buildWeeklyRecap(input);
    expect(recap.rank!.rank).toBe(rankScores(weekScores).find((r) => r.participantId === 'me')!.rank);
    const unit = rankUnits(weekUnits).find((u) => u.unitId === 'u1')!;
    expect([recap.unit!.rank, recap.unit!.participationRate]).toEqual([unit.rank, unit.participationRate]);
  });

  it('a quiet week: no answers, not ranked, no unit; the suggestion is the least answered topic', () => {
    const recap = buildWeeklyRecap({
      ...input,
      answers: [],
      weekScores: weekScores.filter((r) => r.participantId !== 'me'),
      unitId: null,
      today: '2026-12-20',
    });
    expect(recap).toMatchObject({ answers: 0, accuracy: null, rank: null, unit: null, streak: 0, suggestedTopic: 'laws' });
  });

  it.each([
    [
      'most wrong answers wins',
      [
        { correct: false, topic: 'b' },
        { correct: false, topic: 'b' },
        { correct: false, topic: 'a' },
      ],
      'b',
    ],
    [
      'equal wrong: the lower accuracy',
      [
        { correct: false, topic: 'a' },
        { correct: true, topic: 'a' },
        { correct: false, topic: 'b' },
      ],
      'b',
    ],
    [
      'equal everything: the bot’s order',
      [
        { correct: false, topic: 'c' },
        { correct: false, topic: 'a' },
      ],
      'a',
    ],
    [
      'nothing wrong: the topic answered least',
      [
        { correct: true, topic: 'a' },
        { correct: true, topic: 'c' },
      ],
      'b',
    ],
  ] as const)('suggested topic: %s', (_name, answers, expected) => {
    expect(suggestTopic(answers, ['a', 'b', 'c'])).toBe(expected);
  });

  it('reads as one message in Vietnamese and in English, with the topic’s name', () => {
    const recap = buildWeeklyRecap(input);
    const topicName = (id: string) => (id === 'online-safety' ? 'An toàn trên mạng' : id);
    expect(recapText(recap, t, 'vi', topicName)).toBe(
      [
        '📅 Tổng kết tuần 07/12/2026 – 13/12/2026',
        '✍️ Bạn đã trả lời 6 câu, đúng 3 câu (50%).',
        '🔥 Chuỗi ngày: 9 ngày.',
        '🏅 Hạng tuần của bạn: 3/4.',
        '🏢 CĐCS Sở Tư pháp xếp hạng 2/3 đơn vị, tỷ lệ tham gia 5%.',
        '💡 Gợi ý tuần tới: luyện tập chủ đề “An toàn trên mạng”.',
        'Không muốn nhận tổng kết tuần? Gõ “Dừng tổng kết”.',
      ].join('\n'),
    );
    const en = recapText({ ...recap, answers: 1, correct: 1, accuracy: 1, streak: 1 }, t, 'en', () => 'Online safety');
    expect(en).toContain('✍️ You answered 1 question, 1 right (100%).');
    expect(en).toContain('🔥 Streak: 1 day.');
    // The rate reads as in chat's leaderboard and on the dashboard: formatPercent, "3,3%" in Vietnamese.
    const third = recapText({ ...recap, unit: { ...recap.unit!, participationRate: 1 / 30 } }, t, 'vi', topicName);
    expect(third).toContain('tỷ lệ tham gia 3,3%.');
    expect(en).not.toMatch(/learning:|\{\{/);
  });
});
