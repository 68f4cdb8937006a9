import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadAndCheckContent, formatProblem } from '../../../src/content/index.js';
import { exportQuestions, importQuestions, QUESTION_COLUMNS } from '../../../src/content/io/questions.js';
import { exportUnits, importUnits } from '../../../src/content/io/units.js';
import { cellText, readTable } from '../../../src/content/io/table.js';
import { fixtureTree, treePaths } from './fixture-tree.js';

/** Every file under a directory with its text, to prove that nothing was written. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, file)] = fs.readFileSync(file, 'utf8');
    }
  }
  return out;
}

/** A workbook saved the way a spreadsheet program does: typed cells, a number for difficulty, rich text. */
async function spreadsheet(file: string, rows: Array<Partial<Record<(typeof QUESTION_COLUMNS)[number], ExcelJS.CellValue>>>) {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'LibreOffice';
  const ws = wb.addWorksheet('Câu hỏi');
  ws.addRow(QUESTION_COLUMNS.map((c) => (c === 'id' ? 'ID' : ` ${c} `)));
  for (const r of rows) ws.addRow(QUESTION_COLUMNS.map((c) => r[c] ?? null));
  await wb.xlsx.writeFile(file);
}

const newQuestion = {
  id: 'gamma-001',
  topic: 'gamma',
  difficulty: 2,
  question: { richText: [{ text: 'Luật Dữ liệu số ' }, { font: { bold: true }, text: '60/2024/QH15' }, { text: ' có hiệu lực từ ngày nào?' }] },
  option_a: '01/7/2025',
  option_b: '01/01/1990',
  option_c: '31/12/1999',
  answer: 'a',
  explanation: 'Luật Dữ liệu số 60/2024/QH15 có hiệu lực từ ngày 01/7/2025.',
  facts: 'L01, N09',
  tags: 'luat, du-lieu',
  question_en: 'When did the Law on Data No. 60/2024/QH15 take effect?',
  option_a_en: '1 July 2025',
  option_b_en: '1 January 1990',
  option_c_en: '31 December 1999',
  explanation_en: 'The Law on Data No. 60/2024/QH15 took effect on 1 July 2025.',
  status: 'Published',
  author: 'Nhóm nội dung A',
  written_at: '2026-12-01',
  reviewer: 'Nhóm nội dung B',
  reviewed_at: '2026-12-02',
} satisfies Parameters<typeof spreadsheet>[1][number];

