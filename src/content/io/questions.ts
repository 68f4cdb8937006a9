import fs from 'node:fs';
import path from 'node:path';
import { isSeq, parseDocument, type Document } from 'yaml';
import { checkBank, checkQuestions, checkTopicNames, type Locator } from '../check.js';
import { loadContent, type ContentPaths, type Entry } from '../load.js';
import { questionSchema, type QuestionContent } from '../schema.js';
import { formatProblem, sortProblems } from '../source.js';
import { missingColumns, rowIssue, unknownColumns, type RowProblem } from './rows.js';
import { readTable, writeTable, type Table, type TableRow } from './table.js';
import { writeYamlDocument } from './yaml-write.js';

/** Spreadsheet columns for questions, in export order. */
export const QUESTION_COLUMNS = [
  'id',
  'topic',
  'difficulty',
  'question',
  'option_a',
  'option_b',
  'option_c',
  'option_d',
  'answer',
  'explanation',
  'facts',
  'tags',
  'province',
  'question_en',
  'option_a_en',
  'option_b_en',
  'option_c_en',
  'option_d_en',
  'explanation_en',
  'status',
  'author',
  'written_at',
  'reviewer',
  'reviewed_at',
  'image',
  'explanation_image',
] as const;
export type QuestionColumn = (typeof QUESTION_COLUMNS)[number];

const REQUIRED: readonly QuestionColumn[] = [
  'id',
  'topic',
  'difficulty',
  'question',
  'option_a',
  'option_b',
  'answer',
  'explanation',
  'facts',
  'question_en',
  'option_a_en',
  'option_b_en',
  'explanation_en',
  'status',
  'author',
  'written_at',
];
const OPTION_COLUMNS = ['option_a', 'option_b', 'option_c', 'option_d'] as const;
const OPTION_COLUMNS_EN = ['option_a_en', 'option_b_en', 'option_c_en', 'option_d_en'] as const;
const REVIEW_COLUMNS = { author: 'author', writtenAt: 'written_at', reviewer: 'reviewer', reviewedAt: 'reviewed_at' } as const;

/** The column a field of a question comes from, for messages. */
export function questionColumn(path: readonly (string | number)[]): QuestionColumn {
  const [first, second, third] = path;
  if (first === 'options') return OPTION_COLUMNS[typeof second === 'number' ? Math.min(second, 3) : 0] ?? 'option_a';
  if (first === 'en') {
    if (second === 'options') return OPTION_COLUMNS_EN[typeof third === 'number' ? Math.min(third, 3) : 0] ?? 'option_a_en';
    if (second === 'explanation') return 'explanation_en';
    return 'question_en';
  }
  if (first === 'review') return REVIEW_COLUMNS[String(second) as keyof typeof REVIEW_COLUMNS] ?? 'author';
  if (first === 'explanationImage') return 'explanation_image';
  return (QUESTION_COLUMNS as readonly string[]).includes(String(first)) ? (first as QuestionColumn) : 'id';
}

interface ParsedRows {
  readonly entries: Entry<QuestionContent>[];
  readonly problems: RowProblem[];
}

/** Turns spreadsheet rows into questions, validating each with the content schema. */
export function parseQuestionRows(table: Table, file: string): ParsedRows {
  const problems: RowProblem[] = [...missingColumns(table.headers, REQUIRED), ...unknownColumns(table.headers, QUESTION_COLUMNS)];
  const entries: Entry<QuestionContent>[] = [];
  if (problems.length) return { entries, problems };
  for (const row of table.rows) {
    const { raw, problems: shape } = rawQuestion(row);
    problems.push(...shape);
    const result = questionSchema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const column = questionColumn(issue.path as (string | number)[]);
        problems.push(rowIssue(issue, row.row, column, row.cells[column]));
      }
      continue;
    }
    if (!shape.length) entries.push({ value: result.data, origin: { file, path: [row.row] } });
  }
  return { entries, problems };
}

/** "N09, L02b" → ["N09", "L02b"]. */
const list = (cell: string) =>
  cell
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

