import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { LOCALES, type Locale } from '../domain/index.js';
import {
  botSchema,
  campaignFileSchema,
  factSchema,
  questionSchema,
  unitFileSchema,
  type BotConfig,
  type BotContest,
  type Campaign,
  type ContentBundle,
  type Fact,
  type QuestionContent,
  type UnitList,
} from './schema.js';
import { unknownKeys } from './unknown-keys.js';
import { formatPath, parseSource, positionOf, type ContentProblem, type Origin, type Path, type SourceFile } from './source.js';

/** Where the content lives. `root` only shortens file names in messages. */
export interface ContentPaths {
  readonly botsDir: string;
  readonly contentDir: string;
  readonly root?: string;
}

/** A validated value and where it was written. */
export interface Entry<T> {
  readonly value: T;
  readonly origin: Origin;
}

/** One `content/locales/<locale>/<namespace>.json` file. */
export interface LocaleFile {
  readonly locale: Locale;
  readonly namespace: string;
  readonly file: string;
  readonly data: Record<string, unknown>;
}

/** Everything read from disk, with positions; the input of the pure checker. */
export interface LoadedContent {
  readonly bundle: ContentBundle;
  readonly entries: {
    readonly facts: readonly Entry<Fact>[];
    readonly bots: readonly Entry<BotConfig>[];
    readonly questions: readonly Entry<QuestionContent>[];
    readonly campaigns: readonly Entry<Campaign>[];
    readonly unitLists: readonly Entry<UnitList>[];
    /** Every contest with where it is written, when it differs from each bot's own (merged content). */
    readonly contests?: readonly Entry<BotContest>[];
  };
  readonly locales: readonly LocaleFile[];
  /** Syntax and schema problems found while loading. */
  readonly problems: readonly ContentProblem[];
  /** The files of content/media by name (the questions' pictures), read for the checker. */
  readonly media?: ReadonlyMap<string, Uint8Array>;
  /** Line and column of a value, for messages. */
  locate(origin: Origin): { line: number; column: number };
}

/** Reads and validates `bots/*.yaml`, `content/{facts,questions,campaigns,units}/*.yaml` and `content/locales`. */
export function loadContent(paths: ContentPaths): LoadedContent {
  const root = path.resolve(paths.root ?? process.cwd());
  const sources = new Map<string, SourceFile>();
  const problems: ContentProblem[] = [];

  const read = (abs: string): SourceFile | undefined => {
    const file = displayName(root, abs);
    const source = parseSource(file, fs.readFileSync(abs, 'utf8'));
    sources.set(file, source);
    problems.push(...source.syntaxProblems);
    // A file with syntax errors is not validated further: its structure is a guess.
    return source.syntaxProblems.length ? undefined : source;
  };

  const bots: Entry<BotConfig>[] = [];
  for (const abs of yamlFiles(paths.botsDir)) {
    const src = read(abs);
    if (src) pushValid(src, [], botSchema, bots, problems);
  }

  // Lists of items (facts, questions) are validated item by item: one bad item does not hide the others.
  const listFile = <S extends z.ZodType>(dir: string, key: string, noun: string, schema: S, into: Entry<z.output<S>>[]) => {
    for (const abs of yamlFiles(path.join(paths.contentDir, dir))) {
      const src = read(abs);
      if (!src) continue;
      const list = (plainData(src) as Record<string, unknown> | null)?.[key];
      if (!Array.isArray(list) || list.length === 0) {
        problems.push(problemAt(src, [key], `${key}: must be a list with at least one ${noun} (the file is \`${key}: [...]\`)`));
        continue;
      }
      list.forEach((_, i) => pushValid(src, [key, i], schema, into, problems));
    }
  };
  const facts: Entry<Fact>[] = [];
  listFile('facts', 'facts', 'fact', factSchema, facts);
  const questions: Entry<QuestionContent>[] = [];
  listFile('questions', 'questions', 'question', questionSchema, questions);

  const campaigns: Entry<Campaign>[] = [];
  for (const abs of yamlFiles(path.join(paths.contentDir, 'campaigns'))) {
    const src = read(abs);
    if (src) pushValid(src, [], campaignFileSchema, campaigns, problems);
  }

  const unitLists: Entry<UnitList>[] = [];
  for (const abs of yamlFiles(path.join(paths.contentDir, 'units'))) {
    const src = read(abs);
    if (src) pushValid(src, [], unitFileSchema, unitLists, problems);
  }

  const locales: LocaleFile[] = [];
  for (const locale of LOCALES) {
    const dir = path.join(paths.contentDir, 'locales', locale);
    for (const abs of listFiles(dir, ['.json'])) {
      const jsonProblem = strictJsonProblem(displayName(root, abs), fs.readFileSync(abs, 'utf8'));
      if (jsonProblem) {
        problems.push(jsonProblem);
        continue;
      }
      const src = read(abs);
      if (!src) continue;
      const data = src.doc.toJS() as unknown;
      if (!data || typeof data !== 'object' || Array.isArray(data)) {
        problems.push(problemAt(src, [], 'a locale file must be a JSON object of keys'));
        continue;
      }
      locales.push({ locale, namespace: path.basename(abs, '.json'), file: src.file, data: data as Record<string, unknown> });
    }
  }

  const values = <T>(entries: Entry<T>[]) => entries.map((e) => e.value);
  return {
    bundle: {
      facts: values(facts),
      bots: values(bots),
      questions: values(questions),
      campaigns: values(campaigns),
      unitLists: values(unitLists),
    },
    entries: { facts, bots, questions, campaigns, unitLists },
    locales,
    problems,
    media: readMedia(path.join(paths.contentDir, 'media')),
    locate(origin) {
      const source = sources.get(origin.file);
      return source ? positionOf(source, origin.path) : { line: 1, column: 1 };
    },
  };
}

