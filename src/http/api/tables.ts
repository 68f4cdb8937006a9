import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';

export type Cell = string | number | boolean | null | undefined | Date;

/** A sheet to export: column headers and rows, in the same order. */
export interface ExportTable {
  readonly name: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly Cell[]>;
}

const csvCell = (c: Cell): string | number => (c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : typeof c === 'boolean' ? (c ? 'true' : 'false') : c);

/** CSV with a UTF-8 BOM, so Excel opens Vietnamese text correctly. */
export function toCsv(t: ExportTable): string {
  return '\ufeff' + stringify([[...t.headers], ...t.rows.map((r) => r.map(csvCell))]);
}

export async function toXlsx(t: ExportTable): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cds-quiz-bot';
  const ws = wb.addWorksheet(t.name.slice(0, 31));
  ws.addRow([...t.headers]).font = { bold: true };
  for (const r of t.rows) ws.addRow(r.map((c) => (c === undefined ? null : c)));
  ws.columns.forEach((col, i) => {
    const widest = Math.max(String(t.headers[i] ?? '').length, ...t.rows.slice(0, 200).map((r) => String(r[i] ?? '').length));
    col.width = Math.min(60, Math.max(8, widest + 2));
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Sends a table as a download. */
export async function sendTable(res: Response, t: ExportTable, format: 'csv' | 'xlsx', fileBase: string): Promise<void> {
  const safe = fileBase.replace(/[^A-Za-z0-9_.-]+/g, '-');
  if (format === 'csv') {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${safe}.csv"`);
    res.send(toCsv(t));
  } else {
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="${safe}.xlsx"`);
    res.send(await toXlsx(t));
  }
}
