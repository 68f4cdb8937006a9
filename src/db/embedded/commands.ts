import { Long, ObjectId, serialize, type Document } from 'bson';
import { runPipeline, validatePipeline } from './aggregate.js';
import { parseSort, sortDocuments } from './compare.js';
import { CursorRegistry, DEFAULT_FIRST_BATCH } from './cursors.js';
import { CommandError, toCommandError } from './errors.js';
import { defaultIndexName, sameIndexOptions, type Doc, type IndexSpec } from './indexes.js';
import { valueKey } from './keys.js';
import { numericView } from './numbers.js';
import { applyUpdate, compileFilter, isReplacement, project, upsertSeed } from './query.js';
import type { Collection, Storage } from './storage.js';

/** What the server reports about itself; the driver needs wire versions it supports (9..29). */
export const SERVER_VERSION = '7.0.0';
const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
const MAX_MESSAGE_SIZE = 48_000_000;
const MAX_WRITE_BATCH_SIZE = 100_000;

export interface CommandContext {
  readonly storage: Storage;
  readonly cursors: CursorRegistry;
  readonly connectionId: number;
  readonly startedAt: Date;
}

type Handler = (cmd: Document, db: string, ctx: CommandContext) => Document;

/** Fields every command may carry that a standalone server accepts and ignores. */
const TRANSACTION_FIELDS = ['startTransaction', 'autocommit', 'txnNumber'];

function transactionsRefused(): CommandError {
  return new CommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
}

/** The handshake reply: a writable standalone server without compression or auth. */
export function helloReply(ctx: Pick<CommandContext, 'connectionId'>): Document {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

function collectionName(cmd: Document, name: string): string {
  const value = cmd[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${value === undefined ? 'missing' : typeof value}`);
  }
  return value;
}

function asDoc(value: unknown, field: string): Doc | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${Array.isArray(value) ? 'array' : typeof value}', expected type 'object'`);
  }
  return value as Doc;
}

function num(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value && 'toNumber' in value) return (value as Long).toNumber();
  return Number(value);
}

/** A client's batchSize, or null when it sent none. */
function optionalBatchSize(value: unknown): number | null {
  return value === undefined || value === null ? null : Math.max(0, num(value, 0));
}

function cursorReply(ns: string, id: Long, batch: Doc[], first: boolean): Document {
  return { cursor: first ? { firstBatch: batch, id, ns } : { nextBatch: batch, id, ns }, ok: 1 };
}

/** The documents a filter matches, in natural order, after skip/limit when there is no sort. */
function matchDocuments(coll: Collection | undefined, filter: Doc | undefined, opts: { sort?: unknown; skip?: number; limit?: number }): Doc[] {
  if (!coll) return [];
  const test = compileFilter(filter);
  const spec = parseSort(opts.sort);
  const skip = opts.skip ?? 0;
  const limit = opts.limit ?? 0;
  const out: Doc[] = [];
  const stopAt = !spec && limit > 0 ? skip + limit : Number.POSITIVE_INFINITY;
  for (const doc of coll.candidates(filter)) {
    if (test(doc)) {
      out.push(doc);
      if (out.length >= stopAt) break;
    }
  }
  const sorted = spec ? sortDocuments(out, spec) : out;
  if (skip === 0 && (limit === 0 || sorted.length <= limit)) return sorted;
  return sorted.slice(skip, limit > 0 ? skip + limit : undefined);
}

