import { calculateObjectSize, serialize, serializeWithBufferAndIndex, type Document } from 'bson';
import { MAX_BSON_OBJECT_SIZE, MAX_INTERNAL_OBJECT_SIZE, objectTooLarge } from '../cursors.js';
import { CommandError, toCommandError } from '../errors.js';
import type { Doc } from '../indexes.js';
import { valueKey } from '../keys.js';
import { applyUpdate, compileFilter, isReplacement, project, upsertSeed } from '../query.js';
import type { Collection } from '../storage.js';
import { NEVER, Yielder } from '../yielder.js';
import { asDoc, collectionName, matchDocuments, num, validateForInsert, withId, withinParseLimit, writeErrorsReply, type CommandContext } from './context.js';

/** insert, update, delete and findAndModify. */

/** A document's BSON and size; a document too large to encode at all is measured instead. */
function encode(doc: Doc): { bytes: Uint8Array | null; size: number } {
  try {
    const bytes = serialize(doc);
    return { bytes, size: bytes.length };
  } catch {
    return { bytes: null, size: calculateObjectSize(doc) };
  }
}

/**
 * MongoDB's 16 MiB limit, with MongoDB's own errors: an insert is refused with BadValue (2), an
 * update with BSONObjectTooLarge (10334), an upsert with 17420. Returns the document's BSON.
 */
function checkSize(doc: Doc, kind: 'insert' | 'update' | 'upsert'): Uint8Array {
  const { bytes, size } = encode(doc);
  if (bytes && size <= MAX_BSON_OBJECT_SIZE) return bytes;
  if (kind === 'insert') throw new CommandError('BadValue', `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`);
  if (kind === 'upsert') throw new CommandError('Location17420', `Document to upsert is larger than ${MAX_BSON_OBJECT_SIZE}`);
  throw new CommandError('BSONObjectTooLarge', `Resulting document after update is larger than ${MAX_BSON_OBJECT_SIZE}`);
}

/**
 * A document larger than MongoDB builds at all (16 MiB + 16 KiB) fails the whole command before
 * anything is written, as MongoDB's parser refuses it (BSONObjectTooLarge, 10334).
 */
function assertParsable(items: unknown[], cmd: Document): void {
  if (withinParseLimit.has(cmd)) return;
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const size = calculateObjectSize(item as Doc);
    if (size > MAX_INTERNAL_OBJECT_SIZE) throw objectTooLarge(size);
  }
}

