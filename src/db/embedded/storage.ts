import { randomUUID } from 'node:crypto';
import { Binary, deserialize, ObjectId } from 'bson';
import { getPathValues } from './compare.js';
import { CommandError } from './errors.js';
import { Index, duplicateKeyError, equalityValues, rangeBounds, type Doc, type IndexSpec } from './indexes.js';
import { valueKey } from './keys.js';
import { DESERIALIZE_OPTIONS } from './wire.js';
import { NEVER, type Yielder } from './yielder.js';

export type { Doc, IndexSpec } from './indexes.js';

/** One durable change, as the journal records it (absolute state, so replaying twice is harmless). */
export type ChangeRecord =
  | { o: 'put'; d: string; c: string; doc: Doc }
  | { o: 'del'; d: string; c: string; id: unknown }
  | { o: 'mkcoll'; d: string; c: string; opts: Doc }
  | { o: 'dropcoll'; d: string; c: string }
  | { o: 'dropdb'; d: string }
  | { o: 'mkidx'; d: string; c: string; spec: IndexSpec }
  | { o: 'dropidx'; d: string; c: string; name: string };

/**
 * Hears every change. `docBytes` is the BSON of a `put` record's document when the writer already
 * encoded it (to measure it against the 16 MiB limit), so the journal does not encode it again.
 */
export type ChangeListener = (record: ChangeRecord, docBytes?: Uint8Array) => void;

/** How a write is applied. */
export interface WriteOptions {
  /** The document's BSON, when already encoded. */
  readonly bytes?: Uint8Array;
}

/** A full-key lookup with `$in`s tries every combination of their values: beyond this many, the leading field serves. */
const MAX_FULL_KEYS = 64;

/** The `_id_` index every collection has (implicit: `docs` is keyed by `_id`). */
export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** A collection: documents in natural (insertion) order keyed by their `_id`, plus secondary indexes. */
export class Collection {
  /** Replaced once, at the end of a replay (Storage.endReplay); otherwise only changed in place. */
  docs = new Map<string, Doc>();
  readonly indexes = new Map<string, Index>();
  /** An `_id` index for range lookups, built on the first `_id` range query and kept up to date after. */
  private idIndex: Index | null = null;
  /**
   * Replaying the data files: indexes are built once at the end (Storage.endReplay) and unique
   * ones not checked. A snapshot written while clients kept writing may hold two documents' states
   * that were never true at once (a value moved from one document to another); the journal after
   * it settles every document to its last state.
   */
  replaying = false;
  /**
   * While replaying: the documents by key in natural order, each a decoded object or the number of
   * its raw BSON in Storage's RawDocs (decoded in endReplay, so a document written many times is
   * decoded once, in its last state).
   */
  replayDocs: Map<string, Doc | number> | null = null;
  readonly uuid = new Binary(Buffer.from(randomUUID().replace(/-/g, ''), 'hex'), Binary.SUBTYPE_UUID);

