import { Long, type Document } from 'bson';
import { pipelineMayModify, runPipeline, validatePipeline } from '../aggregate.js';
import { sortDocuments } from '../compare.js';
import { DEFAULT_FIRST_BATCH, takeBatch } from '../cursors.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../indexes.js';
import { valueKey } from '../keys.js';
import { numericView } from '../numbers.js';
import { copyDoc, project } from '../query.js';
import { Yielder } from '../yielder.js';
import { asDoc, collectionName, cursorReply, matchDocuments, num, type CommandContext } from './context.js';

/** find, getMore, killCursors, aggregate, count and distinct. */

export async function find(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
  const name = collectionName(cmd, 'find');
  const coll = ctx.storage.getCollection(db, name);
  let limit = num(cmd.limit, 0);
  let singleBatch = cmd.singleBatch === true;
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const docs = await matchDocuments(coll, asDoc(cmd.filter, 'filter'), { sort: cmd.sort, skip: num(cmd.skip, 0), limit }, new Yielder());
  const projection = asDoc(cmd.projection, 'projection');
  const transform = projection && Object.keys(projection).length ? (batch: Doc[]) => project(batch, projection) : undefined;
  // Checked once up front, so a bad projection is an error reply rather than a failing getMore.
  if (transform && docs.length) transform(docs.slice(0, 1));
  const ns = `${db}.${name}`;
  const batchSize = num(cmd.batchSize, DEFAULT_FIRST_BATCH);
  if (singleBatch) return cursorReply(ns, Long.ZERO, takeBatch(docs, 0, batchSize, transform).batch, true);
  const { batch, id } = ctx.cursors.open(ns, docs, batchSize, transform);
  return cursorReply(ns, id, batch, true);
}

/** `getMore`: the next batch of an open cursor; CursorNotFound (43) when it is gone. */
export function getMore(cmd: Document, db: string, ctx: CommandContext): Document {
  const id = cmd.getMore as Long;
  const name = collectionName(cmd, 'collection');
  const ns = `${db}.${name}`;
  const { batch, id: next } = ctx.cursors.next(Long.isLong(id) ? id : Long.fromNumber(num(id, 0)), ns, num(cmd.batchSize, 0));
  return cursorReply(ns, next, batch, false);
}

/** `killCursors`: closes cursors, reporting which existed. */
export function killCursors(cmd: Document, _db: string, ctx: CommandContext): Document {
  const ids = ((cmd.cursors as unknown[]) ?? []).map((id) => (Long.isLong(id) ? id : Long.fromNumber(num(id, 0))));
  const { killed, notFound } = ctx.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

/** `aggregate`: a leading `$match` uses indexes; the rest runs on copies when it may modify documents. */
export async function aggregate(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
  const pipeline = validatePipeline(cmd.pipeline);
  const collName = typeof cmd.aggregate === 'string' ? cmd.aggregate : null;
  if (cmd.explain) throw new CommandError('NotImplemented', 'The embedded MongoDB-compatible server does not support explain');
  if (cmd.cursor === undefined) throw new CommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  const y = new Yielder();
  const coll = collName ? ctx.storage.getCollection(db, collName) : undefined;
  // A leading $match can use an index.
  let input: Doc[];
  let rest = pipeline;
  const first = pipeline[0];
  if (coll && first && '$match' in first) {
    input = await matchDocuments(coll, first.$match as Doc, {}, y);
    rest = pipeline.slice(1);
  } else {
    input = coll ? [...coll.docs.values()] : [];
  }
  // Stored documents are shared: a pipeline that may write into its input runs on copies.
  const view = pipelineMayModify(rest) ? (d: Doc) => copyDoc(numericView(d)) : numericView;
  const viewAll = async (docs: Doc[]) => {
    const out: Doc[] = new Array(docs.length);
    for (let i = 0; i < docs.length; i++) {
      out[i] = view(docs[i]!);
      if (y.due()) await y.pause();
    }
    return out;
  };
  const stored = (other: string) => {
    const c = ctx.storage.getCollection(db, other);
    return c ? [...c.docs.values()] : [];
  };
  const resolve = { sync: (other: string) => stored(other).map(view), slices: (other: string) => viewAll(stored(other)) };
  const results = await runPipeline(await viewAll(input), rest, resolve, y);
  const ns = `${db}.${collName ?? '$cmd.aggregate'}`;
  const batchSize = num((cmd.cursor as Doc | undefined)?.batchSize, DEFAULT_FIRST_BATCH);
  const { batch, id } = ctx.cursors.open(ns, results, batchSize);
  return cursorReply(ns, id, batch, true);
}

/** `count` (what estimatedDocumentCount and legacy counts send). */
export async function count(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
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
  return { n: (await matchDocuments(coll, query, { skip, limit }, new Yielder())).length, ok: 1 };
}

/** `distinct`: values of a path, arrays flattened, in BSON order. */
export async function distinct(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
  const name = collectionName(cmd, 'distinct');
  const key = cmd.key;
  if (typeof key !== 'string') throw new CommandError('TypeMismatch', "BSON field 'distinct.key' is missing but a required field");
  const y = new Yielder();
  const docs = await matchDocuments(ctx.storage.getCollection(db, name), asDoc(cmd.query, 'query'), {}, y);
  const seen = new Map<string, unknown>();
  for (const doc of docs) {
    for (const v of pathValuesFlat(doc, key)) {
      const k = valueKey(v);
      if (!seen.has(k)) seen.set(k, v);
    }
    if (y.due()) await y.pause();
  }
  return {
    values: sortDocuments(
      [...seen.values()].map((v) => ({ v })),
      [['v', 1]],
    ).map((d) => d.v),
    ok: 1,
  };
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
  for (const v of current) {
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}
