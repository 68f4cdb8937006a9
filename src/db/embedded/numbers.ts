import { Decimal128, Long } from 'bson';
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

/** Paths (dotted, array indexes included) of every Long or Decimal128 in a value. */
function wrapperPaths(v: unknown, prefix: string, out: Array<{ path: string; type: string }>): void {
  const t = (v as Wrapped | null)?._bsontype;
  if (t === 'Long' || t === 'Decimal128') {
    out.push({ path: prefix, type: t });
    return;
  }
  if (Array.isArray(v)) v.forEach((el, i) => wrapperPaths(el, prefix ? `${prefix}.${i}` : String(i), out));
  else if (isPlainContainer(v)) for (const k in v) wrapperPaths((v as Doc)[k], prefix ? `${prefix}.${k}` : k, out);
}

function parentOf(doc: Doc, parts: string[]): Doc | unknown[] | null {
  let cur: unknown = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Doc)[parts[i]!];
  }
  return cur !== null && typeof cur === 'object' ? (cur as Doc) : null;
}

function getAt(doc: Doc, path: string): unknown {
  const parts = path.split('.');
  const parent = parentOf(doc, parts);
  return parent ? (parent as Doc)[parts[parts.length - 1]!] : undefined;
}

function setAt(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  const parent = parentOf(doc, parts);
  if (parent) (parent as Doc)[parts[parts.length - 1]!] = value;
}

/** The path a modifier field writes, up to its first positional part (`a.$.b`, `a.$[x]` → `a`). */
function writtenPath(path: string): string {
  const parts = path.split('.');
  const cut = parts.findIndex((p) => p.startsWith('$'));
  return (cut === -1 ? parts : parts.slice(0, cut)).join('.');
}

const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An integer amount as a BigInt, or null when it is not one (then the result is a double, as in MongoDB). */
function integerAmount(v: unknown): bigint | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : null;
  const t = (v as Wrapped | null)?._bsontype;
  if (t === 'Long') return (v as Long).toBigInt();
  if (t === 'Int32') return BigInt((v as unknown as { value: number }).value);
  return null;
}

/**
 * Runs an in-place update on a private copy. mingo computes with plain numbers, so only the Long
 * and Decimal128 values under the paths the modifier writes become numbers for it, and come back
 * as their type afterwards: every other value, e.g. a Long above 2^53 or a Decimal128 elsewhere
 * in the document, is left exactly as it was. `$inc` and `$mul` of a Long by an integer are done
 * here in 64-bit integer arithmetic, as MongoDB does, so they stay exact.
 */
export function updateKeepingLongs(doc: Doc, modifier: Doc, run: (numericDoc: Doc, numericModifier: Doc) => void): Doc {
  const written: string[] = [];
  const longsWritten: string[] = [];
  for (const [op, fields] of Object.entries(modifier)) {
    if (!fields || typeof fields !== 'object') continue;
    for (const [p, v] of Object.entries(fields as Doc)) {
      written.push(writtenPath(p));
      if (op === '$rename' && typeof v === 'string') written.push(writtenPath(v));
      if (op !== '$unset' && op !== '$rename' && (v as Wrapped | null)?._bsontype === 'Long') longsWritten.push(p);
    }
  }
  const wrappers: Array<{ path: string; type: string }> = [];
  wrapperPaths(doc, '', wrappers);
  const touched = wrappers.filter((w) => written.some((p) => overlaps(w.path, p)));
  let mod = modifier;
  // Exact 64-bit $inc / $mul of a Long field by an integer.
  for (const op of ['$inc', '$mul'] as const) {
    const fields = mod[op] as Doc | undefined;
    if (!fields || typeof fields !== 'object') continue;
    for (const [p, amount] of Object.entries(fields)) {
      const current = getAt(doc, p);
      const by = integerAmount(amount);
      if ((current as Wrapped | null)?._bsontype !== 'Long' || by === null) continue;
      const value = op === '$inc' ? (current as Long).toBigInt() + by : (current as Long).toBigInt() * by;
      if (value < INT64_MIN || value > INT64_MAX) {
        throw new Error(`Failed to apply ${op} operations to current value (${String(current)}) for document {_id: ${String(doc._id)}}: integer overflow`);
      }
      setAt(doc, p, Long.fromBigInt(value));
      const rest = { ...fields };
      delete rest[p];
      mod = { ...mod, [op]: rest };
      if (Object.keys(rest).length === 0) {
        const { [op]: _gone, ...others } = mod;
        mod = others;
      }
    }
  }
  const remaining = touched.filter((w) => (getAt(doc, w.path) as Wrapped | null)?._bsontype === w.type);
  if (Object.keys(mod).length === 0) return doc;
  if (remaining.length === 0 && !containsWrapper(mod)) {
    run(doc, mod);
    return doc;
  }
  for (const w of remaining) setAt(doc, w.path, unwrap(getAt(doc, w.path) as Wrapped));
  run(doc, convert(mod) as Doc);
  // Back to their BSON types: where a Long or Decimal128 was (and is still a number), where a Long was written.
  for (const w of remaining) {
    const value = getAt(doc, w.path);
    if (typeof value !== 'number') continue;
    if (w.type === 'Long' && Number.isInteger(value)) setAt(doc, w.path, Long.fromNumber(value));
    else if (w.type === 'Decimal128') setAt(doc, w.path, Decimal128.fromString(String(value)));
  }
  for (const p of longsWritten) {
    const value = getAt(doc, p);
    if (typeof value === 'number' && Number.isInteger(value)) setAt(doc, p, Long.fromNumber(value));
  }
  return doc;
}
