import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { DateTime } from 'luxon';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, formatPercent, PERCENT_CELL_FORMAT, percentCellValue, spreadsheetText, type Locale } from '../../domain/index.js';

/** A rate (0–1) shown as a percentage: text from `formatPercent` in CSV ("3,3%"), a number with a percent format in XLSX. */
export interface PercentCell {
  readonly rate: number;
}
export type Cell = string | number | boolean | null | undefined | Date | PercentCell;

/** A rate as a percentage cell; null (unknown) stays an empty cell. */
export const percentCell = (rate: number | null): Cell => (rate === null ? null : { rate });
const isPercent = (c: Cell): c is PercentCell => typeof c === 'object' && c !== null && !(c instanceof Date);

/** A sheet to export: column headers and rows, in the same order. */
export interface ExportTable {
  readonly name: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
  /** The language the table's words are in, and its percentages in CSV are written in (Vietnamese by default). */
  readonly locale?: Locale | undefined;
}

/** How exported instants read, in CSV text and as the XLSX number format (same layout). */
const DATE_FORMAT = 'dd/MM/yyyy HH:mm';
const XLSX_DATE_FORMAT = 'dd/mm/yyyy hh:mm';

/** `dd/MM/yyyy HH:mm` of an instant in Asia/Ho_Chi_Minh (or another zone): stored in UTC, shown in Vietnam. */
export function formatExportDate(at: Date, zone: string = DEFAULT_TIME_ZONE): string {
  return DateTime.fromJSDate(at, { zone }).toFormat(DATE_FORMAT);
}

/**
 * Excel dates carry no time zone: a cell shows the date's UTC fields. So the instant becomes the
 * Date whose UTC fields are its wall-clock time in `zone`, and stays a sortable date in the sheet.
 */
function wallClock(at: Date, zone: string): Date {
  return DateTime.fromJSDate(at, { zone }).setZone('UTC', { keepLocalTime: true }).toJSDate();
}

const csvCell = (c: Cell, zone: string, locale: Locale): string | number =>
  c === null || c === undefined
    ? ''
    : c instanceof Date
      ? formatExportDate(c, zone)
      : isPercent(c)
        ? formatPercent(c.rate, locale)
        : typeof c === 'boolean'
          ? c
            ? 'true'
            : 'false'
          : typeof c === 'string'
            ? spreadsheetText(c)
            : c;

/**
 * An XLSX cell: text never becomes a formula, dates show their wall-clock time in `zone`, a rate is
 * the number of the percentage every place shows (percentCellValue: 0.0333… → 0.033, "3.3%").
 */
const xlsxCell = (c: Cell, zone: string) =>
  c === undefined ? null : c instanceof Date ? wallClock(c, zone) : isPercent(c) ? percentCellValue(c.rate) : typeof c === 'string' ? spreadsheetText(c) : c;

/**
 * CSV with a UTF-8 BOM, so Excel opens Vietnamese text correctly; dates `dd/MM/yyyy HH:mm` in `zone`; percentages written in the table's language ("3,3%");
 * text that would start a formula (a member's display name) is neutralised.
 */
export function toCsv(t: ExportTable, zone: string = DEFAULT_TIME_ZONE): string {
  const locale = t.locale ?? DEFAULT_LOCALE;
  return '\ufeff' + stringify([t.headers.map(spreadsheetText), ...t.rows.map((r) => r.map((c) => csvCell(c, zone, locale)))]);
}

/** One-sheet workbook; Date cells are real dates shown `dd/MM/yyyy HH:mm` in `zone`. */
export async function toXlsx(t: ExportTable, zone: string = DEFAULT_TIME_ZONE): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cds-quiz-bot';
  const ws = wb.addWorksheet(t.name.slice(0, 31));
  ws.addRow(t.headers.map(spreadsheetText)).font = { bold: true };
  for (const r of t.rows) {
    const row = ws.addRow(r.map((c) => xlsxCell(c, zone)));
    r.forEach((c, i) => {
      if (c instanceof Date) row.getCell(i + 1).numFmt = XLSX_DATE_FORMAT;
      else if (isPercent(c)) row.getCell(i + 1).numFmt = PERCENT_CELL_FORMAT;
    });
  }
  ws.columns.forEach((col, i) => {
    const widest = Math.max(
      String(t.headers[i] ?? '').length,
      ...t.rows.slice(0, 200).map((r) => {
        const c = r[i];
        return c instanceof Date ? DATE_FORMAT.length : isPercent(c) ? '100.0%'.length : String(c ?? '').length;
      }),
    );
    col.width = Math.min(60, Math.max(8, widest + 2));
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A download's file name without its extension: letters, digits, `_.-` only. */
export const fileName = (base: string): string => base.replace(/[^A-Za-z0-9_.-]+/g, '-');

/** Sends a table as a download, dates shown in `zone`. */
export async function sendTable(res: Response, t: ExportTable, format: 'csv' | 'xlsx', fileBase: string, zone: string = DEFAULT_TIME_ZONE): Promise<void> {
  const safe = fileName(fileBase);
  if (format === 'csv') {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${safe}.csv"`);
    res.send(toCsv(t, zone));
  } else {
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="${safe}.xlsx"`);
    res.send(await toXlsx(t, zone));
  }
}

/** Writes a table to a `.csv` or `.xlsx` file (by its extension), as a download of it would read. */
export async function writeTable(t: ExportTable, file: string, zone: string = DEFAULT_TIME_ZONE): Promise<void> {
  await writeFile(file, /\.xlsx$/i.test(file) ? await toXlsx(t, zone) : toCsv(t, zone));
}
