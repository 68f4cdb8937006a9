import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContentBundle } from '../../../src/content/schema.js';
import {
  awardPrizes,
  bestAttempts,
  formatResults,
  rankCollective,
  rankContest,
  rankingRows,
  resultsView,
  resultsWorkbook,
  type ContestResults,
} from '../../../src/conversation/index.js';
import { formatPercent, PERCENT_CELL_FORMAT } from '../../../src/domain/index.js';
import { toCsv } from '../../../src/http/api/index.js';
import { createI18n, type Translate } from '../../../src/i18n/index.js';

type ContestConfig = NonNullable<ContentBundle['bots'][number]['contest']>;

let t: Translate;
beforeAll(async () => {
  ({ t } = await createI18n(path.resolve(import.meta.dirname, '../../../content')));
});

/** One round, two members: Lan (every answer right, submitted 23:59:30 UTC = 06:59:30 next day in Vietnam) and Minh. */
function sample(): ContestResults {
  const units = [{ unitId: 'so-yte', name: 'Sở Y tế', size: 10 }];
  const contest = {
    id: 'cuoc-thi',
    title: { vi: 'Cuộc thi tìm hiểu', en: 'Knowledge contest' },
    collectiveRanking: ['participationRate', 'averageScore'],
    prizes: { individual: { first: 1, second: 1, third: 0, consolation: 0 }, collective: { first: 1, second: 0, third: 0, consolation: 0 } },
  } as unknown as ContestConfig;
  const entries = [
    {
      attemptId: 'a1',
      participantId: 'p1',
      name: 'Lan',
      unitId: 'so-yte',
      correct: 3,
      questionCount: 3,
      prediction: 1,
      timeTakenMs: 61_000,
      submittedAt: new Date('2026-10-10T23:59:30Z'),
    },
    {
      attemptId: 'a2',
      participantId: 'p2',
      name: 'Minh',
      unitId: null,
      correct: 1,
      questionCount: 3,
      prediction: null,
      timeTakenMs: 90_000,
      submittedAt: new Date('2026-10-11T02:05:00Z'),
    },
  ];
  const { ranking, perfect } = rankContest(entries);
  const collective = rankCollective(bestAttempts(entries), units, contest.collectiveRanking);
  return {
    bot: 'demo',
    contest,
    units,
    rounds: [
      {
        round: '1',
        perfect,
        ranking,
        prizes: awardPrizes(ranking, contest.prizes.individual),
        collective,
        collectivePrizes: awardPrizes(collective, contest.prizes.collective),
      },
    ],
  };
}

describe('contest results report for the terminal', () => {
  it('is in Vietnamese by default, with submission times in Vietnam time', () => {
    const text = formatResults(sample(), t);
    expect(text).toContain('Cuộc thi cuoc-thi (Cuộc thi tìm hiểu) trên chatbot demo');
    expect(text).toContain('Vòng 1: 2 người được xếp hạng, 1 người đúng tất cả các câu');
    expect(text).toContain('1. Lan [Sở Y tế] 3/3  dự đoán 1 (±0)  1 phút 01 giây  11/10/2026 06:59:30');
    expect(text).toContain('Giải nhất (first): Lan [Sở Y tế] hạng 1');
    expect(text).toContain('Giải tập thể:');
    expect(text).not.toContain('2026-10-10T23:59:30');
  });

  it('is in English with --locale en, times still in Vietnam time', () => {
    const text = formatResults(sample(), t, 'en');
    expect(text).toContain('Contest cuoc-thi (Knowledge contest) on bot demo');
    expect(text).toContain('Round 1: 2 participants ranked, 1 with every answer right');
    expect(text).toContain('2. Minh [—] 1/3  prediction —  1 min 30 s  11/10/2026 09:05:00');
    expect(text).toContain('First prize (first): Lan [Sở Y tế] #1');
    expect(text).toContain('Collective prizes:');
  });
});

describe('contest results workbook', () => {
  it('has Vietnamese sheet names, headers and prize names, and times in Vietnam time', async () => {
    const wb = await resultsWorkbook(sample(), t);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Giải thưởng', 'Vòng 1 cá nhân', 'Vòng 1 tập thể']);
    const ranking = wb.getWorksheet('Vòng 1 cá nhân')!;
    expect(ranking.getRow(1).values).toEqual([
      undefined,
      'Hạng',
      'Tên',
      'Đơn vị',
      'Số câu đúng',
      'Số câu',
      'Dự đoán',
      'Sai lệch dự đoán',
      'Thời gian làm bài',
      'Nộp bài lúc (giờ Việt Nam)',
      'Giải',
    ]);
    expect(ranking.getRow(2).getCell(8).value).toBe('1 phút 01 giây');
    expect(ranking.getRow(2).getCell(10).value).toBe('Giải nhất');
    expect(ranking.getRow(2).getCell(9).value).toBe('11/10/2026 06:59:30');
    const prizes = wb.getWorksheet('Giải thưởng')!;
    expect(prizes.getRow(2).getCell(2).value).toBe('Cá nhân');
    expect(prizes.getRow(2).getCell(3).value).toBe('Giải nhất');
    expect(wb.getWorksheet('Vòng 1 tập thể')!.getRow(1).getCell(7).value).toBe('Tổng câu đúng');
    // The participation rate stays a number with a percent format; it is the percentage the page and CLI write.
    const rate = wb.getWorksheet('Vòng 1 tập thể')!.getRow(2).getCell(5);
    expect(rate.numFmt).toBe(PERCENT_CELL_FORMAT);
    const shown = resultsView(sample(), t, 'vi').rounds[0]!.collective[0]!.rate;
    expect(shown).toMatch(/^\d+(,\d)?%$/);
    expect(formatPercent(Number(rate.value), 'vi')).toBe(shown);
  });

  it('is all in English when asked, with the same Vietnam times', async () => {
    const wb = await resultsWorkbook(sample(), t, 'en');
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Prizes', 'Round 1 individual', 'Round 1 units']);
    const ranking = wb.getWorksheet('Round 1 individual')!;
    expect(ranking.getRow(1).getCell(9).value).toBe('Submitted at (Vietnam time)');
    expect(ranking.getRow(3).getCell(9).value).toBe('11/10/2026 09:05:00');
    const prizes = wb.getWorksheet('Prizes')!;
    expect(prizes.getRow(2).getCell(3).value).toBe('First prize');
    expect(prizes.getRow(4).getCell(2).value).toBe('Collective');
  });
});

describe('a member-chosen name that looks like a formula', () => {
  const formula = "=cmd|' /C calc'!A0";
  const withFormula = (): ContestResults => {
    const r = sample();
    const entry = r.rounds[0]!.ranking[0]!;
    (entry as { name: string }).name = formula;
    return r;
  };

  it('is one apostrophe from a formula in the workbook', async () => {
    const wb = await resultsWorkbook(withFormula(), t);
    expect(wb.getWorksheet('Vòng 1 cá nhân')!.getRow(2).getCell(2).value).toBe(`'${formula}`);
  });

  it('is one apostrophe from a formula in the CSV download too (its writer guards the cells; the rows stay as said)', () => {
    const round = resultsView(withFormula(), t).rounds[0]!;
    const rows = rankingRows(round);
    expect(rows[0]!.name).toBe(formula);
    const csv = toCsv({ name: 'results', headers: ['name'], rows: rows.map((r) => [r.name!]) });
    expect(csv).toContain(`\n'${formula}\n`);
    expect(csv).not.toContain(`''=`);
  });
});