export async function insert(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
  const name = collectionName(cmd, 'insert');
  const docs = cmd.documents as Doc[] | undefined;
  if (!Array.isArray(docs)) throw new CommandError('FailedToParse', "BSON field 'insert.documents' is missing but a required field");
  assertParsable(docs, cmd);
  const ordered = cmd.ordered !== false;
  const { coll } = ctx.storage.ensureCollection(db, name);
  const y = new Yielder();
  let n = 0;
  const writeErrors: Document[] = [];
  for (let i = 0; i < docs.length; i++) {
    try {
      const doc = withId(validateForInsert(docs[i]!));
      coll.insert(doc, { bytes: checkSize(doc, 'insert') });
      n++;
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
    if (y.due()) await y.pause();
  }
  return writeErrorsReply(n, writeErrors);
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

/**
 * Where isSame encodes the stored document: reused, so an updateMany over a million documents does
 * not allocate a million buffers only to compare them (that churn of memory outside the heap sets
 * off full garbage collections, which stop every client).
 */
const sameScratch = Buffer.allocUnsafe(64 * 1024);

/** Whether an update changed nothing (byte-identical BSON, so a type change counts as a change). */
function isSame(oldDoc: Doc, newBytes: Uint8Array): boolean {
  if (newBytes.length <= sameScratch.length) {
    let end: number;
    try {
      end = serializeWithBufferAndIndex(oldDoc, sameScratch) + 1;
    } catch {
      return false; // larger than the scratch: not the same as newBytes, which fit
    }
    return end === newBytes.length && sameScratch.compare(newBytes, 0, newBytes.length, 0, end) === 0;
  }
  return Buffer.from(serialize(oldDoc)).equals(newBytes);
}

/**
 * The documents one statement writes. A scan that gave the event loop back may have seen a
 * document another client changed since: a multi-document write re-checks each one when it gets
 * there (as MongoDB re-checks after a yield); a single-document one (sorted, upsert) scans again,
 * the third time without yielding, so it always decides on the current state.
 */
async function matchForWrite(coll: Collection, q: Doc, multi: boolean, upsert: boolean, sort: unknown, y: Yielder): Promise<Doc[]> {
  if (multi) return matchDocuments(coll, q, {}, y);
  for (let attempt = 0; ; attempt++) {
    const scan = attempt < 2 ? y : NEVER;
    const before = y.yields;
    const found = await matchDocuments(coll, q, { sort, limit: 1 }, scan);
    if (scan === NEVER || y.yields === before) return found;
    const first = found[0];
    if (first ? coll.docs.get(valueKey(first._id)) === first : !upsert) return found;
  }
}

/** One update statement: matches, applies, upserts; unique violations throw before any change to that doc. */
async function runUpdate(coll: Collection, spec: UpdateSpec, y: Yielder, sort?: unknown): Promise<UpdateOutcome> {
  if (spec.multi && isReplacement(spec.u) && !Array.isArray(spec.u) && Object.keys(spec.u).length) {
    throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const matches = await matchForWrite(coll, spec.q, spec.multi === true, spec.upsert === true, sort, y);
  if (matches.length === 0) {
    if (!spec.upsert) return { matched: 0, modified: 0 };
    const seed = isReplacement(spec.u)
      ? spec.q._id !== undefined && typeof spec.q._id !== 'object'
        ? { _id: spec.q._id }
        : pickId(spec.q)
      : upsertSeed(spec.q);
    const created = withId(applyUpdate(seed, spec.u, { filter: spec.q, arrayFilters: spec.arrayFilters, inserting: true }));
    const ordered = created._id === undefined ? created : { _id: created._id, ...created };
    coll.insert(ordered, { bytes: checkSize(ordered, 'upsert') });
    return { matched: 0, modified: 0, upsertedId: ordered._id, after: ordered };
  }
  let test: ((doc: Doc) => boolean) | undefined;
  const yieldsAtMatch = y.yields;
  let matched = 0;
  let modified = 0;
  let before: Doc | undefined;
  let after: Doc | undefined;
  for (const seen of matches) {
    let doc = seen;
    if (y.yields !== yieldsAtMatch) {
      // Another client may have changed or removed it since the scan: the stored version decides.
      const current = coll.docs.get(valueKey(seen._id));
      if (!current || (current !== seen && !(test ??= compileFilter(spec.q))(current))) continue;
      doc = current;
    }
    matched++;
    const updated = applyUpdate(doc, spec.u, { filter: spec.q, arrayFilters: spec.arrayFilters, inserting: false });
    before ??= doc;
    const bytes = checkSize(updated, 'update');
    if (isSame(doc, bytes)) {
      after ??= doc;
    } else {
      coll.replace(doc, updated, { bytes });
      after ??= updated;
      modified++;
    }
    if (y.due()) await y.pause();
  }
  const outcome: UpdateOutcome = { matched, modified };
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

/** `update`: each statement in order; an ordered batch stops at the first error. */
export async function update(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
  const name = collectionName(cmd, 'update');
  const updates = cmd.updates as UpdateSpec[] | undefined;
  if (!Array.isArray(updates)) throw new CommandError('FailedToParse', "BSON field 'update.updates' is missing but a required field");
  assertParsable(updates, cmd);
  const ordered = cmd.ordered !== false;
  const { coll } = ctx.storage.ensureCollection(db, name);
  const y = new Yielder();
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  const writeErrors: Document[] = [];
  for (let i = 0; i < updates.length; i++) {
    try {
      const u = updates[i]!;
      const out = await runUpdate(coll, { ...u, q: u.q ?? {} }, y);
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

/** `delete`: `limit: 1` removes the first match, `limit: 0` every match. */
export async function remove(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
  const name = collectionName(cmd, 'delete');
  const deletes = cmd.deletes as Array<{ q: Doc; limit: number }> | undefined;
  if (!Array.isArray(deletes)) throw new CommandError('FailedToParse', "BSON field 'delete.deletes' is missing but a required field");
  const ordered = cmd.ordered !== false;
  const coll = ctx.storage.getCollection(db, name);
  const y = new Yielder();
  let n = 0;
  const writeErrors: Document[] = [];
  for (let i = 0; i < deletes.length; i++) {
    try {
      const d = deletes[i]!;
      if (!coll) continue;
      const q = d.q ?? {};
      const one = num(d.limit, 0) === 1;
      const matches = await matchForWrite(coll, q, !one, false, undefined, y);
      let test: ((doc: Doc) => boolean) | undefined;
      const yieldsAtMatch = y.yields;
      for (const seen of matches) {
        let doc = seen;
        if (y.yields !== yieldsAtMatch) {
          const current = coll.docs.get(valueKey(seen._id));
          if (!current || (current !== seen && !(test ??= compileFilter(q))(current))) continue;
          doc = current;
        }
        coll.remove(doc);
        n++;
        if (y.due()) await y.pause();
      }
    } catch (err) {
      writeErrors.push(toCommandError(err).toWriteError(i));
      if (ordered) break;
    }
  }
  return writeErrorsReply(n, writeErrors);
}

/** `findAndModify`: update or remove one document (sorted), returning it before or after. */
export async function findAndModify(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
  const name = typeof cmd.findAndModify === 'string' ? cmd.findAndModify : collectionName(cmd, 'findandmodify');
  assertParsable([cmd], cmd);
  const query = asDoc(cmd.query, 'query') ?? {};
  const fields = asDoc(cmd.fields, 'fields');
  const shape = (doc: Doc | undefined | null) => (doc ? (project([doc], fields)[0] ?? null) : null);
  const y = new Yielder();
  if (cmd.remove === true) {
    if (cmd.update !== undefined) throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    const coll = ctx.storage.getCollection(db, name);
    const doc = coll ? (await matchForWrite(coll, query, false, false, cmd.sort, y))[0] : undefined;
    if (doc && coll) coll.remove(doc);
    return { lastErrorObject: { n: doc ? 1 : 0 }, value: shape(doc), ok: 1 };
  }
  if (cmd.update === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const { coll } = ctx.storage.ensureCollection(db, name);
  const spec: UpdateSpec = { q: query, u: cmd.update as Doc, upsert: cmd.upsert === true, multi: false };
  if (Array.isArray(cmd.arrayFilters)) spec.arrayFilters = cmd.arrayFilters as Doc[];
  const out = await runUpdate(coll, spec, y, cmd.sort);
  const lastErrorObject: Document = { n: out.upsertedId !== undefined ? 1 : out.matched, updatedExisting: out.matched > 0 };
  if (out.upsertedId !== undefined) lastErrorObject.upserted = out.upsertedId;
  const value = cmd.new === true ? out.after : out.upsertedId !== undefined ? null : out.before;
  return { lastErrorObject, value: shape(value ?? null), ok: 1 };
}
