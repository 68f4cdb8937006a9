import { deserialize, serialize } from 'bson';
import { Query, update as mingoUpdate, updateOne as mingoUpdateOne } from 'mingo';
import * as UPDATE_OPERATOR_FUNCTIONS from 'mingo/operators/update';
import { Query as BaseQuery } from 'mingo/query';
import { getPathValues, typeRank, valuesEqual } from './compare.js';
import { isIndexableScalar, valueKey } from './keys.js';
import type { Doc } from './indexes.js';
import { CommandError } from './errors.js';
import { COMPUTE_OPTIONS, UPDATE_OPTIONS } from './mingo-context.js';
import { normalizeNumbers, numericView, updateKeepingLongs } from './numbers.js';
import { isRegexValue, linearFilter, linearModifier, linearRegexContext } from './regex.js';
import { DESERIALIZE_OPTIONS } from './wire.js';

/**
 * Filters, projections and updates, evaluated by mingo. MongoDB semantics that mingo lacks are
 * added here: `$setOnInsert`, upsert seeding from the filter, `_id` immutability.
 */

const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pop',
  '$pull',
  '$pullAll',
  '$bit',
  '$setOnInsert',
]);

/** A deep copy that keeps every BSON type (ObjectId, Long, Decimal128, Binary...), through BSON. */
export function cloneDoc<T extends Doc>(doc: T): T {
  return deserialize(serialize(doc), DESERIALIZE_OPTIONS) as T;
}

function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copyValue);
  if (v instanceof Date) return new Date(v.getTime());
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Doc = {};
  for (const k of Object.keys(v)) out[k] = copyValue((v as Doc)[k]);
  return out;
}

/**
 * A copy whose documents and arrays are new objects, sharing the BSON values (ObjectId, Long,
 * Decimal128, Binary...), which nothing here changes in place: what updates and pipelines
 * modify instead of a stored document, several times cheaper than a round trip through BSON.
 */
export function copyDoc<T extends Doc>(doc: T): T {
  return copyValue(doc) as T;
}

function mingoQuery(filter: Doc): { test(doc: Doc): boolean } {
  return new BaseQuery(filter, COMPUTE_OPTIONS as never);
}

type Predicate = (doc: Doc) => boolean;

/** MongoDB's equality on one path: the value itself, an element of an array, or null for missing. */
function pathEquals(path: string, wanted: unknown[]): Predicate {
  const wantsNull = wanted.some((w) => w === null);
  return (doc) => {
    const values = getPathValues(doc, path);
    if (values.length === 0) return wantsNull;
    for (const v of values) {
      if (Array.isArray(v)) {
        for (const el of v) for (const w of wanted) if (valuesEqual(el, w) || (w === null && el === undefined)) return true;
      } else {
        for (const w of wanted) if (valuesEqual(v, w) || (w === null && v === undefined)) return true;
      }
    }
    return false;
  };
}

/** A direct matcher for filters made only of scalar equalities and `$in` lists (the common case). */
function fastFilter(filter: Doc): Predicate | null {
  const parts: Predicate[] = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (field.startsWith('$')) return null;
    if (isIndexableScalar(cond) && !isRegexValue(cond)) {
      parts.push(pathEquals(field, [cond]));
      continue;
    }
    if (cond && typeof cond === 'object' && !Array.isArray(cond) && Object.getPrototypeOf(cond) === Object.prototype) {
      const keys = Object.keys(cond);
      const c = cond as Doc;
      if (keys.length === 1 && keys[0] === '$eq' && isIndexableScalar(c.$eq)) {
        parts.push(pathEquals(field, [c.$eq]));
        continue;
      }
      if (keys.length === 1 && keys[0] === '$in' && Array.isArray(c.$in) && c.$in.every((v) => isIndexableScalar(v) && !isRegexValue(v))) {
        parts.push(pathEquals(field, c.$in));
        continue;
      }
    }
    return null;
  }
  if (parts.length === 1) return parts[0]!;
  return (doc) => parts.every((p) => p(doc));
}