describe('questions import and export', () => {
  for (const ext of ['csv', 'xlsx']) {
    it(`a ${ext.toUpperCase()} export imports back without changing any question`, async () => {
      const dir = fixtureTree();
      const paths = treePaths(dir);
      const before = loadAndCheckContent(paths).loaded.bundle.questions;
      const file = path.join(dir, `export.${ext}`);
      expect(await exportQuestions(file, paths)).toEqual({ count: 10, problems: [] });
      const table = await readTable(file);
      expect(table.headers).toEqual([...QUESTION_COLUMNS]);
      expect(table.rows[0]?.cells.difficulty).toBe('1');

      const result = await importQuestions(file, paths);
      expect(result).toMatchObject({ ok: true, created: 0, updated: 10 });
      const after = loadAndCheckContent(paths);
      expect(after.problems).toEqual([]);
      expect(after.loaded.bundle.questions).toEqual(before);
    });
  }

  it('an XLSX saved by a spreadsheet program adds a new topic file and updates a question where it is', async () => {
    const dir = fixtureTree();
    const paths = treePaths(dir);
    const file = path.join(dir, 'new.xlsx');
    await spreadsheet(file, [
      newQuestion,
      {
        id: 'beta-001',
        topic: 'beta',
        difficulty: 1,
        question: 'Luật Giao dịch điện tử số 20/2023/QH15 bắt đầu có hiệu lực khi nào?',
        option_a: '01/7/2024',
        option_b: '01/01/2000',
        answer: 'A',
        explanation: 'Luật Giao dịch điện tử số 20/2023/QH15 có hiệu lực từ 01/7/2024.',
        facts: 'L01',
        question_en: 'When did the Law on Electronic Transactions No. 20/2023/QH15 take effect?',
        option_a_en: '1 July 2024',
        option_b_en: '1 January 2000',
        explanation_en: 'The Law on Electronic Transactions No. 20/2023/QH15 took effect on 1 July 2024.',
        status: 'draft',
        author: 'Nhóm nội dung A',
        written_at: '2026-12-01',
      },
    ]);
    const result = await importQuestions(file, paths);
    expect(result).toEqual({
      ok: true,
      problems: [],
      created: 1,
      updated: 1,
      files: [path.join(dir, 'content/questions/beta.yaml'), path.join(dir, 'content/questions/gamma.yaml')],
    });
    const { loaded, problems } = loadAndCheckContent(paths);
    expect(problems.map(formatProblem)).toEqual([]);
    const gamma = loaded.bundle.questions.find((q) => q.id === 'gamma-001');
    expect(gamma).toEqual({
      id: 'gamma-001',
      topic: 'gamma',
      difficulty: 2,
      question: 'Luật Dữ liệu số 60/2024/QH15 có hiệu lực từ ngày nào?',
      options: ['01/7/2025', '01/01/1990', '31/12/1999'],
      answer: 'A',
      explanation: 'Luật Dữ liệu số 60/2024/QH15 có hiệu lực từ ngày 01/7/2025.',
      facts: ['L01', 'N09'],
      tags: ['luat', 'du-lieu'],
      en: {
        question: 'When did the Law on Data No. 60/2024/QH15 take effect?',
        options: ['1 July 2025', '1 January 1990', '31 December 1999'],
        explanation: 'The Law on Data No. 60/2024/QH15 took effect on 1 July 2025.',
      },
      review: { author: 'Nhóm nội dung A', writtenAt: '2026-12-01', reviewer: 'Nhóm nội dung B', reviewedAt: '2026-12-02' },
      status: 'published',
    });
    expect(loaded.bundle.questions.find((q) => q.id === 'beta-001')).toMatchObject({ status: 'draft', review: { author: 'Nhóm nội dung A' } });
    const beta = fs.readFileSync(path.join(dir, 'content/questions/beta.yaml'), 'utf8');
    expect(beta.indexOf('id: beta-001')).toBeLessThan(beta.indexOf('id: beta-002'));
    expect(beta).toContain('bắt đầu có hiệu lực khi nào?');
  });

  it('reports each bad row by row number and column and writes nothing', async () => {
    const dir = fixtureTree();
    const paths = treePaths(dir);
    const before = snapshot(path.join(dir, 'content'));
    const file = path.join(dir, 'bad.xlsx');
    await spreadsheet(file, [
      newQuestion,
      { ...newQuestion, id: 'gamma-002', question: 'Câu hỏi có đáp án E thì sao nhỉ?', answer: 'E' },
      { ...newQuestion, id: 'gamma-003', question: 'Câu hỏi không có giải thích thì sao?', explanation: null, difficulty: 'khó' },
      { ...newQuestion, id: 'gamma-004', question: 'Câu hỏi bỏ trống phương án C thì sao?', option_c: null, option_d: 'Bốn' },
      { ...newQuestion, id: 'gamma-005', question: 'Câu hỏi có đáp án D mà chỉ ba phương án?', answer: 'D' },
      { ...newQuestion, id: 'gamma-006', question: 'nghị định 13/2023/NĐ-CP nói về nội dung gì' },
    ]);
    const result = await importQuestions(file, paths);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      'row 3, column answer: Invalid option: expected one of "A"|"B"|"C"|"D"',
      'row 4, column difficulty: must be 1 (easy), 2 or 3 (hard)',
      'row 4, column explanation: required, the cell is empty',
      'row 5, column option_c: empty, but a later option is filled; options must be consecutive from option_a',
    ]);
    expect(snapshot(path.join(dir, 'content'))).toEqual(before);

    // Once every row is well formed, the cross-checks run on the merged bank.
    await spreadsheet(file, [
      newQuestion,
      { ...newQuestion, id: 'gamma-005', question: 'Câu hỏi có đáp án D mà chỉ ba phương án?', answer: 'D' },
      { ...newQuestion, id: 'gamma-006', question: 'nghị định 13/2023/NĐ-CP nói về nội dung gì' },
      { ...newQuestion, id: 'gamma-007', question: 'Câu hỏi dẫn một dữ kiện không có thì sao?', facts: 'L01, X99', reviewer: 'nhóm nội dung a' },
    ]);
    const cross = await importQuestions(file, paths);
    expect(cross.problems).toEqual([
      'row 3, column answer: question "gamma-005": answer D but there are only 3 options (A, B, C)',
      'row 4, column question: question "gamma-006" has the same text as question "beta-002" (content/questions/beta.yaml:19:5)',
      'row 5, column facts: question "gamma-007": unknown fact "X99" (no content/facts file has this id)',
      'row 5, column reviewer: question "gamma-007" is published: the reviewer must be someone other than the author',
    ]);
    expect(snapshot(path.join(dir, 'content'))).toEqual(before);
  });

  it('a file that is not a workbook, or of another type, is refused with a clear message', async () => {
    const dir = fixtureTree();
    const fake = path.join(dir, 'questions.xlsx');
    fs.writeFileSync(fake, 'id,topic\nthis is really a CSV file\n');
    await expect(importQuestions(fake, treePaths(dir))).rejects.toThrow('The file was not imported: not an XLSX workbook (no zip directory)');
    await expect(importQuestions(path.join(dir, 'questions.ods'), treePaths(dir))).rejects.toThrow('unsupported file type ".ods", use .csv or .xlsx');
  });

  it('a CSV without the required columns is refused', async () => {
    const dir = fixtureTree();
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'id;topic;question;explaination\nx-1;alpha;Một câu hỏi thử nghiệm?;Giải thích\n');
    const result = await importQuestions(file, treePaths(dir));
    expect(result.problems).toEqual([
      'row 1, column difficulty: required column is missing from the header row',
      'row 1, column option_a: required column is missing from the header row',
      'row 1, column option_b: required column is missing from the header row',
      'row 1, column answer: required column is missing from the header row',
      'row 1, column explanation: required column is missing from the header row',
      'row 1, column facts: required column is missing from the header row',
      'row 1, column question_en: required column is missing from the header row',
      'row 1, column option_a_en: required column is missing from the header row',
      'row 1, column option_b_en: required column is missing from the header row',
      'row 1, column explanation_en: required column is missing from the header row',
      'row 1, column status: required column is missing from the header row',
      'row 1, column author: required column is missing from the header row',
      'row 1, column written_at: required column is missing from the header row',
      `row 1, column explaination: unknown column; the columns are ${QUESTION_COLUMNS.join(', ')}`,
    ]);
  });
});