/** MongoDB stores `_id` first, generating an ObjectId when the client sent none. */
function withId(doc: Doc): Doc {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

function writeErrorsReply(n: number, writeErrors: Document[], extra: Document = {}): Document {
  const reply: Document = { n, ...extra };
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

function validateForInsert(doc: Doc): Doc {
  if (Array.isArray(doc._id)) throw new CommandError('BadValue', "can't use an array for _id");
  if (doc._id instanceof RegExp) throw new CommandError('BadValue', "can't use a regex for _id");
  return doc;
}

function insert(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'insert');
  const docs = cmd.documents as Doc[] | undefined;
  if (!Array.isArray(docs)) throw new CommandError('FailedToParse', "BSON field 'insert.documents' is missing but a required field");
  const ordered = cmd.ordered !== false;
  const { coll } = ctx.storage.ensureCollection(db, name);
  let n = 0;
  const writeErrors: Document[] = [];
  for (let i = 0; i < docs.length; i++) {
    try {
      coll.insert(withId(validateForInsert(docs[i]!)));
      n++;
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrorsReply(n, writeErrors);
}

function find(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'find');
  const coll = ctx.storage.getCollection(db, name);
  let limit = num(cmd.limit, 0);
  let singleBatch = cmd.singleBatch === true;
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const docs = matchDocuments(coll, asDoc(cmd.filter, 'filter'), { sort: cmd.sort, skip: num(cmd.skip, 0), limit });
  const projected = project(docs, asDoc(cmd.projection, 'projection'));
  const ns = `${db}.${name}`;
  const batchSize = num(cmd.batchSize, DEFAULT_FIRST_BATCH);
  if (singleBatch) return cursorReply(ns, Long.ZERO, batchSize > 0 ? projected.slice(0, batchSize) : projected, true);
  const { batch, id } = ctx.cursors.open(ns, projected, batchSize);
  return cursorReply(ns, id, batch, true);
}

function getMore(cmd: Document, db: string, ctx: CommandContext): Document {
  const id = cmd.getMore as Long;
  const name = collectionName(cmd, 'collection');
  const ns = `${db}.${name}`;
  const { batch, id: next } = ctx.cursors.next(Long.isLong(id) ? id : Long.fromNumber(num(id, 0)), ns, num(cmd.batchSize, 0));
  return cursorReply(ns, next, batch, false);
}

function killCursors(cmd: Document, _db: string, ctx: CommandContext): Document {
  const ids = ((cmd.cursors as unknown[]) ?? []).map((id) => (Long.isLong(id) ? id : Long.fromNumber(num(id, 0))));
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

interface UpdateSpec {
  q: Doc;
  u: Doc | Doc[];
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Doc[];
}

interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
  /** The document before and after (for findAndModify). */
  before?: Doc;
  after?: Doc;
}

/** Whether an update changed nothing (byte-identical BSON, so a type change counts as a change). */
function isSameDoc(a: Doc, b: Doc): boolean {
  return Buffer.from(serialize(a)).equals(serialize(b));
}

/** One update statement: matches, applies, upserts; unique violations throw before any change to that doc. */
function runUpdate(coll: Collection, spec: UpdateSpec, sort?: unknown): UpdateOutcome {
  if (spec.multi && isReplacement(spec.u) && !Array.isArray(spec.u) && Object.keys(spec.u).length) {
    throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const matches = matchDocuments(coll, spec.q, { sort, limit: spec.multi ? 0 : 1 });
  if (matches.length === 0) {
    if (!spec.upsert) return { matched: 0, modified: 0 };
    const seed = isReplacement(spec.u) ? (spec.q._id !== undefined && typeof spec.q._id !== 'object' ? { _id: spec.q._id } : pickId(spec.q)) : upsertSeed(spec.q);
    const created = withId(applyUpdate(seed, spec.u, { filter: spec.q, arrayFilters: spec.arrayFilters, inserting: true }));
    const ordered = created._id === undefined ? created : { _id: created._id, ...created };
    coll.insert(ordered);
    return { matched: 0, modified: 0, upsertedId: ordered._id, after: ordered };
  }
  let modified = 0;
  let before: Doc | undefined;
  let after: Doc | undefined;
  for (const doc of matches) {
    const updated = applyUpdate(doc, spec.u, { filter: spec.q, arrayFilters: spec.arrayFilters, inserting: false });
    before ??= doc;
    if (isSameDoc(doc, updated)) {
      after ??= doc;
      continue;
    }
    coll.replace(doc, updated);
    after ??= updated;
    modified++;
  }
  const outcome: UpdateOutcome = { matched: matches.length, modified };
  if (before) outcome.before = before;
  if (after) outcome.after = after;
  return outcome;
}

function pickId(filter: Doc): Doc {
  const id = filter._id;
  if (id === undefined) return {};
  if (id && typeof id === 'object' && !(id as { _bsontype?: string })._bsontype && !(id instanceof Date)) {
    const keys = Object.keys(id);
    if (keys.some((k) => k.startsWith('$'))) return '$eq' in (id as Doc) ? { _id: (id as Doc).$eq } : {};
  }
  return { _id: id };
}

function update(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'update');
  const updates = cmd.updates as UpdateSpec[] | undefined;
  if (!Array.isArray(updates)) throw new CommandError('FailedToParse', "BSON field 'update.updates' is missing but a required field");
  const ordered = cmd.ordered !== false;
  const { coll } = ctx.storage.ensureCollection(db, name);
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors: Document[] = [];
  for (let i = 0; i < updates.length; i++) {
    try {
      const u = updates[i]!;
      const out = runUpdate(coll, { ...u, q: u.q ?? {} });
      if (out.upsertedId !== undefined) {
        upserted.push({ index: i, _id: out.upsertedId });
        n += 1;
      } else {
        n += out.matched;
        nModified += out.modified;
      }
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  const extra: Document = { nModified };
  if (upserted.length) extra.upserted = upserted;
  return writeErrorsReply(n, writeErrors, extra);
}

function remove(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'delete');
  const deletes = cmd.deletes as Array<{ q: Doc; limit: number }> | undefined;
  if (!Array.isArray(deletes)) throw new CommandError('FailedToParse', "BSON field 'delete.deletes' is missing but a required field");
  const ordered = cmd.ordered !== false;
  const coll = ctx.storage.getCollection(db, name);
  let n = 0;
  const writeErrors: Document[] = [];
  for (let i = 0; i < deletes.length; i++) {
    try {
      const d = deletes[i]!;
      if (!coll) continue;
      const matches = matchDocuments(coll, d.q ?? {}, { limit: num(d.limit, 0) === 1 ? 1 : 0 });
      for (const doc of matches) coll.remove(doc);
      n += matches.length;
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrorsReply(n, writeErrors);
}

function findAndModify(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = typeof cmd.findAndModify === 'string' ? cmd.findAndModify : collectionName(cmd, 'findandmodify');
  const query = asDoc(cmd.query, 'query') ?? {};
  const fields = asDoc(cmd.fields, 'fields');
  const shape = (doc: Doc | undefined | null) => (doc ? project([doc], fields)[0] ?? null : null);
  if (cmd.remove === true) {
    if (cmd.update !== undefined) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    const coll = ctx.storage.getCollection(db, name);
    const doc = matchDocuments(coll, query, { sort: cmd.sort, limit: 1 })[0];
    if (doc && coll) coll.remove(doc);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: shape(doc), ok: 1 };
  }
  if (cmd.update === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const { coll } = ctx.storage.ensureCollection(db, name);
  const spec: UpdateSpec = { q: query, u: cmd.update as Doc, upsert: cmd.upsert === true, multi: false };
  if (Array.isArray(cmd.arrayFilters)) spec.arrayFilters = cmd.arrayFilters as Doc[];
  const out = runUpdate(coll, spec, cmd.sort);
  const lastErrorObject: Document = { n: out.upsertedId !== undefined ? 1 : out.matched, updatedExisting: out.matched > 0 };
  if (out.upsertedId !== undefined) lastErrorObject.upserted = out.upsertedId;
  const value = cmd.new === true ? out.after : out.upsertedId !== undefined ? null : out.before;
  return { lastErrorObject, value: shape(value ?? null), ok: 1 };
}

function aggregate(cmd: Document, db: string, ctx: CommandContext): Document {
  const pipeline = validatePipeline(cmd.pipeline);
  const collName = typeof cmd.aggregate === 'string' ? cmd.aggregate : null;
  if (cmd.explain) throw new CommandError('NotImplemented', 'The embedded MongoDB-compatible server does not support explain');
  if (cmd.cursor === undefined) throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  const coll = collName ? ctx.storage.getCollection(db, collName) : undefined;
  // A leading $match can use an index.
  let input: Doc[];
  let rest = pipeline;
  const first = pipeline[0];
  if (coll && first && '$match' in first) {
    input = matchDocuments(coll, first.$match as Doc, {});
    rest = pipeline.slice(1);
  } else {
    input = coll ? [...coll.docs.values()] : [];
  }
  const resolve = (other: string) => {
    const c = ctx.storage.getCollection(db, other);
    return c ? [...c.docs.values()] : [];
  };
  const results = runPipeline(input.map(numericView), rest, (other) => resolve(other).map(numericView));
  const ns = `${db}.${collName ?? '$cmd.aggregate'}`;
  const batchSize = num((cmd.cursor as Doc | undefined)?.batchSize, DEFAULT_FIRST_BATCH);
  const { batch, id } = ctx.cursors.open(ns, results, batchSize);
  return cursorReply(ns, id, batch, true);
}

function count(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'count');
  const coll = ctx.storage.getCollection(db, name);
  const query = asDoc(cmd.query, 'query');
  const skip = num(cmd.skip, 0);
  const limit = Math.abs(num(cmd.limit, 0));
  if (!coll) return { n: 0, ok: 1 };
  if (!query || Object.keys(query).length === 0) {
    const n = Math.max(0, coll.docs.size - skip);
    return { n: limit > 0 ? Math.min(n, limit) : n, ok: 1 };
  }
  return { n: matchDocuments(coll, query, { skip, limit }).length, ok: 1 };
}

function distinct(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'distinct');
  const key = cmd.key;
  if (typeof key !== 'string') throw new CommandError('TypeMismatch', "BSON field 'distinct.key' is missing but a required field");
  const docs = matchDocuments(ctx.storage.getCollection(db, name), asDoc(cmd.query, 'query'), {});
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const v of pathValuesFlat(doc, key)) {
      const k = valueKey(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  return { values: sortDocuments([...seen.values()].map((v) => ({ v })), [['v', 1]]).map((d) => d.v), ok: 1 };
}

function pathValuesFlat(doc: Doc, path: string): unknown[] {
  const parts = path.split('.');
  let current: unknown[] = [doc];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        for (const el of v) if (el && typeof el === 'object' && part in el) next.push((el as Doc)[part]);
      } else if (v && typeof v === 'object' && part in v) next.push((v as Doc)[part]);
    }
    current = next;
  }
  const out: unknown[] = [];
  for (const v of current) (Array.isArray(v) ? out.push(...v) : out.push(v));
  return out;
}

function create(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'create');
  if (ctx.storage.getCollection(db, name)) throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (['create', '$db', 'lsid', '$clusterTime', 'writeConcern', '$readPreference', 'apiVersion', 'apiStrict', 'apiDeprecationErrors'].includes(k)) continue;
    options[k] = v;
  }
  ctx.storage.ensureCollection(db, name, options);
  return { ok: 1 };
}