function rawQuestion(row: TableRow): { raw: Record<string, unknown>; problems: RowProblem[] } {
  const c = (name: QuestionColumn) => row.cells[name] ?? '';
  const problems: RowProblem[] = [];
  const options = (columns: readonly QuestionColumn[]) => {
    const values = columns.map(c);
    const last = values.reduce((n, v, i) => (v !== '' ? i : n), -1);
    values.slice(0, last + 1).forEach((v, i) => {
      if (v === '') {
        problems.push({
          row: row.row,
          column: columns[i]!,
          message: `empty, but a later option is filled; options must be consecutive from ${columns[0]}`,
          code: 'table_option_gap',
          params: { first: columns[0]! },
        });
      }
    });
    return values.slice(0, last + 1).filter((v) => v !== '');
  };
  const difficultyText = c('difficulty');
  const raw: Record<string, unknown> = {
    id: c('id'),
    topic: c('topic'),
    difficulty: /^\d+$/.test(difficultyText) ? Number(difficultyText) : difficultyText,
    question: c('question'),
    options: options(OPTION_COLUMNS),
    answer: c('answer').toUpperCase(),
    explanation: c('explanation'),
    facts: list(c('facts')),
    tags: list(c('tags')),
    en: { question: c('question_en'), options: options(OPTION_COLUMNS_EN), explanation: c('explanation_en') },
    review: {
      author: c('author'),
      writtenAt: c('written_at'),
      ...(c('reviewer') ? { reviewer: c('reviewer') } : {}),
      ...(c('reviewed_at') ? { reviewedAt: c('reviewed_at') } : {}),
    },
    status: c('status').toLowerCase(),
  };
  if (c('province')) raw.province = c('province');
  if (c('image')) raw.image = c('image');
  if (c('explanation_image')) raw.explanationImage = c('explanation_image');
  return { raw, problems };
}

