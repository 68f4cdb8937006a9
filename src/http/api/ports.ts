/**
 * What the API needs from rooms built by others, as narrow structural types, so the API works
 * (answering 501) before they are wired and does not import their internals.
 */

/** src/outreach `createOutreach(...).broadcasts`. Inputs are already validated with its zod schemas. */
export interface BroadcastsPort {
  create(input: unknown, ...rest: unknown[]): Promise<unknown>;
  preview(input: unknown, ...rest: unknown[]): Promise<unknown>;
  update(id: string, patch: unknown, ...rest: unknown[]): Promise<unknown>;
  cancel(id: string, ...rest: unknown[]): Promise<unknown>;
  list(filter: unknown, ...rest: unknown[]): Promise<unknown>;
  get(id: string, ...rest: unknown[]): Promise<unknown>;
  report(id: string, ...rest: unknown[]): Promise<unknown>;
}

export interface ContestSummary {
  readonly id: string;
  readonly bot: string;
  readonly title?: string;
  readonly [k: string]: unknown;
}

/** Contest rounds, results and prizes (src/quiz or src/conversation). */
export interface ContestsPort {
  list(options: { bots: readonly string[] | null }): Promise<readonly ContestSummary[]>;
  /** Ranked results: rows with at least rank, name, score. */
  results(id: string): Promise<{ contest: ContestSummary; rows: ReadonlyArray<Record<string, unknown>> } | null>;
  prizes(id: string): Promise<{ contest: ContestSummary; rows: ReadonlyArray<Record<string, unknown>> } | null>;
}

/** `ok: false` means nothing was written; `problems` says why, one line a bad row. */
export interface QuestionImportReport {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

/** Imports questions from a CSV or XLSX table (src/content). */
export type QuestionImporter = (file: { format: 'csv' | 'xlsx'; data: Buffer }) => Promise<QuestionImportReport>;
