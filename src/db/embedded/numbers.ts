import { Long } from 'bson';
import type { Doc } from './indexes.js';

/**
 * Long (and Decimal128) values keep their BSON type in storage, but mingo only compares and adds
 * plain numbers. Queries therefore see a numeric view of each document (cached per stored
 * document: stored documents are never modified in place), and updates convert Longs to numbers
 * and back around mingo.
 */

type Wrapped = { _bsontype?: string };

function isWrapper(v: unknown): v is Wrapped {
  const t = (v as Wrapped | null)?._bsontype;
  return t === 'Long' || t === 'Decimal128' || t === 'Int32' || t === 'Double';
}

function unwrap(v: Wrapped): number {
  switch (v._bsontype) {
    case 'Long':
      return (v as Long).toNumber();
    case 'Int32':
    case 'Double':
      return (v as unknown as { value: number }).value;
    default:
      return Number.parseFloat(String(v));
  }
}

function isPlainContainer(v: unknown): v is Doc | unknown[] {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function containsWrapper(v: unknown): boolean {
  if (isWrapper(v)) return true;
  if (Array.isArray(v)) return v.some(containsWrapper);
  if (isPlainContainer(v)) {
    for (const k in v) if (containsWrapper((v as Doc)[k])) return true;
  }
  return false;
}

/** A deep copy with every numeric wrapper replaced by a number (the input when there is none). */
export function normalizeNumbers<T>(v: T): T {
  if (!containsWrapper(v)) return v;
  return convert(v) as T;
}

function convert(v: unknown): unknown {
  if (isWrapper(v)) return unwrap(v);
  if (Array.isArray(v)) return v.map(convert);
  if (isPlainContainer(v)) {
    const out: Doc = {};
    for (const k in v) out[k] = convert((v as Doc)[k]);
    return out;
  }
  return v;
}

/** A hidden (non-enumerable symbol) slot on each stored document holding its numeric view. */
const VIEW = Symbol('numericView');

/** The document as mingo should see it: Longs as numbers. Cached on the stored document itself. */
export function numericView(doc: Doc): Doc {
  const cached = (doc as { [VIEW]?: Doc })[VIEW];
  if (cached) return cached;
  const view = normalizeNumbers(doc);
  Object.defineProperty(doc, VIEW, { value: view, enumerable: false, writable: true, configurable: true });
  return view;
}

/** Paths (dotted, array indexes included) of every Long in a document. */
function longPaths(v: unknown, prefix: string, out: string[]): void {
  if ((v as Wrapped | null)?._bsontype === 'Long') {
    out.push(prefix);
    return;
  }
  if (Array.isArray(v)) v.forEach((el, i) => longPaths(el, prefix ? `${prefix}.${i}` : String(i), out));
  else if (isPlainContainer(v)) for (const k in v) longPaths((v as Doc)[k], prefix ? `${prefix}.${k}` : k, out);
}

function relong(doc: Doc, path: string): void {
  const parts = path.split('.');
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Doc)[parts[i]!];
  }
  const last = parts[parts.length - 1]!;
  if (cur === null || typeof cur !== 'object') return;
  const value = (cur as Doc)[last];
  if (typeof value === 'number' && Number.isInteger(value)) (cur as Doc)[last] = Long.fromNumber(value);
}

/**
 * Runs an in-place update on a private copy with Longs as numbers, then turns integers back into
 * Longs where a Long was before or where the modifier wrote a Long (as MongoDB keeps int64).
 */
export function updateKeepingLongs(doc: Doc, modifier: Doc, run: (numericDoc: Doc, numericModifier: Doc) => void): Doc {
  const paths: string[] = [];
  longPaths(doc, '', paths);
  for (const [op, fields] of Object.entries(modifier)) {
    if (!fields || typeof fields !== 'object' || op === '$unset' || op === '$rename') continue;
    for (const [p, v] of Object.entries(fields as Doc)) if ((v as Wrapped | null)?._bsontype === 'Long') paths.push(p);
  }
  if (paths.length === 0) {
    run(doc, modifier);
    return doc;
  }
  const numeric = convert(doc) as Doc;
  run(numeric, convert(modifier) as Doc);
  for (const p of paths) relong(numeric, p);
  return numeric;
}
