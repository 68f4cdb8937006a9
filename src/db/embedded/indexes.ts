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

/**
 * The documents holding one key: a single document's key string (most keys of a unique index,
 * most participants of a compound index led by the participant) or a set of them.
 */
type Holders = string | Set<string>;

function addHolder(map: Map<string, Holders>, key: string, docKey: string): void {
  const h = map.get(key);
  if (h === undefined) map.set(key, docKey);
  else if (typeof h === 'string') {
    if (h !== docKey) map.set(key, new Set([h, docKey]));
  } else h.add(docKey);
}

/** Removes a holder; returns whether the key has none left. */
function removeHolder(map: Map<string, Holders>, key: string, docKey: string): boolean {
  const h = map.get(key);
  if (h === undefined) return false;
  if (typeof h === 'string') {
    if (h !== docKey) return false;
    map.delete(key);
    return true;
  }
  h.delete(docKey);
  if (h.size === 1) map.set(key, h.values().next().value!);
  else if (h.size === 0) {
    map.delete(key);
    return true;
  }
  return false;
}

function holderCount(h: Holders | undefined): number {
  return h === undefined ? 0 : typeof h === 'string' ? 1 : h.size;
}

function holdersOf(h: Holders | undefined): Iterable<string> {
  return h === undefined ? [] : typeof h === 'string' ? [h] : h;
}

/**
 * One index of a collection: key strings → the `_id` keys of the documents holding them. Nothing
 * is kept per document beyond its entries: stored documents never change in place, so the keys a
 * document was indexed under are computed again from it when it is removed or replaced.
 */
export class Index {
  readonly spec: IndexSpec;
  readonly fields: readonly string[];
  readonly unique: boolean;
  readonly sparse: boolean;
  private readonly partial: Query | null;
  /**
   * Whether full keys are kept in `entries`: a unique index checks them and a single-field index
   * looks documents up by them. A non-unique compound index answers lookups from `leadingBuckets`
   * alone, so it skips them.
   */
  private readonly keyed: boolean;
  /** Index key → documents with that key (only when `keyed`). */
  private readonly entries = new Map<string, Holders>();
  /** Compound indexes: leading-field key → documents (single-field indexes use `entries`). */
  private readonly leadingBuckets = new Map<string, Holders>();
  /** Leading-field key → a representative value (for ordering range scans). */
  private readonly leadingValues = new Map<string, unknown>();
  /** Leading keys in BSON order, built on the first range query; later keys wait in `pendingLeading`. */
  private sortedLeading: Array<[unknown, string]> | null = null;
  private pendingLeading: Array<[unknown, string]> = [];
  /** Set once a document indexed an array: ranges then use one bound only (bounds may match different elements). */
  private multikey = false;

