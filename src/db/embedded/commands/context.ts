import { Long, ObjectId, type Document } from 'bson';
import { parseSort, sortDocumentsAsync, topDocuments } from '../compare.js';
import { CursorRegistry } from '../cursors.js';
import { CommandError } from '../errors.js';
import type { Doc } from '../indexes.js';
import { compileFilter } from '../query.js';
import type { Collection, Storage } from '../storage.js';
import type { Yielder } from '../yielder.js';
import { isRegexValue } from '../regex.js';
import { MAX_MESSAGE_SIZE } from '../wire.js';

/** Shared by every command handler: the context they run in and small argument readers. */

/** What the server reports about itself; the driver supports wire versions 9..29. */
export const SERVER_VERSION = '7.0.0';
/** Limits announced in hello, as MongoDB's. */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export { MAX_MESSAGE_SIZE };
export const MAX_WRITE_BATCH_SIZE = 100_000;

export interface CommandContext {
  readonly storage: Storage;
  readonly cursors: CursorRegistry;
  readonly connectionId: number;
  readonly startedAt: Date;
}

/**
 * Commands whose whole wire message is no larger than the largest document MongoDB parses: no
 * document in them can be too large, so the write commands skip measuring each one.
 */
export const withinParseLimit = new WeakSet<Document>();

/** A command handler; long ones are async and give the event loop back between slices of work. */
export type Handler = (cmd: Document, db: string, ctx: CommandContext) => Document | Promise<Document>;

/** Fields that open or continue a transaction, which a standalone server refuses. */
export const TRANSACTION_FIELDS = ['startTransaction', 'autocommit', 'txnNumber'];

/** The error a standalone server gives any transaction (code 20). */
export function transactionsRefused(): CommandError {
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

/** The collection a command names in `field`; MongoDB's InvalidNamespace when missing. */
export function collectionName(cmd: Document, name: string): string {
  const value = cmd[name];
  if (typeof value !== 'string' || value.length === 0) {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${value === undefined ? 'missing' : typeof value}`);
  }
  return value;
}

/** An optional sub-document argument; TypeMismatch when it is not one. */
export function asDoc(value: unknown, field: string): Doc | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CommandError(
      'TypeMismatch',
      `BSON field '${field}' is the wrong type '${Array.isArray(value) ? 'array' : typeof value}', expected type 'object'`,
    );
  }
  return value as Doc;
}

/** A numeric argument of any BSON number type, or the fallback when absent. */
export function num(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value && 'toNumber' in value) return (value as Long).toNumber();
  return Number(value);
}

/** A client's batchSize, or null when it sent none. */
export function optionalBatchSize(value: unknown): number | null {
  return value === undefined || value === null ? null : Math.max(0, num(value, 0));
}

/** The `{cursor: {firstBatch|nextBatch, id, ns}, ok: 1}` reply shape. */
export function cursorReply(ns: string, id: Long, batch: Doc[], first: boolean): Document {
  return { cursor: first ? { firstBatch: batch, id, ns } : { nextBatch: batch, id, ns }, ok: 1 };
}

/**
 * The documents a filter matches, in natural order, after skip/limit when there is no sort. Scans
 * and sorts give the event loop back through `y`; documents changed meanwhile are seen as they
 * are when the scan reaches them (writers re-check what they matched, see writes.ts).
 */
export async function matchDocuments(
  coll: Collection | undefined,
  filter: Doc | undefined,
  opts: { sort?: unknown; skip?: number; limit?: number },
  y: Yielder,
): Promise<Doc[]> {
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
    if (y.due()) await y.pause();
  }
  // A small window of a sorted result: keep only the best skip+limit instead of sorting all.
  const window = skip + limit;
  const sorted = spec
    ? limit > 0 && window <= 1000 && window * 8 < out.length
      ? topDocuments(out, spec, window)
      : await sortDocumentsAsync(out, spec, y)
    : out;
  if (skip === 0 && (limit === 0 || sorted.length <= limit)) return sorted;
  return sorted.slice(skip, limit > 0 ? skip + limit : undefined);
}

/** MongoDB stores `_id` first, generating an ObjectId when the client sent none. */
export function withId(doc: Doc): Doc {
  if (doc._id === undefined) return { _id: new ObjectId(), ...doc };
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** An insert/update/delete reply: `n`, extra counters and `writeErrors` when there are any. */
export function writeErrorsReply(n: number, writeErrors: Document[], extra: Document = {}): Document {
  const reply: Document = { n, ...extra };
  if (writeErrors.length) reply.writeErrors = writeErrors;
  reply.ok = 1;
  return reply;
}

/** MongoDB's refusals for `_id` values that cannot be stored. */
export function validateForInsert(doc: Doc): Doc {
  if (Array.isArray(doc._id)) throw new CommandError('BadValue', "can't use an array for _id");
  if (isRegexValue(doc._id)) throw new CommandError('BadValue', "can't use a regex for _id");
  return doc;
}

/** A rough data size for stats (MongoDB reports BSON sizes; close enough for dashboards). */
export function approximateSize(coll: Collection): number {
  let size = 0;
  for (const doc of coll.docs.values()) size += 64 + JSON.stringify(doc).length;
  return size;
}
