import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { problem, saidParams } from '../../../src/content/index.js';
import { formatPercent, LOCALES, PERCENT_CELL_FORMAT, percentCellValue } from '../../../src/domain/index.js';
import { sayContentIssue } from '../../../src/http/errors.js';
import { percentCell, toCsv, toXlsx } from '../../../src/http/api/tables.js';
import { createI18n, type Translate } from '../../../src/i18n/index.js';
import { buildWeeklyRecap, recapText } from '../../../src/quiz/index.js';
import { PERCENT_CASES } from '../../fixtures/percent-cases.js';

let t: Translate;
beforeAll(async () => {
  t = (await createI18n('content')).t;
});

/** A member's weekly recap (a chat message) whose unit takes part at `rate`. */
function recapWithRate(rate: number, locale: 'vi' | 'en'): string {
  const recap = buildWeeklyRecap({
    day: '2026-12-10',
    today: '2026-12-14',
    participantId: 'me',
    unitId: 'u1',
    answers: [{ correct: true, topic: 'laws' }],
    streak: { current: 1, best: 1, lastDay: '2026-12-13', freezes: 0, frozenDays: [] },
    weekScores: [{ participantId: 'me', name: 'me', unitId: 'u1', correct: 1, answered: 1, reachedAt: new Date('2026-12-09T02:00:00Z') }],
    weekUnits: [{ unitId: 'u1', name: 'CĐCS Sở Tư pháp', correct: 1, participants: 1, size: 30 }],
    topics: ['laws'],
  });
  return recapText({ ...recap, unit: { ...recap.unit!, participationRate: rate } }, t, locale, (id) => id);
}

describe('one way to write a percentage', () => {
  it.each(PERCENT_CASES)('$rate reads "$vi" in Vietnamese and "$en" in English', (c) => {
    expect(formatPercent(c.rate, 'vi')).toBe(c.vi);
    expect(formatPercent(c.rate, 'en')).toBe(c.en);
  });

  it('an unknown rate is an empty text', () => {
    expect(formatPercent(null, 'vi')).toBe('');
  });

  it('chat writes every case as the formatter does (the weekly recap’s unit rate)', () => {
    for (const c of PERCENT_CASES) {
      expect(recapWithRate(c.rate, 'vi')).toContain(`tỷ lệ tham gia ${c.vi}.`);
      expect(recapWithRate(c.rate, 'en')).toContain(`with ${c.en} taking part`);
    }
  });

  it('a CSV cell is the formatter’s text in the table’s language; an XLSX cell the same number with a percent format', async () => {
    for (const locale of LOCALES) {
      const table = { name: 'units', headers: ['rate'], rows: PERCENT_CASES.map((c) => [percentCell(c.rate)]), locale };
      const [, ...rows] = parse(toCsv(table).replace(/^\ufeff/, '')) as string[][];
      expect(rows.map((r) => r[0])).toEqual(PERCENT_CASES.map((c) => c[locale]));
    }
    expect(toCsv({ name: 'units', headers: ['rate'], rows: [[percentCell(null)]] })).toBe('\ufeffrate\n\n');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx({ name: 'units', headers: ['rate'], rows: PERCENT_CASES.map((c) => [percentCell(c.rate)]) })) as never);
    const ws = wb.worksheets[0]!;
    PERCENT_CASES.forEach((c, i) => {
      const cell = ws.getRow(i + 2).getCell(1);
      expect(cell.value).toBe(percentCellValue(c.rate));
      expect(cell.numFmt).toBe(PERCENT_CELL_FORMAT);
      // The number kept is the percentage the texts show, already rounded to one decimal.
      expect(formatPercent(Number(cell.value), 'en')).toBe(c.en);
      expect(Number(cell.value)).toBe(Math.round(Number(cell.value) * 1000) / 1000);
    });
  });

  it('a content check’s rates are written in the reader’s language, in the page and in the terminal', () => {
    const p = problem('bank_longest', { count: 1, total: 30, share: 1 / 30, max: 0.4 });
    expect(p.message).toContain('(3.3%); at most 40%');
    expect(sayContentIssue(p, t, 'vi')).toContain('(3,3%); tối đa 40%');
    expect(saidParams({ share: 2 / 3, total: 3 }, 'vi')).toEqual({ share: '66,7%', total: 3 });
  });
});