function drop(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'drop');
  const coll = ctx.storage.getCollection(db, name);
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexes.size + 1;
  ctx.storage.dropCollection(db, name);
  return { nIndexesWas, ns: `${db}.${name}`, ok: 1 };
}

function createIndexes(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'createIndexes');
  const specs = cmd.indexes as IndexSpec[] | undefined;
  if (!Array.isArray(specs) || specs.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  const { coll, created } = ctx.storage.ensureCollection(db, name);
  const before = coll.indexes.size + 1;
  let added = 0;
  for (const raw of specs) {
    if (!raw.key || typeof raw.key !== 'object' || Object.keys(raw.key).length === 0) {
      throw new CommandError('BadValue', 'Error in specification { key: {} } :: caused by :: Index keys cannot be an empty field.');
    }
    for (const v of Object.values(raw.key)) {
      if (typeof v === 'string' && v !== 'hashed') {
        throw new CommandError('NotImplemented', `The embedded MongoDB-compatible server does not support '${v}' indexes`);
      }
    }
    const { v: _v, key, name: _n, ...rest } = raw;
    const spec: IndexSpec = { v: 2, key, name: raw.name ?? defaultIndexName(raw.key), ...rest };
    if (spec.name === '_id_' || (Object.keys(spec.key).length === 1 && '_id' in spec.key)) continue;
    const sameName = coll.indexes.get(spec.name);
    const keyJson = JSON.stringify(spec.key);
    const sameKey = [...coll.indexes.values()].find((i) => JSON.stringify(i.spec.key) === keyJson);
    if (sameName) {
      if (JSON.stringify(sameName.spec.key) !== keyJson) {
        throw new CommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`);
      }
      if (!sameIndexOptions(sameName.spec, spec)) {
        throw new CommandError('IndexOptionsConflict', `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`);
      }
      continue;
    }
    if (sameKey && sameIndexOptions(sameKey.spec, spec)) {
      throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.spec.name}`);
    }
    coll.createIndex(spec);
    added++;
  }
  const reply: Document = { numIndexesBefore: before, numIndexesAfter: before + added, createdCollectionAutomatically: created };
  if (added === 0) reply.note = 'all indexes already exist';
  reply.ok = 1;
  return reply;
}