function pushValid<S extends z.ZodType>(
  src: SourceFile,
  at: Path,
  schema: S,
  into: Entry<z.output<S>>[],
  problems: ContentProblem[],
): void {
  let js: unknown = plainData(src);
  for (const seg of at) js = (js as Record<string | number, unknown> | null | undefined)?.[seg];
  for (const u of unknownKeys(schema, js)) {
    problems.push(problemAt(src, [...at, ...u.path], `${formatPath([...at, ...u.path])}: unknown field "${u.key}" (known here: ${u.known.join(', ')})`));
  }
  const result = schema.safeParse(js ?? null);
  if (result.success) {
    into.push({ value: result.data, origin: { file: src.file, path: at } });
    return;
  }
  for (const issue of result.error.issues) {
    const full = [...at, ...(issue.path as PathSegment[])];
    problems.push(problemAt(src, full, describeIssue(src, at, issue)));
  }
}

type PathSegment = string | number;

const plain = new WeakMap<SourceFile, unknown>();
/** The file as plain data, converted once (question files hold many items). */
function plainData(src: SourceFile): unknown {
  if (!plain.has(src)) plain.set(src, src.doc.toJS());
  return plain.get(src);
}

/** A zod issue in words an organiser understands: the field, then what is wrong with it. */
function describeIssue(src: SourceFile, base: Path, issue: z.core.$ZodIssue): string {
  const rel = issue.path as PathSegment[];
  const full = [...base, ...rel];
  const name = formatPath(full) || '(file)';
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && rel.length > 0 && !src.doc.hasIn(full)) {
    return `${name}: required field is missing`;
  }
  if (issue.code === 'unrecognized_keys') return `${name}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${name}: ${issue.message}`;
}

/**
 * YAML accepts things JSON does not (trailing commas, comments), but i18next reads locale files with
 * JSON.parse: a file that only YAML can read would break the server at start.
 */
function strictJsonProblem(file: string, text: string): ContentProblem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const message = (err as Error).message;
    const offset = Number(/position (\d+)/.exec(message)?.[1] ?? NaN);
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    let line = 1;
    let column = 1;
    if (lineCol) {
      line = Number(lineCol[1]);
      column = Number(lineCol[2]);
    } else if (Number.isFinite(offset)) {
      const before = text.slice(0, offset).split('\n');
      line = before.length;
      column = (before.at(-1)?.length ?? 0) + 1;
    }
    return { file, line, column, message: `not valid JSON: ${message.replace(/\s*\(line \d+ column \d+\)$/, '').replace(/ in JSON at position \d+.*$/, '')}` };
  }
}

function problemAt(src: SourceFile, at: Path, message: string): ContentProblem {
  const { line, column } = positionOf(src, at);
  return { file: src.file, line, column, message };
}

function displayName(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  return (rel.startsWith('..') ? abs : rel).split(path.sep).join('/');
}

/** The files of content/media by name (the questions' pictures), for the checker to read their bytes. */
function readMedia(dir: string): Map<string, Uint8Array> {
  const media = new Map<string, Uint8Array>();
  for (const abs of listFiles(dir, [''])) if (fs.statSync(abs).isFile()) media.set(path.basename(abs), fs.readFileSync(abs));
  return media;
}

function yamlFiles(dir: string): string[] {
  return listFiles(dir, ['.yaml', '.yml']);
}

function listFiles(dir: string, extensions: readonly string[]): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => extensions.some((ext) => f.endsWith(ext)) && !f.startsWith('.'))
    .sort()
    .map((f) => path.join(dir, f));
}
