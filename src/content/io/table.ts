import fs from 'node:fs';
import path from 'node:path';
import { stringify as stringifyCsv } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { fromSpreadsheetText, spreadsheetText } from '../../domain/index.js';
import { checkRowCount, checkXlsxSize, csvText, parseCsvRecords, unreadable } from './guard.js';

/**
 * Spreadsheets in and out: CSV (comma or semicolon, UTF-8 with or without BOM) and XLSX (the first
 * worksheet). Rows come back as text keyed by lower-case header, with the spreadsheet row number
 * (the header is row 1), whatever the cell type was: numbers, rich text, formulas, hyperlinks.
 */

export type TableFormat = 'csv' | 'xlsx';

export interface TableRow {
  /** Spreadsheet row number: the header is row 1, the first data row 2. */
  readonly row: number;
  readonly cells: Readonly<Record<string, string>>;
}

export interface Table {
  /** Header names, trimmed and in lower case, in column order. */
  readonly headers: readonly string[];
  readonly rows: readonly TableRow[];
}

export function tableFormat(file: string): TableFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new Error(`${file}: unsupported file type "${ext}", use .csv or .xlsx`);
}

/**
 * Reads a CSV or XLSX file within IMPORT_LIMITS (size, rows, what an XLSX unpacks to); a file that
 * cannot be read is refused with the reason (InvalidError / TooLargeError), never a crash.
 */
export async function readTable(file: string): Promise<Table> {
  const format = tableFormat(file);
  const bytes = fs.readFileSync(file);
  const table = format === 'csv' ? await readCsv(csvText(bytes)) : await readXlsx(bytes);
  checkRowCount(table.rows.length);
  return table;
}

/** Parses CSV text; the delimiter is whichever of `,` `;` or tab the header line uses most. */
export async function readCsv(text: string): Promise<Table> {
  const body = text.replace(/^\uFEFF/, '');
  const headerLine = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].map((d) => ({ d, n: headerLine.split(d).length })).sort((a, b) => b.n - a.n)[0]!.d;
  const records = await parseCsvRecords(body, delimiter);
  return toTable(records.map((cells, i) => ({ row: i + 1, cells })));
}

/**
 * A table sent as bytes (an upload), within IMPORT_LIMITS like a file: CSV text or an XLSX
 * workbook; one that cannot be read is refused with the reason.
 */
export async function readTableData(format: TableFormat, data: Buffer): Promise<Table> {
  const table = format === 'csv' ? await readCsv(csvText(data)) : await readXlsx(data);
  checkRowCount(table.rows.length);
  return table;
}

async function readXlsx(bytes: Buffer): Promise<Table> {
  await checkXlsxSize(bytes);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as never);
  } catch (err) {
    throw unreadable('not_xlsx', `not a readable XLSX workbook (${(err as Error).message}); save it again as "Excel Workbook (.xlsx)"`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { headers: [], rows: [] };
  checkRowCount(sheet.actualRowCount - 1);
  const records: Array<{ row: number; cells: string[] }> = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) {
      const cell = row.getCell(c);
      cells.push(cellText(cell.value, cell.numFmt));
    }
    records.push({ row: rowNumber, cells });
  });
  return toTable(records);
}

/**
 * The text a person sees in a cell, for every exceljs value type. Spreadsheet programs turn a typed
 * "01/7/2024" into a date; it comes back in the cell's own date format (day first by default), so an
 * option such as "01/7/2024" survives the round trip.
 */
export function cellText(value: ExcelJS.CellValue, numFmt?: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return formatDate(value, numFmt);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('hyperlink' in value) return cellText(value.text as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) return cellText((value.result ?? '') as ExcelJS.CellValue, numFmt);
  if ('error' in value) return '';
  return String(value);
}

/** Formats a date cell with its number format's day, month and year tokens; dd/mm/yyyy when it has none. */
function formatDate(date: Date, numFmt: string | undefined): string {
  const format = numFmt && /[dy]/i.test(numFmt) && !/[hs]/i.test(numFmt) ? numFmt.replace(/\[[^\]]*\]|"[^"]*"|\\|;.*$/g, '') : 'dd/mm/yyyy';
  const d = date.getUTCDate();
  const m = date.getUTCMonth() + 1;
  const y = date.getUTCFullYear();
  const pad = (n: number) => String(n).padStart(2, '0');
  return format.toLowerCase().replace(/yyyy|yy|mm|m|dd|d/g, (token) => {
    switch (token) {
      case 'yyyy':
        return String(y);
      case 'yy':
        return pad(y % 100);
      case 'mm':
        return pad(m);
      case 'm':
        return String(m);
      case 'dd':
        return pad(d);
      default:
        return String(d);
    }
  });
}

function toTable(records: Array<{ row: number; cells: readonly string[] }>): Table {
  const [header, ...data] = records;
  if (!header) return { headers: [], rows: [] };
  const headers = header.cells.map((h) => h.trim().toLowerCase());
  const rows = data
    .map(({ row, cells }) => ({
      row,
      cells: Object.fromEntries(headers.map((h, i) => [h, fromSpreadsheetText((cells[i] ?? '').trim())]).filter(([h]) => h !== '')),
    }))
    .filter((r) => Object.values(r.cells).some((v) => v !== ''));
  return { headers: headers.filter((h) => h !== ''), rows };
}

export type CellInput = string | number | null | undefined;

/** A cell as written: text never starts a formula (readTable takes the guard off again), numbers stay numbers. */
const written = (c: CellInput): string | number | null => (c === null || c === undefined ? null : typeof c === 'string' ? spreadsheetText(c) : c);

/**
 * Writes a header and rows; numbers stay numbers in XLSX. CSV gets a BOM so spreadsheet programs
 * read UTF-8. Text that would start a formula (`=HYPERLINK(...)` in a question) is neutralised.
 */
export async function writeTable(file: string, headers: readonly string[], rows: readonly (readonly CellInput[])[]): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (tableFormat(file) === 'csv') {
    const text = stringifyCsv([headers.map(spreadsheetText), ...rows.map((r) => r.map((c) => String(written(c) ?? '')))]);
    fs.writeFileSync(file, `\uFEFF${text}`);
    return;
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('data');
  sheet.addRow(headers.map(spreadsheetText)).font = { bold: true };
  for (const r of rows) sheet.addRow(r.map(written));
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  headers.forEach((_, i) => {
    sheet.getColumn(i + 1).width = 24;
  });
  await workbook.xlsx.writeFile(file);
}
