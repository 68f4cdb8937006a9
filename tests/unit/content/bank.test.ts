import { describe, expect, it } from 'vitest';
import { botAsks, botSchema, echoGiveaway, echoTokens, familyOf, guessingBaselines } from '../../../src/content/index.js';

type Q = { question: string; options: string[]; answer: 'A' | 'B' | 'C' | 'D'; en?: { question: string; options: string[] } };
const q = (question: string, options: string[], answer: Q['answer']): Q => ({ question, options, answer });

describe('question echo', () => {
  it('finds the years, document symbols and places a question names', () => {
    expect(echoTokens('Năm 2023, Quyết định 749/QĐ-TTg của tỉnh Bà Rịa – Vũng Tàu và Nghị quyết 52-NQ/TW?').sort()).toEqual(
      ['place:ba ria vung tau', 'place:vung tau', 'sym:52 nq tw', 'sym:749 qd ttg', 'year:2023'].sort(),
    );
    // A date is not a symbol, but its year is a year; a symbol's year is part of the symbol.
    expect(echoTokens('Luật 20/2023/QH15 có hiệu lực ngày 01/7/2024?').sort()).toEqual(['sym:20 2023 qh15', 'year:2024']);
  });

  it('flags only the right option repeating the question, in Vietnamese or English', () => {
    expect(echoGiveaway(q('Năm 2023, cuộc thi kết thúc ngày nào?', ['15/9/2023', '01/6/2024', '10/10/2022'], 'A'))).toBe('2023');
    // Two options repeat the year: no give-away.
    expect(echoGiveaway(q('Năm 2023, cuộc thi kết thúc ngày nào?', ['15/9/2023', '01/6/2023', '10/10/2022'], 'A'))).toBeUndefined();
    // Only a wrong option repeats it: a trap, not a give-away.
    expect(echoGiveaway(q('Năm 2023, cuộc thi kết thúc ngày nào?', ['15/9/2022', '01/6/2023'], 'A'))).toBeUndefined();
    const en = { ...q('Tỉnh nào?', ['Lâm Đồng', 'Gia Lai'], 'A'), en: { question: 'Which province merged with Lam Dong?', options: ['Lam Dong region', 'Gia Lai'] } };
    expect(echoGiveaway(en)).toBe('lam dong');
  });
});

describe('option families', () => {
  it('knows a negation or "only" from nouns that start the same way', () => {
    expect(familyOf('Không, vì cấp huyện đã kết thúc')).toBe('Không…');
    expect(familyOf('Không gian mạng')).toBeUndefined();
    expect(familyOf('Chỉ cơ quan nhà nước')).toBe('Chỉ…');
    expect(familyOf('Chỉ thị 02/CT-TTg')).toBeUndefined();
    expect(familyOf('Chỉ số IDI')).toBeUndefined();
    expect(familyOf('Tất cả các ý trên')).toBe('Tất cả…');
  });
});

describe('guessing baselines', () => {
  it('scores chance, the last option, the longest option (ties split) and the echo guesser', () => {
    const bank = [
      q('Câu một?', ['ngắn', 'dài hơn nhiều', 'vừa', 'x'], 'B'), // right is longest
      q('Câu hai?', ['aa', 'bb', 'cc', 'dd'], 'D'), // right is last; four-way tie for longest
      q('Câu ba, năm 2020?', ['năm 2020', 'năm 2021', 'khác'], 'C'), // only a wrong option echoes
    ];
    const b = guessingBaselines(bank);
    expect(b.questions).toBe(3);
    expect(b.chance).toBeCloseTo((1 / 4 + 1 / 4 + 1 / 3) / 3);
    expect(b.lastOption).toBeCloseTo(2 / 3);
    expect(b.longestOption).toBeCloseTo((1 + 1 / 4 + 0) / 3);
    expect(b.longestRight).toBeCloseTo(1 / 3);
    expect(b.echoApplicable).toBe(1);
    expect(b.echo).toBeCloseTo((1 / 4 + 1 / 4 + 0) / 3);
    expect(b.positions).toEqual([
      { optionCount: 3, questions: 1, right: [0, 0, 1] },
      { optionCount: 4, questions: 2, right: [0, 1, 0, 1] },
    ]);
  });
});

describe('which bot asks a question', () => {
  const bot = (extra: Record<string, unknown>) =>
    botSchema.parse({ id: 'b', name: { vi: 'B' }, organisation: { vi: 'B' }, dailyQuestion: { cron: '0 8 * * *' }, topics: ['laws'], units: 'x', ...extra });
  const general = { topic: 'laws', tags: [] };
  const quangTri = { topic: 'laws', tags: [], province: 'quang-tri' };
  it('a province question goes to its own province and to allProvinces bots only', () => {
    expect(botAsks(bot({ province: 'quang-tri' }), quangTri)).toBe(true);
    expect(botAsks(bot({ province: 'bac-kan' }), quangTri)).toBe(false);
    expect(botAsks(bot({}), quangTri)).toBe(false);
    expect(botAsks(bot({ allProvinces: true }), quangTri)).toBe(true);
    expect(botAsks(bot({ province: 'bac-kan' }), general)).toBe(true);
    expect(botAsks(bot({ province: 'bac-kan' }), { ...general, topic: 'other' })).toBe(false);
  });
});
