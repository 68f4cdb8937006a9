import { serialize, type Document } from 'bson';
import { CommandError, toCommandError } from '../errors.js';
import type { Doc } from '../indexes.js';
import { applyUpdate, isReplacement, project, upsertSeed } from '../query.js';
import type { Collection } from '../storage.js';
import { asDoc, collectionName, matchDocuments, num, validateForInsert, withId, writeErrorsReply, type CommandContext } from './context.js';

/** insert, update, delete and findAndModify. */

export function insert(cmd: Document, db: string, ctx: CommandContext): Document {
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
    const seed = isReplacement(spec.u)
      ? spec.q._id !== undefined && typeof spec.q._id !== 'object'
        ? { _id: spec.q._id }
        : pickId(spec.q)
      : upsertSeed(spec.q);
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

/** `update`: each statement in order; an ordered batch stops at the first error. */
export function update(cmd: Document, db: string, ctx: CommandContext): Document {
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

/** `delete`: `limit: 1` removes the first match, `limit: 0` every match. */
export function remove(cmd: Document, db: string, ctx: CommandContext): Document {
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

/** `findAndModify`: update or remove one document (sorted), returning it before or after. */
export function findAndModify(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = typeof cmd.findAndModify === 'string' ? cmd.findAndModify : collectionName(cmd, 'findandmodify');
  const query = asDoc(cmd.query, 'query') ?? {};
  const fields = asDoc(cmd.fields, 'fields');
  const shape = (doc: Doc | undefined | null) => (doc ? (project([doc], fields)[0] ?? null) : null);
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
