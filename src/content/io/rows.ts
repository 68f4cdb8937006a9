import type { z } from 'zod';
import { ruleOf, type FieldRule } from '../../domain/index.js';

/** A problem in an imported spreadsheet, by row number and column name. */
export interface RowProblem {
  /** Spreadsheet row: 1 is the header. */
  readonly row: number;
  readonly column: string;
  readonly message: string;
  /** A content problem code (src/content/problems.ts) or a field rule, to say it in the page's language. */
  readonly code?: string;
  readonly rule?: FieldRule;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** `row 5, column answer: must be one of A, B, C, D`. */
export function formatRowProblem(p: RowProblem): string {
  return `row ${p.row}, column ${p.column}: ${p.message}`;
}

/** Header problems: required columns that are missing. */
export function missingColumns(headers: readonly string[], required: readonly string[]): RowProblem[] {
  return required
    .filter((c) => !headers.includes(c))
    .map((c) => ({ row: 1, column: c, message: 'required column is missing from the header row', code: 'table_missing_column', params: { column: c } }));
}

/** Header names we do not know: most often a typo that would silently drop a column. */
export function unknownColumns(headers: readonly string[], known: readonly string[]): RowProblem[] {
  return headers
    .filter((h) => !known.includes(h))
    .map((h) => ({ row: 1, column: h, message: `unknown column; the columns are ${known.join(', ')}`, code: 'table_unknown_column', params: { column: h, known: known.join(', ') } }));
}

/** A zod issue of a row as a problem of the cell: its words and the field rule it failed. */
export function rowIssue(issue: z.core.$ZodIssue, row: number, column: string, cellValue: string | undefined): RowProblem {
  const empty = (issue.code === 'invalid_type' || issue.code === 'too_small') && (cellValue === undefined || cellValue === '');
  const { rule, params } = empty ? { rule: 'required' as const, params: {} } : ruleOf(issue as never);
  return { row, column, message: describeRowIssue(issue, cellValue), rule, ...(Object.keys(params).length ? { params } : {}) };
}

/** A zod issue of a row, in words: "required" for empty cells, zod's own message otherwise. */
export function describeRowIssue(issue: z.core.$ZodIssue, cellValue: string | undefined): string {
  if (issue.code === 'invalid_type' && (cellValue === undefined || cellValue === '')) return 'required, the cell is empty';
  if (issue.code === 'too_small' && cellValue === '') return 'required, the cell is empty';
  return issue.message;
}
