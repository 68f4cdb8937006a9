import { Long } from 'bson';
import type { Yielder } from './yielder.js';

/**
 * MongoDB's cross-type comparison order (BSON order), used for sort and index range lookups:
 * MinKey < null/missing < numbers < strings < objects < arrays < binary < ObjectId < booleans
 * < dates < timestamps < regexes < MaxKey. Numbers of every BSON type (Int32, Long, Double,
 * Decimal128) compare by value.
 */

type Bsonish = { _bsontype?: string };

/** The rank of a value's type in MongoDB's comparison order. */
export function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'object':
      break;
    default:
      return 4;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  if (v instanceof Uint8Array) return 7;
  switch ((v as Bsonish)._bsontype) {
    case 'MinKey':
      return 1;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
    case 'UUID':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'MaxKey':
      return 13;
    default:
      return 5;
  }
}

/** The numeric value of any BSON number (Long and Decimal128 included). */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = (v as Bsonish)._bsontype;
  if (t === 'Long') return (v as Long).toNumber();
  if (t === 'Int32' || t === 'Double') return (v as { value: number }).value;
  if (t === 'Decimal128') return Number.parseFloat(String(v));
  return Number.NaN;
}

function cmp(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: unknown, b: unknown): number {
  if ((a as Bsonish)?._bsontype === 'Long' && (b as Bsonish)?._bsontype === 'Long') return (a as Long).compare(b as Long);
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1; // NaN sorts before every number in MongoDB
  if (Number.isNaN(y)) return 1;
  return cmp(x, y);
}

function bytesOf(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  return (v as { buffer: Uint8Array }).buffer;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return cmp(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  const r = v as { pattern: string; options: string };
  return [r.pattern, r.options];
}

/** Compares two values in BSON order; arrays compare element by element (not min/max). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return compareNumbers(a, b);
    case 4:
      return cmp(String(a), String(b));
    case 5:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
    case 6: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const d = compareValues(xa[i], xb[i]);
        if (d !== 0) return d;
      }
      return cmp(xa.length, xb.length);
    }
    case 7: {
      const ba = bytesOf(a);
      const bb = bytesOf(b);
      if (ba.length !== bb.length) return cmp(ba.length, bb.length);
      const sa = (a as { sub_type?: number }).sub_type ?? 0;
      const sb = (b as { sub_type?: number }).sub_type ?? 0;
      if (sa !== sb) return cmp(sa, sb);
      return compareBytes(ba, bb);
    }
    case 8:
      return compareBytes((a as { id: Uint8Array }).id, (b as { id: Uint8Array }).id);
    case 9:
      return cmp(Number(a), Number(b));
    case 10:
      return cmp((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const ta = a as { high: number; low: number };
      const tb = b as { high: number; low: number };
      return ta.high !== tb.high ? cmp(ta.high >>> 0, tb.high >>> 0) : cmp(ta.low >>> 0, tb.low >>> 0);
    }
    case 12: {
      // Regular expressions (BSONRegExp as decoded, or RegExp): by pattern, then options.
      const [pa, oa] = regexParts(a);
      const [pb, ob] = regexParts(b);
      return pa !== pb ? cmp(pa, pb) : cmp(oa, ob);
    }
    default:
      return cmp(String(a), String(b));
  }
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const d = compareValues(a[ka[i]!], b[kb[i]!]);
    if (d !== 0) return d;
    const k = cmp(ka[i]!, kb[i]!);
    if (k !== 0) return k;
  }
  return cmp(ka.length, kb.length);
}

/** Whether two values are equal as MongoDB's `$eq` sees them (1 == 1.0 == Long(1)). */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}

/** Reads a dotted path; arrays along the way contribute every element's value (flattened one level). */
export function getPathValues(doc: unknown, path: string): unknown[] {
  // A top-level field of a document: the common case of every index entry and most filters.
  if (!path.includes('.') && doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    return path in doc ? [(doc as Record<string, unknown>)[path]] : [];
  }
  const parts = path.split('.');
  let current: unknown[] = [doc];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        const idx = /^\d+$/.test(part) ? Number(part) : -1;
        if (idx >= 0 && idx < v.length) next.push(v[idx]);
        for (const el of v) {
          if (el !== null && typeof el === 'object' && !Array.isArray(el) && part in (el as object)) {
            next.push((el as Record<string, unknown>)[part]);
          }
        }
      } else if (part in (v as object)) {
        next.push((v as Record<string, unknown>)[part]);
      }
    }
    current = next;
  }
  return current;
}

