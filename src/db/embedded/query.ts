import { deserialize, serialize } from 'bson';
import { Query, update as mingoUpdate, updateOne as mingoUpdateOne } from 'mingo';
import type { Doc } from './indexes.js';
import { CommandError } from './errors.js';
import { normalizeNumbers, numericView, updateKeepingLongs } from './numbers.js';
import { DESERIALIZE_OPTIONS } from './wire.js';

/**
 * Filters, projections and updates, evaluated by mingo. MongoDB semantics that mingo lacks are
 * added here: `$setOnInsert`, upsert seeding from the filter, `_id` immutability.
 */

const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$rename', '$currentDate',
  '$push', '$addToSet', '$pop', '$pull', '$pullAll', '$bit', '$setOnInsert',
]);

/** A deep copy that keeps every BSON type (ObjectId, Long, Decimal128, Binary...). */
export function cloneDoc<T extends Doc>(doc: T): T {
  return deserialize(serialize(doc), DESERIALIZE_OPTIONS) as T;
}

/** A compiled filter; `{}` and undefined match everything. */
export function compileFilter(filter: Doc | undefined | null): (doc: Doc) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  try {
    const q = new Query(normalizeNumbers(filter), {});
    return (doc) => q.test(numericView(doc));
  } catch (err) {
    throw asBadValue(err);
  }
}

/** MongoDB names the unknown operator; mingo's message already does, so pass it on as BadValue. */
export function asBadValue(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CommandError('BadValue', message);
}

/** Applies a find projection to documents (returns new objects). */
export function project(docs: Doc[], projection: Doc | undefined | null): Doc[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  try {
    return new Query({}, {}).find(docs, projection).all() as Doc[];
  } catch (err) {
    throw asBadValue(err);
  }
}

/** Whether an update document is a replacement (no `$` operators). */
export function isReplacement(update: Doc | Doc[]): boolean {
  if (Array.isArray(update)) return false;
  const keys = Object.keys(update);
  return keys.length === 0 || !keys.some((k) => k.startsWith('$'));
}

function validateOperators(update: Doc): void {
  for (const op of Object.keys(update)) {
    if (!op.startsWith('$')) {
      throw new CommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!UPDATE_OPERATORS.has(op)) {
      throw new CommandError('FailedToParse', `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
  }
}

export interface UpdateOptions {
  readonly filter: Doc;
  readonly arrayFilters?: Doc[] | undefined;
  /** True when the document is being created by an upsert (`$setOnInsert` applies). */
  readonly inserting: boolean;
}

/** Returns the updated copy of a document (the stored one is never modified in place). */
export function applyUpdate(doc: Doc, update: Doc | Doc[], options: UpdateOptions): Doc {
  if (Array.isArray(update)) {
    const docs = [cloneDoc(doc)];
    try {
      mingoUpdateOne(docs, {}, update as never);
    } catch (err) {
      throw asBadValue(err);
    }
    const out = docs[0]!;
    if (doc._id !== undefined) out._id = doc._id;
    return out;
  }
  if (isReplacement(update)) {
    if ('_id' in update && doc._id !== undefined && !sameId(update._id, doc._id)) {
      throw new CommandError('ImmutableField', "After applying the update, the (immutable) field '_id' was found to have been altered to _id: " + String(update._id));
    }
    const out: Doc = doc._id !== undefined ? { _id: doc._id } : {};
    for (const [k, v] of Object.entries(update)) if (k !== '_id') out[k] = v;
    if (out._id === undefined && update._id !== undefined) out._id = update._id;
    return cloneDoc(out);
  }
  validateOperators(update);
  const modifier: Doc = {};
  for (const [op, fields] of Object.entries(update)) {
    if (op === '$setOnInsert') continue;
    modifier[op] = fields;
  }
  if (options.inserting && update.$setOnInsert) {
    modifier.$set = { ...(modifier.$set as Doc | undefined), ...(update.$setOnInsert as Doc) };
  }
  for (const fields of Object.values(modifier)) {
    if (fields && typeof fields === 'object' && Object.keys(fields).some((p) => p === '_id' || p.startsWith('_id.'))) {
      if (!options.inserting) {
        throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
      }
    }
  }
  const copy = cloneDoc(doc);
  if (Object.keys(modifier).length === 0) return copy;
  try {
    return updateKeepingLongs(copy, modifier, (target, mod) => {
      mingoUpdate(target, mod as never, options.arrayFilters, positionalCondition(mod, normalizeNumbers(options.filter)), { cloneMode: 'copy' });
    });
  } catch (err) {
    throw asBadValue(err);
  }
}

/** mingo needs the query only to resolve the positional `$` operator. */
function positionalCondition(modifier: Doc, filter: Doc): Doc | undefined {
  for (const fields of Object.values(modifier)) {
    if (fields && typeof fields === 'object' && Object.keys(fields).some((p) => p.includes('.$.') || p.endsWith('.$'))) return filter;
  }
  return undefined;
}

function sameId(a: unknown, b: unknown): boolean {
  return Buffer.from(serialize({ v: a })).equals(serialize({ v: b }));
}

/** The fields an upsert copies from its filter: equalities, also inside `$and`. */
export function upsertSeed(filter: Doc): Doc {
  const seed: Doc = {};
  const visit = (f: Doc) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const sub of v) if (sub && typeof sub === 'object') visit(sub as Doc);
        continue;
      }
      if (k.startsWith('$')) continue;
      let value: unknown = v;
      if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v as { _bsontype?: string })._bsontype) {
        const keys = Object.keys(v);
        if (keys.some((x) => x.startsWith('$'))) {
          if (keys.length === 1 && '$eq' in (v as Doc)) value = (v as Doc).$eq;
          else continue;
        }
      }
      setPath(seed, k, value);
    }
  };
  visit(filter);
  return seed;
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Doc = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    if (!cur[p] || typeof cur[p] !== 'object') cur[p] = {};
    cur = cur[p] as Doc;
  }
  cur[parts[parts.length - 1]!] = value;
}