function listIndexes(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'listIndexes');
  const coll = ctx.storage.getCollection(db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${db}.${name}`);
  const ns = `${db}.${name}`;
  const { batch, id } = ctx.cursors.open(ns, coll.indexSpecs() as Doc[], optionalBatchSize((cmd.cursor as Doc | undefined)?.batchSize));
  return cursorReply(ns, id, batch, true);
}

function dropIndexes(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'dropIndexes');
  const coll = ctx.storage.getCollection(db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns not found ${db}.${name}`);
  const nIndexesWas = coll.indexes.size + 1;
  const target = cmd.index;
  let names: string[];
  if (target === '*') names = [...coll.indexes.keys()];
  else if (typeof target === 'string') names = [target];
  else if (Array.isArray(target)) names = target.map(String);
  else if (target && typeof target === 'object') {
    const json = JSON.stringify(target);
    const found = [...coll.indexes.values()].find((i) => JSON.stringify(i.spec.key) === json);
    if (!found) {
      if (json === '{"_id":1}') throw new CommandError('InvalidOptions', 'cannot drop _id index');
      throw new CommandError('IndexNotFound', `can't find index with key: ${json}`);
    }
    names = [found.spec.name];
  } else throw new CommandError('TypeMismatch', "BSON field 'dropIndexes.index' is missing but a required field");
  for (const n of names) {
    if (n === '_id_') throw new CommandError('InvalidOptions', 'cannot drop _id index');
    if (!coll.indexes.has(n)) throw new CommandError('IndexNotFound', `index not found with name [${n}]`);
  }
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas, ok: 1 };
}