/** parseQuestionRows a few hundred rows at a time, letting other requests run in between. */
async function parseRowsInSlices(table: Table, file: string): Promise<ParsedRows> {
  const header = parseQuestionRows({ headers: table.headers, rows: [] }, file);
  if (header.problems.length) return header;
  const entries: Entry<QuestionContent>[] = [];
  const problems: RowProblem[] = [];
  for (let i = 0; i < table.rows.length; i += 200) {
    const part = parseQuestionRows({ headers: table.headers, rows: table.rows.slice(i, i + 200) }, file);
    entries.push(...part.entries);
    problems.push(...part.problems);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { entries, problems };
}

export interface QuestionImportResult {
  readonly ok: boolean;
  /** One line a problem: `row N, column X: reason`, or `file:line:column: message` for existing content. */
  readonly problems: readonly string[];
  readonly created: number;
  readonly updated: number;
  /** Files written under content/questions. */
  readonly files: readonly string[];
}

/**
 * Imports questions from a CSV or XLSX file into `content/questions/<topic>.yaml`, merging by id
 * (an existing id is replaced where it is). The whole file is checked first — the schema per row,
 * then the cross-checks on the merged bank — and nothing is written unless it is all valid.
 */
export async function importQuestions(file: string, paths: ContentPaths): Promise<QuestionImportResult> {
  const table = await readTable(file);
  const name = path.basename(file);
  const { entries: imported, problems } = await parseRowsInSlices(table, name);
  const fail = (lines: string[]) => ({ ok: false, problems: lines, created: 0, updated: 0, files: [] });
  if (problems.length) return fail(sortRowProblems(problems).map((p) => `row ${p.row}, column ${p.column}: ${p.message}`));

  const loaded = loadContent(paths);
  const questionFiles = new Set(loaded.entries.questions.map((e) => e.origin.file));
  const blocking = loaded.problems.filter((p) => p.file.includes('questions/') || questionFiles.has(p.file));
  if (blocking.length) return fail(['the existing questions have problems; fix them first (npm run content:check):', ...blocking.map(formatProblem)]);

  const importedIds = new Set(imported.map((e) => e.value.id));
  const existing = loaded.entries.questions;
  const merged = [...existing.filter((e) => !importedIds.has(e.value.id)), ...imported];
  const locator: Locator = {
    position: (o) => (o.file === name ? { line: Number(o.path[0]), column: QUESTION_COLUMNS.indexOf(questionColumn(o.path.slice(1))) + 1 } : loaded.locate(o)),
    describe: (o) => (o.file === name ? `row ${o.path[0]}` : `${o.file}:${loaded.locate(o).line}:${loaded.locate(o).column}`),
  };
  const ctx = { facts: loaded.bundle.facts, bots: loaded.bundle.bots };
  const crossChecks = (entries: readonly Entry<QuestionContent>[]) => [
    ...checkQuestions(entries, locator, ctx),
    ...checkBank(entries, locator),
    ...checkTopicNames(entries, loaded.locales, locator),
  ];
  const before = new Set(crossChecks(existing).map(formatProblem));
  const cross = sortProblems(crossChecks(merged).filter((p) => !before.has(formatProblem(p))));
  if (cross.length) {
    return fail(
      cross.map((p) => (p.file === name ? `row ${p.line}, column ${QUESTION_COLUMNS[p.column - 1]}: ${p.message}` : formatProblem(p))),
    );
  }

  const written = mergeQuestionsIntoContent(path.join(paths.contentDir, 'questions'), imported.map((e) => e.value));
  return { ok: true, problems: [], created: written.created, updated: written.updated, files: written.files };
}

function sortRowProblems(problems: readonly RowProblem[]): RowProblem[] {
  const order = (c: string) => {
    const i = (QUESTION_COLUMNS as readonly string[]).indexOf(c);
    return i < 0 ? QUESTION_COLUMNS.length : i;
  };
  return [...problems].sort((a, b) => a.row - b.row || order(a.column) - order(b.column));
}

/** The YAML form of a question, keys in the order organisers read them. */
export function questionToYaml(q: QuestionContent): Record<string, unknown> {
  return {
    id: q.id,
    topic: q.topic,
    difficulty: q.difficulty,
    question: q.question,
    options: q.options,
    answer: q.answer,
    explanation: q.explanation,
    facts: q.facts,
    tags: q.tags,
    ...(q.province ? { province: q.province } : {}),
    en: { question: q.en.question, options: q.en.options, explanation: q.en.explanation },
    review: {
      author: q.review.author,
      writtenAt: q.review.writtenAt,
      ...(q.review.reviewer ? { reviewer: q.review.reviewer } : {}),
      ...(q.review.reviewedAt ? { reviewedAt: q.review.reviewedAt } : {}),
    },
    status: q.status,
    ...(q.image ? { image: q.image } : {}),
    ...(q.explanationImage ? { explanationImage: q.explanationImage } : {}),
  };
}

/** Replaces questions by id where they are, appends new ones to `<topic>.yaml`; keeps comments elsewhere. */
export function mergeQuestionsIntoContent(
  dir: string,
  questions: readonly QuestionContent[],
): { created: number; updated: number; files: string[] } {
  const docs = new Map<string, Document>();
  const where = new Map<string, { file: string; index: number }>();
  if (fs.existsSync(dir)) {
    for (const f of fs.readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const file = path.join(dir, f);
      const doc = parseDocument(fs.readFileSync(file, 'utf8'));
      docs.set(file, doc);
      const seq = doc.get('questions');
      if (isSeq(seq)) {
        seq.items.forEach((item, index) => {
          const id = (item as { get?: (k: string) => unknown }).get?.('id');
          if (typeof id === 'string' && !where.has(id)) where.set(id, { file, index });
        });
      }
    }
  }
  const changed = new Set<string>();
  let created = 0;
  let updated = 0;
  for (const q of questions) {
    const found = where.get(q.id);
    if (found) {
      const doc = docs.get(found.file)!;
      doc.setIn(['questions', found.index], doc.createNode(questionToYaml(q)));
      changed.add(found.file);
      updated++;
      continue;
    }
    const file = path.join(dir, `${q.topic}.yaml`);
    let doc = docs.get(file);
    if (!doc) {
      doc = parseDocument('questions: []\n');
      docs.set(file, doc);
    }
    let seq = doc.get('questions');
    if (!isSeq(seq)) {
      doc.set('questions', doc.createNode([]));
      seq = doc.get('questions');
    }
    if (isSeq(seq)) {
      seq.flow = false;
      seq.add(doc.createNode(questionToYaml(q)));
      where.set(q.id, { file, index: seq.items.length - 1 });
    }
    changed.add(file);
    created++;
  }
  for (const file of changed) writeYamlDocument(file, docs.get(file)!);
  return { created, updated, files: [...changed].sort() };
}

/** Exports every question of the content into a CSV or XLSX file with the import columns. */
export async function exportQuestions(file: string, paths: ContentPaths): Promise<{ count: number; problems: string[] }> {
  const loaded = loadContent(paths);
  const problems = loaded.problems.filter((p) => p.file.includes('questions/')).map(formatProblem);
  const rows = loaded.bundle.questions.map((q) => questionRow(q));
  await writeTable(file, QUESTION_COLUMNS, rows);
  return { count: rows.length, problems };
}

function questionRow(q: QuestionContent): (string | number)[] {
  const opt = (list: readonly string[], i: number) => list[i] ?? '';
  return [
    q.id,
    q.topic,
    q.difficulty,
    q.question,
    ...[0, 1, 2, 3].map((i) => opt(q.options, i)),
    q.answer,
    q.explanation,
    q.facts.join(', '),
    q.tags.join(', '),
    q.province ?? '',
    q.en.question,
    ...[0, 1, 2, 3].map((i) => opt(q.en.options, i)),
    q.en.explanation,
    q.status,
    q.review.author,
    q.review.writtenAt,
    q.review.reviewer ?? '',
    q.review.reviewedAt ?? '',
    q.image ?? '',
    q.explanationImage ?? '',
  ];
}