/** A compiled filter; `{}` and undefined match everything. */
export function compileFilter(filter: Doc | undefined | null): Predicate {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  const fast = fastFilter(filter);
  if (fast) return fast;
  try {
    const q = mingoQuery(normalizeNumbers(linearFilter(filter)));
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

function sliceArgs(v: unknown): [number, number | null] | null {
  if (!v || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length !== 1 || !('$slice' in v)) return null;
  const arg = (v as Doc).$slice;
  if (typeof arg === 'number') return [arg, null];
  if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'number' && typeof arg[1] === 'number') return [arg[0], arg[1]];
  return null;
}

function applySlice(value: unknown, [a, b]: [number, number | null]): unknown {
  if (!Array.isArray(value)) return value;
  if (b === null) return a >= 0 ? value.slice(0, a) : value.slice(a);
  const start = a >= 0 ? a : Math.max(0, value.length + a);
  return value.slice(start, start + b);
}

/**
 * A projection of top-level fields only: plain inclusion or exclusion (what mongoose `select`
 * sends), optionally with `$slice` on arrays, which keeps every other field as MongoDB does.
 */
function simpleProjection(projection: Doc): ((doc: Doc) => Doc) | null {
  let inclusion: boolean | null = null;
  let keepId = true;
  const fields = new Set<string>();
  const slices = new Map<string, [number, number | null]>();
  for (const [k, v] of Object.entries(projection)) {
    if (k.includes('.') || k.startsWith('$')) return null;
    const slice = sliceArgs(v);
    if (slice) {
      slices.set(k, slice);
      continue;
    }
    const flag = v === true || v === 1 ? true : v === false || v === 0 ? false : null;
    if (flag === null) return null;
    if (k === '_id') {
      keepId = flag;
      continue;
    }
    if (inclusion !== null && inclusion !== flag) return null;
    inclusion = flag;
    fields.add(k);
  }
  return (doc) => {
    const out: Doc = {};
    for (const k of Object.keys(doc)) {
      const sliced = slices.get(k);
      if (sliced) out[k] = applySlice(doc[k], sliced);
      else if (k === '_id') {
        if (keepId) out[k] = doc[k];
      } else if (inclusion === true ? fields.has(k) : !fields.has(k)) out[k] = doc[k];
    }
    return out;
  };
}

/**
 * Applies a find projection (returns new objects; stored documents are never touched). mingo
 * modifies nested objects in place for dotted paths, so it only ever sees copies.
 */
export function project(docs: Doc[], projection: Doc | undefined | null): Doc[] {
  if (!projection || Object.keys(projection).length === 0) return docs;
  const simple = simpleProjection(projection);
  if (simple) return docs.map(simple);
  try {
    return new Query({}, {}).find(docs.map(copyDoc), projection).all() as Doc[];
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
    const docs = [copyDoc(doc)];
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
      throw new CommandError(
        'ImmutableField',
        "After applying the update, the (immutable) field '_id' was found to have been altered to _id: " + String(update._id),
      );
    }
    const out: Doc = doc._id !== undefined ? { _id: doc._id } : {};
    for (const [k, v] of Object.entries(update)) if (k !== '_id') out[k] = v;
    if (out._id === undefined && update._id !== undefined) out._id = update._id;
    return copyDoc(out);
  }
  validateOperators(update);
  const modifier: Doc = {};
  for (const [op, fields] of Object.entries(linearModifier(update))) {
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
  if (modifier.$addToSet) modifier.$addToSet = withoutRepeatedEach(modifier.$addToSet as Doc);
  let base = doc;
  // An upsert may give the new document its `_id` (`$setOnInsert: {_id}`, as MongoDB allows);
  // mingo's `$set` refuses to write `_id` at all, so it is set here.
  const set = modifier.$set as Doc | undefined;
  if (options.inserting && set && Object.hasOwn(set, '_id')) {
    base = { ...doc, _id: set._id };
    const { _id: _given, ...rest } = set;
    if (Object.keys(rest).length) modifier.$set = rest;
    else delete modifier.$set;
  }
  if (Object.keys(modifier).length === 0) return copyDoc(base);
  checkConflicts(modifier);
  const shared = setInPlaceOfCopy(base, modifier);
  if (shared) return shared;
  const copy = copyDoc(base);
  checkArithmeticTargets(doc, modifier);
  try {
    return updateKeepingLongs(copy, modifier, (target, mod) => {
      const condition = positionalCondition(mod, normalizeNumbers(linearFilter(options.filter)));
      const arrayFilters = options.arrayFilters?.map((f) => linearFilter(f));
      if (condition) {
        mingoUpdate(target, mod as never, arrayFilters, condition, { cloneMode: 'copy', queryOptions: { context: linearRegexContext() } });
        return;
      }
      // Without the positional `$`, mingo's operators run directly: mingo's updateOne would
      // rebuild its whole operator context for every document.
      const ops = UPDATE_OPERATOR_FUNCTIONS as unknown as Record<string, (expr: unknown, arrayFilters?: Doc[], options?: unknown) => (obj: Doc) => unknown>;
      for (const [op, expr] of Object.entries(mod)) ops[op]!(expr, arrayFilters ?? [], UPDATE_OPTIONS ?? undefined)(target);
    });
  } catch (err) {
    throw asBadValue(err);
  }
}

/** Field names a plain `$set` / `$unset` writes as object keys: not array positions, not JS's own. */
const PLAIN_FIELD = /^(?!\d+$)(?!__proto__$|constructor$|prototype$)[^$.]+$/;

const isPlainDoc = (v: unknown): v is Doc => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Copy-on-write for the commonest updates (`$set` and `$unset` of fields of sub-documents, as the
 * inbox and the conversation write): only the sub-documents on the written paths are copied, the
 * rest of the new version is shared with the stored one, which nothing changes in place. Null when
 * the update needs the general path (other operators, array positions, a path through an array or
 * a value that is not a document), which copies the whole document and reports MongoDB's errors.
 */
function setInPlaceOfCopy(doc: Doc, modifier: Doc): Doc | null {
  for (const op of Object.keys(modifier)) if (op !== '$set' && op !== '$unset') return null;
  const writes: Array<{ parts: string[]; value: unknown; unset: boolean }> = [];
  for (const [op, fields] of Object.entries(modifier)) {
    if (!fields || typeof fields !== 'object') return null;
    for (const [path, value] of Object.entries(fields as Doc)) {
      const parts = path.split('.');
      if (!parts.every((p) => PLAIN_FIELD.test(p))) return null;
      writes.push({ parts, value, unset: op === '$unset' });
    }
  }
  // Check every path before changing anything: a path through a non-document goes the general way.
  for (const { parts, unset } of writes) {
    let cur: unknown = doc;
    for (let i = 0; i < parts.length - 1; i++) {
      cur = (cur as Doc)[parts[i]!];
      if (cur === undefined) {
        if (unset) break;
        cur = {};
        continue;
      }
      if (!isPlainDoc(cur)) return null;
    }
  }
  const out: Doc = { ...doc };
  const copied = new WeakSet<object>([out]);
  for (const { parts, value, unset } of writes) {
    let parent = out;
    let missing = false;
    for (let i = 0; i < parts.length - 1; i++) {
      const key = parts[i]!;
      const child = parent[key];
      if (child === undefined) {
        if (unset) {
          missing = true;
          break;
        }
        const created: Doc = {};
        copied.add(created);
        parent[key] = created;
        parent = created;
        continue;
      }
      let next = child as Doc;
      if (!copied.has(next)) {
        next = { ...next };
        copied.add(next);
        parent[key] = next;
      }
      parent = next;
    }
    if (missing) continue;
    const last = parts[parts.length - 1]!;
    if (unset) delete parent[last];
    else parent[last] = value;
  }
  return out;
}

/**
 * `$addToSet` with `$each` adds each value at most once, also when the field does not exist yet
 * (mingo then stored the list as given, repeats included).
 */
function withoutRepeatedEach(fields: Doc): Doc {
  const out: Doc = {};
  for (const [path, value] of Object.entries(fields)) {
    const each = value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 ? (value as Doc).$each : undefined;
    if (!Array.isArray(each)) {
      out[path] = value;
      continue;
    }
    const seen = new Set<string>();
    out[path] = {
      $each: each.filter((v) => {
        const k = valueKey(v);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      }),
    };
  }
  return out;
}

/** `$inc`/`$mul` on a field holding a non-number fails in MongoDB (mingo would skip it silently). */
function checkArithmeticTargets(doc: Doc, modifier: Doc): void {
  for (const op of ['$inc', '$mul'] as const) {
    const fields = modifier[op];
    if (!fields || typeof fields !== 'object') continue;
    for (const [path, amount] of Object.entries(fields as Doc)) {
      if (typeRank(amount) !== 3) {
        throw new CommandError(
          'TypeMismatch',
          `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(amount)}}`,
        );
      }
      if (path.includes('$')) continue;
      const parts = path.split('.');
      let current: unknown = doc;
      for (const part of parts) current = current && typeof current === 'object' ? (current as Doc)[part] : undefined;
      if (current !== undefined && typeRank(current) !== 3) {
        throw new CommandError(
          'TypeMismatch',
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(String(doc._id))}} has the field '${parts[parts.length - 1]}' of non-numeric type ${current === null ? 'null' : Array.isArray(current) ? 'array' : typeof current}`,
        );
      }
    }
  }
}

/** MongoDB refuses two operators on overlapping paths (`a` and `a.b`, or the same path twice). */
function checkConflicts(modifier: Doc): void {
  const paths: string[] = [];
  for (const [op, fields] of Object.entries(modifier)) {
    if (!fields || typeof fields !== 'object') continue;
    for (const [path, value] of Object.entries(fields as Doc)) {
      paths.push(path);
      if (op === '$rename' && typeof value === 'string') paths.push(value);
    }
  }
  if (paths.length < 2) return;
  const split = paths.map((p) => p.split('.').filter((part) => !part.startsWith('$')));
  for (let i = 0; i < split.length; i++) {
    for (let j = i + 1; j < split.length; j++) {
      const a = split[i]!;
      const b = split[j]!;
      const n = Math.min(a.length, b.length);
      let prefix = true;
      for (let k = 0; k < n && prefix; k++) prefix = a[k] === b[k];
      if (prefix) {
        const shorter = (a.length <= b.length ? a : b).join('.');
        throw new CommandError('ConflictingUpdateOperators', `Updating the path '${paths[j]}' would create a conflict at '${shorter}'`);
      }
    }
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

/** The fields an upsert copies from its filter: equalities (`$eq`, a one-element `$in`), also inside `$and`. */
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
          const only = keys.length === 1 ? (v as Doc)[keys[0]!] : undefined;
          if (keys[0] === '$eq' && keys.length === 1) value = only;
          // MongoDB reads a one-element $in as an equality, also for seeding an upsert.
          else if (keys[0] === '$in' && Array.isArray(only) && only.length === 1 && !(only[0] instanceof RegExp)) value = only[0];
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