  /** Every field top-level, neither sparse nor partial: a document's key is read without building lists (simpleKey). */
  private readonly topLevel: boolean;
  /** What simpleKey found: the leading field's key and value, and the full key (when keyed). */
  private simpleLeadKey = '';
  private simpleLeadValue: unknown = null;
  private simpleFullKey = '';
  private readonly keyParts: string[] = [];

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.keys(spec.key);
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    this.keyed = this.unique || this.fields.length === 1;
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression) : null;
    this.topLevel = !this.sparse && !this.partial && this.fields.every((f) => !f.includes('.'));
  }

  /**
   * The common case, without the lists `fieldValues` builds (the start indexes millions of
   * documents): top-level fields, none of the fields read holding an array. Sets the simple*
   * fields and returns true, or returns false for the general path.
   */
  private simpleKey(doc: Doc): boolean {
    if (!this.topLevel) return false;
    const fields = this.fields;
    const f0 = fields[0]!;
    const v0 = f0 in doc ? doc[f0] : undefined;
    if (Array.isArray(v0)) return false;
    const lead = v0 === undefined ? null : v0;
    const leadKey = valueKey(lead);
    let full = leadKey;
    if (this.keyed && fields.length > 1) {
      // Joined once (flat): a chain of concatenations would be kept as one object per part.
      const parts = this.keyParts;
      parts[0] = leadKey;
      for (let i = 1; i < fields.length; i++) {
        const f = fields[i]!;
        const v = f in doc ? doc[f] : undefined;
        if (Array.isArray(v)) return false;
        parts[i] = valueKey(v === undefined ? null : v);
      }
      full = parts.join('\u0000');
    }
    this.simpleLeadKey = leadKey;
    this.simpleLeadValue = lead;
    this.simpleFullKey = full;
    return true;
  }

  /** Whether an equality/range lookup on the leading field may use this index (it holds every document). */
  get coversAllDocuments(): boolean {
    return !this.sparse && !this.partial;
  }

  /** The values of one field of a document (missing → null; arrays → their elements). */
  private valuesAt(doc: Doc, field: string): unknown[] {
    const values: unknown[] = [];
    for (const v of getPathValues(doc, field)) {
      if (Array.isArray(v)) {
        this.multikey = true;
        if (v.length === 0) values.push(undefined);
        else values.push(...v);
      } else values.push(v);
    }
    return values.length ? values : [null];
  }

  /** The per-field value lists of a document, or null when a sparse or partial index leaves it out. */
  private fieldValues(doc: Doc): unknown[][] | null {
    const perField = this.fields.map((f) => this.valuesAt(doc, f));
    if (this.sparse && !this.fields.some((f) => getPathValues(doc, f).length > 0)) return null;
    if (this.partial && !this.partial.test(doc)) return null;
    return perField;
  }

  /** What this index reads of a document: every field when keyed (or partial/sparse), else the leading one. */
  private indexedValues(doc: Doc): unknown[][] | null {
    return this.keyed || !this.coversAllDocuments ? this.fieldValues(doc) : [this.valuesAt(doc, this.fields[0]!)];
  }

  /** Every key a document has in this index (one per multikey combination), or null when not indexed. */
  keysOf(doc: Doc): { keys: string[]; leading: Array<[string, unknown]> } | null {
    const perField = this.fieldValues(doc);
    return perField ? { keys: this.keysFrom(perField), leading: leadingOf(perField) } : null;
  }

  private keysFrom(perField: unknown[][]): string[] {
    if (perField.every((values) => values.length === 1)) {
      // One value per field (no arrays): one key, joined into one flat string (a chain of
      // concatenations would be kept as such, several objects per document).
      return [perField.map((values) => valueKey(values[0] === undefined ? null : values[0])).join('\u0000')];
    }
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
    return [...new Set(combos)];
  }

  /** Throws a duplicate-key error if adding this document would break uniqueness. */
  checkUnique(docKey: string, doc: Doc, ns: string): void {
    if (!this.unique) return;
    if (this.simpleKey(doc)) {
      for (const h of holdersOf(this.entries.get(this.simpleFullKey))) if (h !== docKey) throw duplicateKeyError(ns, this, doc);
      return;
    }
    const k = this.keysOf(doc);
    if (!k) return;
    for (const key of k.keys) {
      for (const h of holdersOf(this.entries.get(key))) if (h !== docKey) throw duplicateKeyError(ns, this, doc);
    }
  }

  private bucket(leadingKey: string): Holders | undefined {
    return this.fields.length === 1 ? this.entries.get(leadingKey) : this.leadingBuckets.get(leadingKey);
  }

  add(docKey: string, doc: Doc): void {
    if (this.simpleKey(doc)) {
      const lk = this.simpleLeadKey;
      if (this.keyed) addHolder(this.entries, this.simpleFullKey, docKey);
      if (this.fields.length > 1) addHolder(this.leadingBuckets, lk, docKey);
      if (!this.leadingValues.has(lk)) {
        this.leadingValues.set(lk, this.simpleLeadValue);
        if (this.sortedLeading) this.pendingLeading.push([this.simpleLeadValue, lk]);
      }
      return;
    }
    const perField = this.indexedValues(doc);
    if (!perField) return;
    if (this.keyed) for (const key of this.keysFrom(perField)) addHolder(this.entries, key, docKey);
    for (const [lk, lv] of leadingOf(perField)) {
      if (this.fields.length > 1) addHolder(this.leadingBuckets, lk, docKey);
      if (!this.leadingValues.has(lk)) {
        this.leadingValues.set(lk, lv);
        if (this.sortedLeading) this.pendingLeading.push([lv, lk]);
      }
    }
  }

  /**
   * Whether a replacement leaves this index's entries as they were (an update of fields it does
   * not read), so replace() can skip removing and re-adding the document: doing so churned the
   * index's sets of holders (a million-document updateMany rebuilt sets of a million keys again
   * and again, garbage that sets off full collections). Only for top-level fields; the same value
   * objects or the same key strings. Stored documents never change in place, so the same object
   * holds the same values.
   */
  sameEntries(oldDoc: Doc, newDoc: Doc): boolean {
    if (!this.topLevel) return false;
    let shared = true;
    for (const f of this.fields) {
      if (oldDoc[f] !== newDoc[f] || f in oldDoc !== f in newDoc) {
        shared = false;
        break;
      }
    }
    if (shared) return true;
    if (!this.simpleKey(oldDoc)) return false;
    const lead = this.simpleLeadKey;
    const full = this.simpleFullKey;
    return this.simpleKey(newDoc) && this.simpleLeadKey === lead && this.simpleFullKey === full;
  }

  /** Removes a document, given as it was added (stored documents never change in place). */
  remove(docKey: string, doc: Doc): void {
    if (this.simpleKey(doc)) {
      const lk = this.simpleLeadKey;
      if (this.keyed && removeHolder(this.entries, this.simpleFullKey, docKey) && this.fields.length === 1) this.leadingValues.delete(lk);
      if (this.fields.length > 1 && removeHolder(this.leadingBuckets, lk, docKey)) this.leadingValues.delete(lk);
      return;
    }
    const perField = this.indexedValues(doc);
    if (!perField) return;
    if (this.keyed) {
      for (const key of this.keysFrom(perField)) {
        if (removeHolder(this.entries, key, docKey) && this.fields.length === 1) this.leadingValues.delete(key);
      }
    }
    if (this.fields.length > 1) {
      for (const [lk] of leadingOf(perField)) if (removeHolder(this.leadingBuckets, lk, docKey)) this.leadingValues.delete(lk);
    }
    // sortedLeading keeps removed keys until its next rebuild: scans skip keys without a bucket.
  }

  /**
   * Whether documents can be looked up by a value of every field (`lookupFullKey`): a unique or
   * single-field index keeps full keys, and one over every document misses none.
   */
  get fullKeyLookup(): boolean {
    return this.keyed && this.fields.length > 1 && this.coversAllDocuments;
  }

  /** How many documents a full-key lookup would return (one list of values per field, in index order). */
  countFullKey(valuesPerField: unknown[][]): number {
    let n = 0;
    for (const key of this.keysFrom(valuesPerField)) n += holderCount(this.entries.get(key));
    return n;
  }

  /**
   * Ids of documents whose every field equals one of its values: a participant by (bot, channel,
   * user id) without reading every participant of the bot, as a lookup by the leading field would.
   */
  lookupFullKey(valuesPerField: unknown[][]): Set<string> {
    const out = new Set<string>();
    for (const key of this.keysFrom(valuesPerField)) for (const id of holdersOf(this.entries.get(key))) out.add(id);
    return out;
  }

  /** How many documents an equality lookup would return (cheap: no set is built). */
  countEqual(values: unknown[]): number {
    let n = 0;
    for (const v of values) n += holderCount(this.bucket(valueKey(v)));
    return n;
  }

  /**
   * Ids of documents whose leading field equals one of the values (compound: prefix match). For
   * one value this is the index's own set: read it before changing the collection.
   */
  lookupEqual(values: unknown[]): Iterable<string> {
    if (values.length === 1) return holdersOf(this.bucket(valueKey(values[0])));
    const out = new Set<string>();
    for (const v of values) for (const id of holdersOf(this.bucket(valueKey(v)))) out.add(id);
    return out;
  }

  private sortedLeadingKeys(): Array<[unknown, string]> {
    const byValue = (a: [unknown, string], b: [unknown, string]) => compareValues(a[0], b[0]);
    if (!this.sortedLeading || this.sortedLeading.length > 2 * this.leadingValues.size + 64) {
      this.sortedLeading = [...this.leadingValues.entries()].map(([k, v]): [unknown, string] => [v, k]).sort(byValue);
      this.pendingLeading = [];
    } else if (this.pendingLeading.length) {
      // Merge the few keys added since the last scan instead of sorting everything again.
      const added = this.pendingLeading.sort(byValue);
      const merged: Array<[unknown, string]> = [];
      let i = 0;
      let j = 0;
      const old = this.sortedLeading;
      while (i < old.length || j < added.length) {
        if (j >= added.length || (i < old.length && byValue(old[i]!, added[j]!) <= 0)) merged.push(old[i++]!);
        else merged.push(added[j++]!);
      }
      this.sortedLeading = merged;
      this.pendingLeading = [];
    }
    return this.sortedLeading;
  }

  /** Ids of documents whose leading field lies in a range (type-bracketed like MongoDB's $gt/$lt). */
  lookupRange(lower: { value: unknown; inclusive: boolean } | null, upper: { value: unknown; inclusive: boolean } | null): Set<string> {
    const sorted = this.sortedLeadingKeys();
    if (this.multikey && lower && upper) upper = null;
    const ids = new Set<string>();
    let start = 0;
    if (lower) {
      // Binary search for the first key not below the lower bound.
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareValues(sorted[mid]![0], lower.value) < 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    for (let i = start; i < sorted.length; i++) {
      const [value, lk] = sorted[i]!;
      if (lower && !lower.inclusive && compareValues(value, lower.value) === 0) continue;
      if (upper) {
        const d = compareValues(value, upper.value);
        if (d > 0 || (d === 0 && !upper.inclusive)) break;
      }
      for (const id of holdersOf(this.bucket(lk))) ids.add(id);
    }
    return ids;
  }

  clear(): void {
    this.entries.clear();
    this.leadingBuckets.clear();
    this.leadingValues.clear();
    this.sortedLeading = null;
    this.pendingLeading = [];
    this.multikey = false;
  }
}

/** The keys and values of a document's leading field (one per element when it is an array). */
function leadingOf(perField: unknown[][]): Array<[string, unknown]> {
  return (perField[0] ?? [null]).map((v): [string, unknown] => [valueKey(v ?? null), v ?? null]);
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
    keyValue[f] = values.length ? (Array.isArray(values[0]) ? (values[0][0] ?? null) : values[0]) : null;
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
export function rangeBounds(
  cond: unknown,
): { lower: { value: unknown; inclusive: boolean } | null; upper: { value: unknown; inclusive: boolean } | null } | null {
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