  constructor(
    readonly db: string,
    readonly name: string,
    readonly options: Doc,
    private readonly emit: ChangeListener,
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** Every index as listIndexes shows it, `_id_` first. */
  indexSpecs(): IndexSpec[] {
    return [ID_INDEX_SPEC, ...[...this.indexes.values()].map((i) => i.spec)];
  }

  private checkUnique(key: string, doc: Doc, replacing: boolean): void {
    if (!replacing && this.docs.has(key)) {
      throw duplicateKeyError(this.ns, new Index(ID_INDEX_SPEC), doc);
    }
    for (const index of this.indexes.values()) index.checkUnique(key, doc, this.ns);
  }

  /** Adds a new document (the caller has set `_id`); throws E11000 on a unique violation. */
  insert(doc: Doc, options: WriteOptions = {}): void {
    if (doc._id === undefined) doc._id = new ObjectId();
    const key = valueKey(doc._id);
    if (this.replayDocs) {
      this.replayDocs.set(key, doc);
      return;
    }
    this.checkUnique(key, doc, false);
    this.docs.set(key, doc);
    for (const index of this.indexes.values()) index.add(key, doc);
    this.idIndex?.add(key, doc);
    this.emit({ o: 'put', d: this.db, c: this.name, doc }, options.bytes);
  }

  /** Replaces a stored document by a new object with the same `_id`. */
  replace(oldDoc: Doc, newDoc: Doc, options: WriteOptions = {}): void {
    const key = valueKey(oldDoc._id);
    if (valueKey(newDoc._id) !== key) {
      throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    if (this.replayDocs) {
      this.replayDocs.set(key, newDoc);
      return;
    }
    this.checkUnique(key, newDoc, true);
    this.docs.set(key, newDoc);
    for (const index of this.indexes.values()) {
      if (index.sameEntries(oldDoc, newDoc)) continue;
      index.remove(key, oldDoc);
      index.add(key, newDoc);
    }
    this.emit({ o: 'put', d: this.db, c: this.name, doc: newDoc }, options.bytes);
  }

  remove(doc: Doc): void {
    const key = valueKey(doc._id);
    if (this.replayDocs) {
      this.replayDocs.delete(key);
      return;
    }
    const stored = this.docs.get(key);
    if (!stored || !this.docs.delete(key)) return;
    for (const index of this.indexes.values()) index.remove(key, stored);
    this.idIndex?.remove(key, stored);
    this.emit({ o: 'del', d: this.db, c: this.name, id: doc._id });
  }

  /** Adds an index over the existing documents; throws E11000 if they already break uniqueness. */
  createIndex(spec: IndexSpec): void {
    const index = new Index(spec);
    if (!this.replaying) {
      for (const [key, doc] of this.docs) {
        index.checkUnique(key, doc, this.ns);
        index.add(key, doc);
      }
    }
    this.indexes.set(spec.name, index);
    this.emit({ o: 'mkidx', d: this.db, c: this.name, spec });
  }

  dropIndex(name: string): void {
    this.indexes.delete(name);
    this.emit({ o: 'dropidx', d: this.db, c: this.name, name });
  }

  /**
   * The documents a filter may match, using `_id` or an index on an equality or range of a
   * top-level field; every document (natural order) when no index applies. The caller still
   * applies the full filter.
   */
  candidates(filter: Doc | undefined): Iterable<Doc> {
    if (!filter) return this.docs.values();
    const ids = this.candidateIds(filter);
    if (!ids) return this.docs.values();
    const docs = this.docs;
    // Lazy, so a query with a limit and no sort stops after the first matches.
    return (function* () {
      for (const id of ids) {
        const d = docs.get(id);
        if (d) yield d;
      }
    })();
  }

  private candidateIds(filter: Doc): Iterable<string> | null {
    // Equalities first: their sizes are known without building anything, so the most selective
    // wins; ranges are only scanned when no equality applies.
    const equalities: Array<{ size: number; ids: () => Iterable<string> }> = [];
    const ranges: Array<() => Set<string>> = [];
    this.collectPlans(filter, equalities, ranges);
    if (equalities.length) {
      let best = equalities[0]!;
      for (const e of equalities) if (e.size < best.size) best = e;
      return best.ids();
    }
    const union = this.orPlan(filter);
    if (union) return union;
    let best: Set<string> | null = null;
    for (const range of ranges) {
      const ids = range();
      if (!best || ids.size < best.size) best = ids;
      if (best.size <= 16) break;
    }
    return best;
  }

  /** `$or` whose every branch can use an index: the union of the branches' candidates. */
  private orPlan(filter: Doc): Set<string> | null {
    const branches = filter.$or;
    if (!Array.isArray(branches) || branches.length === 0) return null;
    const union = new Set<string>();
    for (const branch of branches) {
      if (!branch || typeof branch !== 'object') return null;
      const ids = this.candidateIds(branch as Doc);
      if (!ids) return null;
      for (const id of ids) union.add(id);
    }
    return union;
  }

  private collectPlans(filter: Doc, equalities: Array<{ size: number; ids: () => Iterable<string> }>, ranges: Array<() => Set<string>>): void {
    for (const [field, cond] of Object.entries(filter)) {
      if (field === '$and' && Array.isArray(cond)) {
        for (const sub of cond) if (sub && typeof sub === 'object') this.collectPlans(sub as Doc, equalities, ranges);
        continue;
      }
      if (field.startsWith('$')) continue;
      const eq = equalityValues(cond);
      if (field === '_id') {
        if (eq) {
          const keys = eq.map(valueKey);
          equalities.push({ size: keys.length, ids: () => keys });
        } else {
          const range = rangeBounds(cond);
          if (range && this.docs.size > 64) {
            ranges.push(() => {
              if (!this.idIndex) {
                this.idIndex = new Index(ID_INDEX_SPEC);
                for (const [key, doc] of this.docs) this.idIndex.add(key, doc);
              }
              return this.idIndex.lookupRange(range.lower, range.upper);
            });
          }
        }
        continue;
      }
      for (const index of this.indexes.values()) {
        if (index.fields[0] !== field) continue;
        if (eq) {
          // A sparse index holds every document with a non-null value; a partial one may not.
          if (index.coversAllDocuments || (!index.spec.partialFilterExpression && eq.every((v) => v !== null))) {
            equalities.push({ size: index.countEqual(eq), ids: () => index.lookupEqual(eq) });
          }
        } else if (index.coversAllDocuments) {
          const range = rangeBounds(cond);
          if (range) ranges.push(() => index.lookupRange(range.lower, range.upper));
        }
      }
    }
    this.collectFullKeyPlans(filter, equalities);
  }

  /** Equalities on every field of a compound index that keeps full keys: a lookup by the whole key. */
  private collectFullKeyPlans(filter: Doc, equalities: Array<{ size: number; ids: () => Iterable<string> }>): void {
    for (const index of this.indexes.values()) {
      if (!index.fullKeyLookup) continue;
      const perField: unknown[][] = [];
      let combinations = 1;
      for (const f of index.fields) {
        const eq = Object.hasOwn(filter, f) ? equalityValues(filter[f]) : null;
        if (!eq || eq.length === 0) break;
        perField.push(eq);
        combinations *= eq.length;
      }
      if (perField.length !== index.fields.length || combinations > MAX_FULL_KEYS) continue;
      equalities.push({ size: index.countFullKey(perField), ids: () => index.lookupFullKey(perField) });
    }
  }
}

/** All databases of the server, each a map of collections. */
export class Storage {
  readonly databases = new Map<string, Map<string, Collection>>();
  private listener: ChangeListener = () => undefined;

  /** Sets who hears every change (the journal). */
  onChange(listener: ChangeListener): void {
    this.listener = listener;
  }

  private readonly emit: ChangeListener = (r, bytes) => this.listener(r, bytes);

  getCollection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created implicitly as MongoDB does on the first write. */
  ensureCollection(db: string, name: string, options: Doc = {}): { coll: Collection; created: boolean } {
    validateCollectionName(name);
    let colls = this.databases.get(db);
    if (!colls) this.databases.set(db, (colls = new Map()));
    const existing = colls.get(name);
    if (existing) return { coll: existing, created: false };
    const coll = new Collection(db, name, options, this.emit);
    if (this.replaying) startReplay(coll);
    colls.set(name, coll);
    this.emit({ o: 'mkcoll', d: db, c: name, opts: options });
    return { coll, created: true };
  }

  dropCollection(db: string, name: string): boolean {
    const colls = this.databases.get(db);
    if (this.raw) this.raw.last = null;
    if (!colls?.delete(name)) return false;
    if (colls.size === 0) this.databases.delete(db);
    this.emit({ o: 'dropcoll', d: db, c: name });
    return true;
  }

  dropDatabase(db: string): void {
    if (this.raw) this.raw.last = null;
    if (!this.databases.delete(db)) return;
    this.emit({ o: 'dropdb', d: db });
  }

  /** Moves a collection (documents and indexes) to a new name, as renameCollection does. */
  renameCollection(db: string, from: string, toDb: string, to: string, dropTarget: boolean): void {
    const source = this.getCollection(db, from);
    if (!source) throw new CommandError('NamespaceNotFound', `Source collection ${db}.${from} does not exist`);
    if (this.getCollection(toDb, to)) {
      if (!dropTarget) throw new CommandError('NamespaceExists', `Target namespace ${toDb}.${to} already exists`);
      this.dropCollection(toDb, to);
    }
    const { coll: target } = this.ensureCollection(toDb, to, source.options);
    for (const index of source.indexes.values()) target.createIndex(index.spec);
    for (const doc of source.docs.values()) target.insert(doc);
    this.dropCollection(db, from);
  }

  /**
   * Deletes documents past their TTL (indexes with `expireAfterSeconds` on a date field), as
   * MongoDB's TTL monitor does every minute. Returns how many were removed.
   */
  async expireDocuments(now: number = Date.now(), y: Yielder = NEVER): Promise<number> {
    let removed = 0;
    for (const colls of [...this.databases.values()]) {
      for (const coll of [...colls.values()]) {
        for (const index of [...coll.indexes.values()]) {
          const ttl = index.spec.expireAfterSeconds;
          if (typeof ttl !== 'number' || index.fields.length !== 1) continue;
          const cutoff = now - ttl * 1000;
          const field = index.fields[0]!;
          const expired: Doc[] = [];
          for (const doc of coll.docs.values()) {
            const values = getPathValues(doc, field).flatMap((v) => (Array.isArray(v) ? v : [v]));
            const dates = values.filter((v): v is Date => v instanceof Date).map((d) => d.getTime());
            if (dates.length && Math.min(...dates) <= cutoff) expired.push(doc);
            if (y.due()) await y.pause();
          }
          for (const doc of expired) {
            // Changed since it was seen (a yield): the stored version decides.
            if (coll.docs.get(valueKey(doc._id)) !== doc) continue;
            coll.remove(doc);
            removed++;
            if (y.due()) await y.pause();
          }
        }
      }
    }
    return removed;
  }

  private replaying = false;
  /** The raw BSON of documents replayed but not decoded yet (Collection.replayDocs holds their numbers). */
  private raw: RawDocs | null = null;

  /** From here to endReplay, records are applied without index work (see Collection.replaying). */
  beginReplay(): void {
    this.replaying = true;
    this.raw = { buffers: [], offsets: [], last: null };
    for (const colls of this.databases.values()) for (const coll of colls.values()) startReplay(coll);
  }

  /**
   * Decodes the documents kept as BSON and builds every index over the replayed documents, each
   * collection in one pass. Returns the documents whose BSON did not decode (should be none: their
   * records passed their checksum).
   */
  endReplay(): { failed: number; firstFailure?: string } {
    this.replaying = false;
    const raw = this.raw;
    this.raw = null;
    let failed = 0;
    let firstFailure: string | undefined;
    const options = { ...DESERIALIZE_OPTIONS, index: 0, allowObjectSmallerThanBufferSize: true };
    for (const colls of this.databases.values()) {
      for (const coll of colls.values()) {
        const pending = coll.replayDocs ?? new Map<string, Doc | number>();
        coll.replayDocs = null;
        coll.replaying = false;
        const indexes = [...coll.indexes.values()];
        for (const index of indexes) index.clear();
        // Decoded in place: the replay's map becomes the collection's (same keys, same order).
        for (const [key, entry] of pending) {
          let doc: Doc;
          if (typeof entry === 'number') {
            options.index = raw!.offsets[entry]!;
            try {
              doc = deserialize(raw!.buffers[entry]!, options);
            } catch (err) {
              failed++;
              firstFailure ??= `put ${coll.ns}: ${(err as Error).message}`;
              pending.delete(key);
              continue;
            }
            pending.set(key, doc);
          } else doc = entry;
          for (const index of indexes) index.add(key, doc);
        }
        coll.docs = pending as Map<string, Doc>;
      }
    }
    return { failed, ...(firstFailure ? { firstFailure } : {}) };
  }

  /**
   * Takes a `put` record's BSON during replay without decoding it (journal.ts hands every intact
   * record here first): the envelope `{o: 'put', d, c, doc}` is read in place, the document's key
   * from its leading ObjectId or string `_id`, and the document is kept as bytes until endReplay.
   * Returns false for anything else (the record is then decoded and applied as usual).
   */
  readonly takeRawPut = (payload: Buffer, start: number, length: number): boolean => {
    try {
      return this.rawPut(payload, start, length);
    } catch {
      return false; // not what it seemed (or a collection name refused): decoded and applied as usual
    }
  };

  private rawPut(payload: Buffer, start: number, length: number): boolean {
    const raw = this.raw;
    if (!raw) return false;
    const end = start + length;
    // {o: 'put'}: type 2, "o\0", length 4, "put\0"
    let p = start + 4;
    if (payload[p] !== 0x02 || payload[p + 1] !== 0x6f || payload[p + 2] !== 0 || payload.readInt32LE(p + 3) !== 4) return false;
    if (payload[p + 7] !== 0x70 || payload[p + 8] !== 0x75 || payload[p + 9] !== 0x74 || payload[p + 10] !== 0) return false;
    const headStart = p + 11;
    p = headStart;
    // d, c: type 2, name, length, bytes, 0
    if (payload[p] !== 0x02 || payload[p + 1] !== 0x64 || payload[p + 2] !== 0) return false;
    const dLength = payload.readInt32LE(p + 3);
    if (dLength < 1 || p + 7 + dLength > end) return false;
    const dAt = p + 7;
    p = dAt + dLength;
    if (payload[p] !== 0x02 || payload[p + 1] !== 0x63 || payload[p + 2] !== 0) return false;
    const cLength = payload.readInt32LE(p + 3);
    if (cLength < 1 || p + 7 + cLength > end) return false;
    const cAt = p + 7;
    p = cAt + cLength;
    // doc: type 3, "doc\0", then the document, then the envelope's final 0
    if (payload[p] !== 0x03 || payload[p + 1] !== 0x64 || payload[p + 2] !== 0x6f || payload[p + 3] !== 0x63 || payload[p + 4] !== 0) return false;
    const docAt = p + 5;
    if (docAt + 5 > end || docAt + payload.readInt32LE(docAt) !== end - 1) return false;
    // The first field must be _id: an ObjectId or a string.
    const type = payload[docAt + 4];
    if (payload[docAt + 5] !== 0x5f || payload[docAt + 6] !== 0x69 || payload[docAt + 7] !== 0x64 || payload[docAt + 8] !== 0) return false;
    let key: string;
    if (type === 0x07) {
      if (docAt + 21 > end) return false;
      key = `8:${payload.toString('hex', docAt + 9, docAt + 21)}`;
    } else if (type === 0x02) {
      const n = payload.readInt32LE(docAt + 9);
      if (n < 1 || docAt + 13 + n > end) return false;
      key = `4:${payload.toString('utf8', docAt + 13, docAt + 13 + n - 1)}`;
    } else return false;
    // The collection: the same bytes as the last put's (d and c) name the same collection.
    const last = raw.last;
    let coll: Collection;
    if (last && last.head.length === docAt - headStart && payload.compare(last.head, 0, last.head.length, headStart, docAt) === 0) coll = last.coll;
    else {
      coll = this.ensureCollection(payload.toString('utf8', dAt, dAt + dLength - 1), payload.toString('utf8', cAt, cAt + cLength - 1)).coll;
      raw.last = { head: Buffer.from(payload.subarray(headStart, docAt)), coll };
    }
    raw.buffers.push(payload);
    raw.offsets.push(docAt);
    coll.replayDocs!.set(key, raw.offsets.length - 1);
    return true;
  }

  /** Applies a data file record (at start-up, between beginReplay and endReplay). */
  apply(r: ChangeRecord): void {
    switch (r.o) {
      case 'put': {
        const { coll } = this.ensureCollection(r.d, r.c);
        if (coll.replayDocs) {
          coll.replayDocs.set(valueKey(r.doc._id), r.doc);
          break;
        }
        const existing = coll.docs.get(valueKey(r.doc._id));
        if (existing) coll.replace(existing, r.doc);
        else coll.insert(r.doc);
        break;
      }
      case 'del': {
        const coll = this.getCollection(r.d, r.c);
        if (coll?.replayDocs) {
          coll.replayDocs.delete(valueKey(r.id));
          break;
        }
        const existing = coll?.docs.get(valueKey(r.id));
        if (coll && existing) coll.remove(existing);
        break;
      }
      case 'mkcoll':
        this.ensureCollection(r.d, r.c, r.opts);
        break;
      case 'dropcoll':
        this.dropCollection(r.d, r.c);
        break;
      case 'dropdb':
        this.dropDatabase(r.d);
        break;
      case 'mkidx': {
        const { coll } = this.ensureCollection(r.d, r.c);
        if (!coll.indexes.has(r.spec.name)) coll.createIndex(r.spec);
        break;
      }
      case 'dropidx':
        this.getCollection(r.d, r.c)?.dropIndex(r.name);
        break;
    }
  }

  /** How many documents all collections hold. */
  documentCount(): number {
    let n = 0;
    for (const colls of this.databases.values()) for (const coll of colls.values()) n += coll.docs.size;
    return n;
  }

  /**
   * The records that rebuild the current state (for compaction). Safe to consume in slices while
   * clients write: see Journal.compact for why a snapshot taken that way is still right.
   */
  *snapshot(): Generator<ChangeRecord> {
    for (const [d, colls] of this.databases) {
      for (const [c, coll] of colls) {
        yield { o: 'mkcoll', d, c, opts: coll.options };
        for (const index of coll.indexes.values()) yield { o: 'mkidx', d, c, spec: index.spec };
        for (const doc of coll.docs.values()) yield { o: 'put', d, c, doc };
      }
    }
  }
}

/** Raw documents of a replay: entry i is the BSON at offsets[i] in buffers[i]. */
interface RawDocs {
  readonly buffers: Buffer[];
  readonly offsets: number[];
  /** The collection of the last raw put, by the bytes naming it. */
  last: { head: Buffer; coll: Collection } | null;
}

/** Puts a collection into replay: its documents (if any) move to replayDocs. */
function startReplay(coll: Collection): void {
  coll.replaying = true;
  if (!coll.replayDocs) {
    coll.replayDocs = new Map(coll.docs);
    coll.docs.clear();
  }
}

function validateCollectionName(name: string): void {
  if (!name || name.includes('\0') || name.startsWith('.') || name.includes('$')) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
}