describe('spreadsheet cells', () => {
  it('reads every cell type as the text a person sees, dates in their own format', () => {
    const july = new Date(Date.UTC(2024, 6, 1));
    expect(cellText(july, 'd/m/yyyy')).toBe('1/7/2024');
    expect(cellText(july, '[$-42A]dd/mm/yyyy;@')).toBe('01/07/2024');
    expect(cellText(july)).toBe('01/07/2024');
    expect(cellText(3)).toBe('3');
    expect(cellText({ richText: [{ text: 'Luật ' }, { text: 'Dữ liệu' }] })).toBe('Luật Dữ liệu');
    expect(cellText({ formula: 'A1+1', result: 2 })).toBe('2');
    expect(cellText({ text: 'dichvucong.gov.vn', hyperlink: 'https://dichvucong.gov.vn' })).toBe('dichvucong.gov.vn');
    expect(cellText(null)).toBe('');
  });
});

describe('units import and export', () => {
  it('imports a real list over the example list from a semicolon CSV and exports it as XLSX', async () => {
    const dir = fixtureTree();
    const paths = treePaths(dir);
    const csv = path.join(dir, 'units.csv');
    fs.writeFileSync(csv, '\uFEFFid;name;size;parent\ncd-tinh;Công đoàn tỉnh;;\ncdcs-a;CĐCS Trường A;35;cd-tinh\ncdcs-b;CĐCS Trường B;;cd-tinh\n');
    const result = await importUnits(csv, paths, { listId: 'example', label: 'Danh sách CĐCS 2026' });
    expect(result).toMatchObject({ ok: true, units: 3, file: path.join(dir, 'content/units/example.yaml') });
    const { loaded, problems } = loadAndCheckContent(paths);
    expect(problems).toEqual([]);
    expect(loaded.bundle.unitLists[0]).toEqual({
      id: 'example',
      label: 'Danh sách CĐCS 2026',
      example: false,
      units: [
        { id: 'cd-tinh', name: 'Công đoàn tỉnh' },
        { id: 'cdcs-a', name: 'CĐCS Trường A', size: 35, parent: 'cd-tinh' },
        { id: 'cdcs-b', name: 'CĐCS Trường B', parent: 'cd-tinh' },
      ],
    });

    const xlsx = path.join(dir, 'units.xlsx');
    expect(await exportUnits(xlsx, paths, 'example')).toEqual({ count: 3 });
    const table = await readTable(xlsx);
    expect(table.rows.map((r) => r.cells)).toEqual([
      { id: 'cd-tinh', name: 'Công đoàn tỉnh', size: '', parent: '' },
      { id: 'cdcs-a', name: 'CĐCS Trường A', size: '35', parent: 'cd-tinh' },
      { id: 'cdcs-b', name: 'CĐCS Trường B', size: '', parent: 'cd-tinh' },
    ]);
  });

  it('reports bad unit rows by row and column and writes nothing', async () => {
    const dir = fixtureTree();
    const paths = treePaths(dir);
    const before = snapshot(path.join(dir, 'content'));
    const csv = path.join(dir, 'units.csv');
    fs.writeFileSync(csv, 'id,name,size,parent\ncdcs-a,CĐCS Trường A,ba mươi,\nCDCS B,CĐCS Trường B,,\n');
    const bad = await importUnits(csv, paths, { listId: 'example' });
    expect(bad.problems).toEqual([
      'row 2, column size: Invalid input: expected number, received string',
      'row 3, column id: must be lower-case letters, digits and dashes, e.g. "quang-tri-2023"',
    ]);
    fs.writeFileSync(csv, 'id,name,size,parent\ncdcs-a,CĐCS Trường A,30,\ncdcs-a,CĐCS Trường A lần hai,,\ncdcs-c,CĐCS Trường C,,khong-co\n');
    const cross = await importUnits(csv, paths, { listId: 'example' });
    expect(cross.problems).toEqual([
      'row 3, column id: unit list "example": duplicate unit id "cdcs-a" (first at row 2)',
      'row 4, column parent: unit list "example": unit "cdcs-c" has parent "khong-co", which is not a unit of this list',
    ]);
    expect(snapshot(path.join(dir, 'content'))).toEqual(before);
  });
});
