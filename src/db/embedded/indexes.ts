import { Query } from 'mingo';
import { compareValues, getPathValues } from './compare.js';
import { CommandError } from './errors.js';
import { isIndexableScalar, valueKey } from './keys.js';

export type Doc = Record<string, unknown>;

/** An index as listIndexes shows it (`v`, `key`, `name` plus options such as unique, sparse). */
export interface IndexSpec {
  v?: number;
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Doc;
  [option: string]: unknown;
}

/** Options compared when an index with the same name or key is created again. */
const IDENTITY_OPTIONS = ['unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds', 'collation'];

/** The default name MongoDB gives an index: `a_1_b_-1`. */
export function defaultIndexName(key: Record<string, unknown>): string {
  return Object.entries(key)
    .map(([k, v]) => `${k}_${String(v)}`)
    .join('_');
}

/** Whether two specs describe the same index options (so re-creating one is a no-op). */
export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return IDENTITY_OPTIONS.every((o) => JSON.stringify(a[o] ?? null) === JSON.stringify(b[o] ?? null) || (o === 'unique' && !a[o] === !b[o]));
}

/** One index of a collection: key strings → the `_id` keys of the documents holding them. */
export class Index {
  readonly spec: IndexSpec;
  readonly fields: readonly string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  private readonly partial: Query | null;
  /** Index key → ids (doc key strings) of documents with that key. */
  private readonly entries = new Map<string, Set<string>>();
  /** Doc key → the index keys it contributed (to remove them). */
  private readonly docKeys = new Map<string, string[]>();
  /** For the leading field: index key → a representative value, and a lazily sorted key list. */
  private readonly leadingValues = new Map<string, unknown>();
  private sortedLeading: Array<[unknown, string]> | null = null;
  /** Set once a document indexed an array: ranges then use one bound only (bounds may match different elements). */
  private multikey = false;

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression) : null;
  }

  /** Whether an equality/range lookup on the leading field may use this index (it holds every document). */
  get coversAllDocuments(): boolean {
    return !this.sparse && !this.partial;
  }

  /** The per-field value lists of a document (missing → null; arrays → their elements). */
  private fieldValues(doc: Doc): unknown[][] | null {
    const perField: unknown[][] = [];
    let anyPresent = false;
    for (const f of this.fields) {
      const raw = getPathValues(doc, f);
      const values: unknown[] = [];
      for (const v of raw) {
        if (Array.isArray(v)) {
          this.multikey = true;
          if (v.length === 0) values.push(undefined);
          else values.push(...v);
        } else values.push(v);
      }
      if (values.length) anyPresent = true;
      perField.push(values.length ? values : [null]);
    }
    if (this.sparse && !anyPresent) return null;
    if (this.partial && !this.partial.test(doc)) return null;
    return perField;
  }

  /** Every key a document has in this index (one per multikey combination), or null when not indexed. */
  keysOf(doc: Doc): { keys: string[]; leading: Array<[string, unknown]> } | null {
    const perField = this.fieldValues(doc);
    if (!perField) return null;
    let combos: string[] = [''];
    perField.forEach((values, i) => {
      const next: string[] = [];
      const seen = new Set<string>();
      for (const v of values) {
        const k = valueKey(v === undefined ? null : v);
        if (seen.has(k)) continue;
        seen.add(k);
        for (const c of combos) next.push(i === 0 ? k : `${c}\u0000${k}`);
      }
      combos = next;
    });
    const leading = (perField[0] ?? [null]).map((v): [string, unknown] => [valueKey(v ?? null), v ?? null]);
    return { keys: [...new Set(combos)], leading };
  }

  /** Throws a duplicate-key error if adding this document would break uniqueness. */
  checkUnique(docKey: string, doc: Doc, ns: string): void {
    if (!this.unique) return;
    const k = this.keysOf(doc);
    if (!k) return;
    for (const key of k.keys) {
      const holders = this.entries.get(key);
      if (!holders) continue;
      for (const h of holders) if (h !== docKey) throw duplicateKeyError(ns, this, doc);
    }
  }

  add(docKey: string, doc: Doc): void {
    const k = this.keysOf(doc);
    if (!k) return;
    this.docKeys.set(docKey, k.keys);
    for (const key of k.keys) {
      let set = this.entries.get(key);
      if (!set) this.entries.set(key, (set = new Set()));
      set.add(docKey);
    }
    for (const [lk, lv] of k.leading) {
      if (!this.leadingValues.has(lk)) {
        this.leadingValues.set(lk, lv);
        this.sortedLeading = null;
      }
    }
  }

  remove(docKey: string): void {
    const keys = this.docKeys.get(docKey);
    if (!keys) return;
    this.docKeys.delete(docKey);
    for (const key of keys) {
      const set = this.entries.get(key);
      if (!set) continue;
      set.delete(docKey);
      if (set.size === 0) this.entries.delete(key);
    }
    // leadingValues may keep stale keys: lookups then find no entries, which is harmless.
  }

  /** Ids of documents whose leading field equals one of the values (compound: prefix match). */
  lookupEqual(values: unknown[]): Set<string> {
    const out = new Set<string>();
    for (const v of values) {
      const lk = valueKey(v);
      if (this.fields.length === 1) {
        for (const id of this.entries.get(lk) ?? []) out.add(id);
      } else {
        if (!this.leadingValues.has(lk)) continue;
        const prefix = `${lk}\u0000`;
        for (const [key, ids] of this.entries) if (key.startsWith(prefix)) for (const id of ids) out.add(id);
      }
    }
    return out;
  }

  /** Ids of documents whose leading field lies in a range (type-bracketed like MongoDB's $gt/$lt). */
  lookupRange(lower: { value: unknown; inclusive: boolean } | null, upper: { value: unknown; inclusive: boolean } | null): Set<string> {
    if (!this.sortedLeading) {
      this.sortedLeading = [...this.leadingValues.entries()].map(([k, v]): [unknown, string] => [v, k]);
      this.sortedLeading.sort((a, b) => compareValues(a[0], b[0]));
    }
    if (this.multikey && lower && upper) upper = null;
    const out = new Set<string>();
    for (const [value, lk] of this.sortedLeading) {
      if (lower) {
        const d = compareValues(value, lower.value);
        if (d < 0 || (d === 0 && !lower.inclusive)) continue;
      }
      if (upper) {
        const d = compareValues(value, upper.value);
        if (d > 0 || (d === 0 && !upper.inclusive)) break;
      }
      out.add(lk);
    }
    const ids = new Set<string>();
    for (const lk of out) {
      if (this.fields.length === 1) for (const id of this.entries.get(lk) ?? []) ids.add(id);
      else {
        const prefix = `${lk}\u0000`;
        for (const [key, set] of this.entries) if (key.startsWith(prefix)) for (const id of set) ids.add(id);
      }
    }
    return ids;
  }

  clear(): void {
    this.entries.clear();
    this.docKeys.clear();
    this.leadingValues.clear();
    this.sortedLeading = null;
    this.multikey = false;
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === 'ObjectId') return `ObjectId('${(v as { toHexString(): string }).toHexString()}')`;
  return String(v);
}