/** The key a document sorts by for one field: missing is null; arrays use their min (asc) or max (desc). */
export function sortKey(doc: unknown, path: string, direction: 1 | -1): unknown {
  const values = getPathValues(doc, path);
  const flat: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) {
      if (v.length === 0) flat.push(undefined);
      else flat.push(...v);
    } else flat.push(v);
  }
  if (flat.length === 0) return null;
  let best = flat[0];
  for (let i = 1; i < flat.length; i++) {
    const d = compareValues(flat[i], best);
    if (direction === 1 ? d < 0 : d > 0) best = flat[i];
  }
  return best;
}

export type SortSpec = ReadonlyArray<readonly [string, 1 | -1]>;

/** Parses `{a: 1, b: -1}` into an ordered spec. */
export function parseSort(sort: unknown): SortSpec | null {
  if (!sort || typeof sort !== 'object') return null;
  const spec: Array<[string, 1 | -1]> = [];
  for (const [k, v] of Object.entries(sort as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object') continue; // {$meta: ...} is not supported: ignored
    spec.push([k, toNumber(v) < 0 ? -1 : 1]);
  }
  return spec.length ? spec : null;
}

/**
 * A sort key prepared for fast comparison: its type rank, and for the common types (numbers,
 * strings, dates, ObjectIds, booleans, null) a primitive that `<` orders as MongoDB does, so a
 * comparison of a million answers by date and `_id` never calls `compareValues`.
 */
interface PreparedKey {
  readonly r: number;
  /** The primitive, or undefined when `raw` must be compared with `compareValues`. */
  readonly p: number | string | undefined;
  readonly raw: unknown;
}

function prepareKey(v: unknown): PreparedKey {
  const r = typeRank(v);
  switch (r) {
    case 2:
      return { r, p: 0, raw: v };
    case 3:
      // NaN sorts below every number; Long and Decimal128 keep their exact comparison.
      return typeof v === 'number' && !Number.isNaN(v) ? { r, p: v, raw: v } : { r, p: undefined, raw: v };
    case 4:
      return typeof v === 'string' ? { r, p: v, raw: v } : { r, p: undefined, raw: v };
    case 8:
      return { r, p: (v as { toHexString(): string }).toHexString(), raw: v };
    case 9:
      return { r, p: v ? 1 : 0, raw: v };
    case 10:
      return { r, p: (v as Date).getTime(), raw: v };
    default:
      return { r, p: undefined, raw: v };
  }
}

function comparePrepared(a: PreparedKey, b: PreparedKey): number {
  if (a.r !== b.r) return a.r < b.r ? -1 : 1;
  if (a.p !== undefined && b.p !== undefined) return a.p < b.p ? -1 : a.p > b.p ? 1 : 0;
  return compareValues(a.raw, b.raw);
}

interface SortEntry<T> {
  readonly doc: T;
  readonly i: number;
  readonly keys: PreparedKey[];
}

function entryComparator(spec: SortSpec): (x: SortEntry<unknown>, y: SortEntry<unknown>) => number {
  const directions = spec.map(([, d]) => d);
  return (x, y) => {
    for (let k = 0; k < directions.length; k++) {
      const d = comparePrepared(x.keys[k]!, y.keys[k]!);
      if (d !== 0) return d * directions[k]!;
    }
    return x.i - y.i;
  };
}

function entryOf<T>(doc: T, i: number, spec: SortSpec): SortEntry<T> {
  return { doc, i, keys: spec.map(([p, d]) => prepareKey(sortKey(doc, p, d))) };
}

/** Sorts documents in MongoDB's order (stable; ties keep natural order). */
export function sortDocuments<T>(docs: T[], spec: SortSpec): T[] {
  const keyed = docs.map((doc, i) => entryOf(doc, i, spec));
  keyed.sort(entryComparator(spec));
  return keyed.map((k) => k.doc);
}

/** Runs sorted with `Array.prototype.sort`, then merged pairwise: each step is short. */
const SORT_RUN = 2048;

/**
 * One sort field's keys for every document, in typed arrays: a rank, and a number for numbers,
 * dates, booleans and null, else the value itself. A million answers sorted by date then `_id`
 * thus leave no per-document objects behind for the garbage collector (whose pauses on a heap of
 * that size would otherwise stop every client).
 */
interface KeyColumn {
  readonly rank: Uint8Array;
  /** 1 when `num` holds the key, 0 when `ref` does. */
  readonly numeric: Uint8Array;
  readonly num: Float64Array;
  readonly ref: unknown[];
  readonly direction: 1 | -1;
}

function setColumnKey(c: KeyColumn, i: number, v: unknown): void {
  const r = typeRank(v);
  c.rank[i] = r;
  if (r === 2) {
    c.numeric[i] = 1;
    c.num[i] = 0;
  } else if (r === 3 && typeof v === 'number' && !Number.isNaN(v)) {
    c.numeric[i] = 1;
    c.num[i] = v;
  } else if (r === 9) {
    c.numeric[i] = 1;
    c.num[i] = v ? 1 : 0;
  } else if (r === 10) {
    c.numeric[i] = 1;
    c.num[i] = (v as Date).getTime();
  } else {
    c.ref[i] = v;
  }
}

function compareColumn(c: KeyColumn, a: number, b: number): number {
  const ra = c.rank[a]!;
  const rb = c.rank[b]!;
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (c.numeric[a] && c.numeric[b]) {
    const x = c.num[a]!;
    const y = c.num[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = c.numeric[a] ? c.num[a] : c.ref[a];
  const y = c.numeric[b] ? c.num[b] : c.ref[b];
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  return compareValues(x, y);
}

/**
 * `sortDocuments` in slices: keys are read into columns, runs of 2,048 sorted and the runs merged
 * bottom-up, giving the event loop back whenever the yielder says so. The same order as
 * `sortDocuments` (stable; ties keep natural order).
 */
export async function sortDocumentsAsync<T>(docs: T[], spec: SortSpec, y: Yielder): Promise<T[]> {
  if (docs.length <= SORT_RUN) return sortDocuments(docs, spec);
  const n = docs.length;
  const columns: KeyColumn[] = spec.map(([, direction]) => ({
    rank: new Uint8Array(n),
    numeric: new Uint8Array(n),
    num: new Float64Array(n),
    ref: new Array<unknown>(n),
    direction,
  }));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < spec.length; k++) setColumnKey(columns[k]!, i, sortKey(docs[i], spec[k]![0], spec[k]![1]));
    if (y.due()) await y.pause();
  }
  const compare = (a: number, b: number) => {
    for (let k = 0; k < columns.length; k++) {
      const d = compareColumn(columns[k]!, a, b);
      if (d !== 0) return d * columns[k]!.direction;
    }
    return a - b;
  };
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let start = 0; start < n; start += SORT_RUN) {
    order.subarray(start, Math.min(n, start + SORT_RUN)).sort(compare);
    if (y.due()) await y.pause();
  }
  let next = new Uint32Array(n);
  for (let width = SORT_RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        next[k++] = compare(order[i]!, order[j]!) <= 0 ? order[i++]! : order[j++]!;
        if (y.due()) await y.pause();
      }
      while (i < mid) next[k++] = order[i++]!;
      while (j < hi) next[k++] = order[j++]!;
    }
    [order, next] = [next, order];
  }
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = docs[order[i]!]!;
  return out;
}

/**
 * The first `k` documents in sort order, without sorting everything: O(n log k) with a bounded
 * sorted buffer (leaderboards: the top 10 of 100,000 participants). Ties keep natural order.
 */
export function topDocuments<T>(docs: Iterable<T>, spec: SortSpec, k: number): T[] {
  type Entry = SortEntry<T>;
  const cmp = entryComparator(spec) as (x: Entry, y: Entry) => number;
  const buffer: Entry[] = [];
  let i = 0;
  for (const doc of docs) {
    const entry = entryOf(doc, i++, spec);
    if (buffer.length === k && cmp(entry, buffer[k - 1]!) >= 0) continue;
    let lo = 0;
    let hi = buffer.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(buffer[mid]!, entry) <= 0) lo = mid + 1;
      else hi = mid;
    }
    buffer.splice(lo, 0, entry);
    if (buffer.length > k) buffer.pop();
  }
  return buffer.map((e) => e.doc);
}