function listCollections(cmd: Document, db: string, ctx: CommandContext): Document {
  const colls = ctx.storage.databases.get(db) ?? new Map<string, Collection>();
  const nameOnly = cmd.nameOnly === true;
  const infos: Doc[] = [...colls.values()].map((c) =>
    nameOnly
      ? { name: c.name, type: 'collection' }
      : { name: c.name, type: 'collection', options: c.options, info: { readOnly: false, uuid: c.uuid }, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } },
  );
  const test = compileFilter(asDoc(cmd.filter, 'filter'));
  const ns = `${db}.$cmd.listCollections`;
  const { batch, id } = ctx.cursors.open(ns, infos.filter(test), optionalBatchSize((cmd.cursor as Doc | undefined)?.batchSize));
  return cursorReply(ns, id, batch, true);
}

function approximateSize(coll: Collection): number {
  let size = 0;
  for (const doc of coll.docs.values()) size += 64 + JSON.stringify(doc).length;
  return size;
}

function listDatabases(cmd: Document, _db: string, ctx: CommandContext): Document {
  const databases: Doc[] = [];
  let totalSize = 0;
  for (const [name, colls] of ctx.storage.databases) {
    let size = 0;
    if (cmd.nameOnly !== true) for (const c of colls.values()) size += approximateSize(c);
    totalSize += size;
    databases.push(cmd.nameOnly === true ? { name } : { name, sizeOnDisk: size, empty: colls.size === 0 });
  }
  const test = compileFilter(asDoc(cmd.filter, 'filter'));
  return { databases: databases.filter(test), totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024), ok: 1 };
}

function collStats(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'collStats');
  const coll = ctx.storage.getCollection(db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `Collection [${db}.${name}] not found.`);
  const size = approximateSize(coll);
  const count = coll.docs.size;
  return {
    ns: coll.ns, size, count, avgObjSize: count ? Math.round(size / count) : 0, storageSize: size,
    nindexes: coll.indexes.size + 1, totalIndexSize: 0, indexSizes: {}, capped: false, ok: 1,
  };
}

function dbStats(_cmd: Document, db: string, ctx: CommandContext): Document {
  const colls = ctx.storage.databases.get(db) ?? new Map<string, Collection>();
  let objects = 0;
  let dataSize = 0;
  let indexes = 0;
  for (const c of colls.values()) {
    objects += c.docs.size;
    dataSize += approximateSize(c);
    indexes += c.indexes.size + 1;
  }
  return { db, collections: colls.size, views: 0, objects, avgObjSize: objects ? dataSize / objects : 0, dataSize, storageSize: dataSize, indexes, indexSize: 0, ok: 1 };
}