/** MongoDB's E11000 error, with the keyPattern and keyValue mongoose reads. */
export function duplicateKeyError(ns: string, index: Index, doc: Doc): CommandError {
  const keyValue: Doc = {};
  for (const f of index.fields) {
    const values = getPathValues(doc, f);
    keyValue[f] = values.length ? (Array.isArray(values[0]) ? values[0][0] ?? null : values[0]) : null;
  }
  const shown = Object.entries(keyValue)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(', ');
  return new CommandError('DuplicateKey', `E11000 duplicate key error collection: ${ns} index: ${index.spec.name} dup key: { ${shown} }`, {
    keyPattern: index.spec.key,
    keyValue,
  });
}

/** Whether a filter value is a plain equality the index can serve. */
export function equalityValues(cond: unknown): unknown[] | null {
  if (cond !== null && typeof cond === 'object' && !Array.isArray(cond) && !(cond instanceof Date) && !(cond as { _bsontype?: string })._bsontype) {
    const ops = cond as Doc;
    const keys = Object.keys(ops);
    if (keys.length === 0 || !keys.every((k) => k.startsWith('$'))) return null;
    if ('$eq' in ops && isIndexableScalar(ops.$eq)) return [ops.$eq];
    if ('$in' in ops && Array.isArray(ops.$in) && ops.$in.every(isIndexableScalar)) return ops.$in;
    return null;
  }
  return isIndexableScalar(cond) ? [cond] : null;
}

/** A range on one field from `$gt/$gte/$lt/$lte`, bracketed to the bound's type. */
export function rangeBounds(cond: unknown): { lower: { value: unknown; inclusive: boolean } | null; upper: { value: unknown; inclusive: boolean } | null } | null {
  if (cond === null || typeof cond !== 'object' || Array.isArray(cond) || (cond as { _bsontype?: string })._bsontype || cond instanceof Date) return null;
  const ops = cond as Doc;
  let lower: { value: unknown; inclusive: boolean } | null = null;
  let upper: { value: unknown; inclusive: boolean } | null = null;
  for (const [op, v] of Object.entries(ops)) {
    if (!isIndexableScalar(v) || v === null) return null;
    if (op === '$gt' || op === '$gte') lower = { value: v, inclusive: op === '$gte' };
    else if (op === '$lt' || op === '$lte') upper = { value: v, inclusive: op === '$lte' };
  }
  if (!lower && !upper) return null;
  return { lower, upper };
}
