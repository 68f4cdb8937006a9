import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/**
 * YAML (and JSON, which is YAML) parsed with its positions, so that every problem found later —
 * by zod or by a cross-reference — can be reported as `file:line:column`.
 */

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** One problem in the content, in the form editors and CI logs understand. */
export interface ContentProblem {
  /** Relative to the project root when possible, e.g. `content/questions/laws.yaml`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** Where in the item it was found (keys and indexes), when a check knows. */
  readonly path?: Path;
  /** A stable code (src/content/problems.ts) and its params, for problems the admin pages can say in words. */
  readonly code?: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** Where a value came from: a file and the path of keys and indexes inside it. */
export interface Origin {
  readonly file: string;
  readonly path: Path;
}

export interface SourceFile {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** YAML syntax errors (duplicate keys, bad indentation...), already positioned. */
  readonly syntaxProblems: readonly ContentProblem[];
}

/** Parses YAML or JSON text keeping positions; syntax errors come back as problems, not exceptions. */
export function parseSource(file: string, text: string): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntaxProblems = doc.errors.map((err) => {
    const { line, col } = lines.linePos(err.pos[0]);
    return { file, line, column: col, message: `YAML syntax: ${firstLine(err.message)}` };
  });
  return { file, doc, lines, syntaxProblems };
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).replace(/\s+at line \d+, column \d+:?$/, '').trim();
}

/**
 * The position of the deepest node on `path` that exists: the key of a map entry (so "answer: E"
 * points at `answer`), an item of a sequence, or — when the path goes further than the file —
 * the closest existing parent (a missing field points at the item that lacks it).
 */
export function positionOf(source: SourceFile, path: Path): Position {
  let node: unknown = source.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === String(segment));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  const { line, col } = source.lines.linePos(offset);
  return { line, column: col };
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** `questions[3].options[1]` — how a path is named in messages. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/** `file:line:column: message`, one problem a line. */
export function formatProblem(p: ContentProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

/** Problems in a stable order: by file, then line, then column. */
export function sortProblems(problems: readonly ContentProblem[]): ContentProblem[] {
  return [...problems].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.message.localeCompare(b.message),
  );
}