function serverStatus(_cmd: Document, _db: string, ctx: CommandContext): Document {
  return {
    host: '127.0.0.1', version: SERVER_VERSION, process: 'embedded', pid: Long.fromNumber(process.pid),
    uptime: Math.floor((Date.now() - ctx.startedAt.getTime()) / 1000), localTime: new Date(),
    connections: { current: 0, available: 1000 }, metrics: { cursor: { open: { total: ctx.cursors.size } } }, ok: 1,
  };
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION, gitVersion: 'embedded', versionArray: [7, 0, 0, 0], bits: 64, debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE, javascriptEngine: 'none', storageEngines: ['embedded'], modules: [], ok: 1,
  };
}

function getParameter(cmd: Document): Document {
  const reply: Document = {};
  const known: Document = { featureCompatibilityVersion: { version: '7.0' }, authenticationMechanisms: [], requireApiVersion: false };
  if (cmd.getParameter === '*') Object.assign(reply, known);
  for (const k of Object.keys(cmd)) if (k in known) reply[k] = known[k];
  reply.ok = 1;
  return reply;
}

const ok: Handler = () => ({ ok: 1 });

const HANDLERS: Record<string, Handler> = {
  hello: (_c, _d, ctx) => helloReply(ctx),
  ismaster: (_c, _d, ctx) => helloReply(ctx),
  ping: ok,
  buildinfo: buildInfo,
  getparameter: getParameter,
  endsessions: ok,
  killsessions: ok,
  refreshsessions: ok,
  startsession: () => ({ id: { id: new ObjectId().id }, timeoutMinutes: 30, ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1:0', ok: 1 }),
  connectionstatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getcmdlineopts: () => ({ argv: ['embedded'], parsed: {}, ok: 1 }),
  getlog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  hostinfo: () => ({ system: { hostname: '127.0.0.1' }, os: {}, extra: {}, ok: 1 }),
  listcollections: listCollections,
  listdatabases: listDatabases,
  create,
  drop,
  dropdatabase: (_c, db, ctx) => {
    ctx.storage.dropDatabase(db);
    return { dropped: db, ok: 1 };
  },
  createindexes: createIndexes,
  listindexes: listIndexes,
  dropindexes: dropIndexes,
  deleteindexes: dropIndexes,
  insert,
  find,
  getmore: getMore,
  killcursors: killCursors,
  update,
  delete: remove,
  findandmodify: findAndModify,
  aggregate,
  count,
  distinct,
  collstats: collStats,
  dbstats: dbStats,
  serverstatus: serverStatus,
  renamecollection: (cmd, _db, ctx) => {
    const [fromDb, ...fromRest] = String(cmd.renameCollection).split('.');
    const [toDb, ...toRest] = String(cmd.to ?? '').split('.');
    if (!fromDb || !toDb || !fromRest.length || !toRest.length) throw new CommandError('InvalidNamespace', 'renameCollection and to must be full namespaces (db.collection)');
    ctx.storage.renameCollection(fromDb, fromRest.join('.'), toDb, toRest.join('.'), cmd.dropTarget === true);
    return { ok: 1 };
  },
  killallsessions: ok,
  committransaction: () => {
    throw transactionsRefused();
  },
  aborttransaction: () => {
    throw transactionsRefused();
  },
};

function isNonSimpleCollation(c: unknown): c is { locale: string } {
  return !!c && typeof c === 'object' && (c as { locale?: unknown }).locale !== 'simple';
}

/** Collations change comparisons in ways mingo cannot follow: refused by name rather than ignored. */
function refuseCollation(cmd: Document): void {
  const lists = [cmd.updates, cmd.deletes, cmd.indexes].filter(Array.isArray) as Doc[][];
  const found = [cmd.collation, ...lists.flat().map((x) => x?.collation)].find(isNonSimpleCollation);
  if (found) {
    throw new CommandError('NotImplemented', `The embedded MongoDB-compatible server does not support collation (locale '${found.locale}'); use a real MongoDB`);
  }
}

/** The name of a command: its first field. */
export function commandName(cmd: Document): string {
  return Object.keys(cmd)[0] ?? '';
}

/** Runs one command and returns its reply; errors become MongoDB-shaped `ok: 0` replies. */
export function runCommand(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = commandName(cmd);
  try {
    const handler = HANDLERS[name.toLowerCase()];
    if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
    if (TRANSACTION_FIELDS.some((f) => f in cmd) && (cmd.startTransaction !== undefined || cmd.autocommit !== undefined)) {
      throw transactionsRefused();
    }
    refuseCollation(cmd);
    return handler(cmd, db, ctx);
  } catch (err) {
    return toCommandError(err).toReply();
  }
}
