import type { z } from 'zod';

/** A problem in an imported spreadsheet, by row number and column name. */
export interface RowProblem {
  /** Spreadsheet row: 1 is the header. */
  readonly row: number;
  readonly column: string;
  readonly message: string;
}

/** `row 5, column answer: must be one of A, B, C, D`. */
export function formatRowProblem(p: RowProblem): string {
  return `row ${p.row}, column ${p.column}: ${p.message}`;
}

/** Header problems: required columns that are missing. */
export function missingColumns(headers: readonly string[], required: readonly string[]): RowProblem[] {
  return required.filter((c) => !headers.includes(c)).map((c) => ({ row: 1, column: c, message: 'required column is missing from the header row' }));
}

/** Header names we do not know: most often a typo that would silently drop a column. */
export function unknownColumns(headers: readonly string[], known: readonly string[]): RowProblem[] {
  return headers
    .filter((h) => !known.includes(h))
    .map((h) => ({ row: 1, column: h, message: `unknown column; the columns are ${known.join(', ')}` }));
}

/** A zod issue of a row, in words: "required" for empty cells, zod's own message otherwise. */
export function describeRowIssue(issue: z.core.$ZodIssue, cellValue: string | undefined): string {
  if (issue.code === 'invalid_type' && (cellValue === undefined || cellValue === '')) return 'required, the cell is empty';
  if (issue.code === 'too_small' && cellValue === '') return 'required, the cell is empty';
  return issue.message;
}
