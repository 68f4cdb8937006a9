import { Long, type Document } from 'bson';
import { CommandError } from '../errors.js';
import type { Collection } from '../storage.js';
import { SERVER_VERSION, MAX_BSON_OBJECT_SIZE, collectionName, approximateSize, type CommandContext } from './context.js';

/** What the server says about itself: stats, build info, parameters. */

export function collStats(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'collStats');
  const coll = ctx.storage.getCollection(db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `Collection [${db}.${name}] not found.`);
  const size = approximateSize(coll);
  const count = coll.docs.size;
  return {
    ns: coll.ns,
    size,
    count,
    avgObjSize: count ? Math.round(size / count) : 0,
    storageSize: size,
    nindexes: coll.indexes.size + 1,
    totalIndexSize: 0,
    indexSizes: {},
    capped: false,
    ok: 1,
  };
}

/** `dbStats`: counts are exact, sizes approximate. */
export function dbStats(_cmd: Document, db: string, ctx: CommandContext): Document {
  const colls = ctx.storage.databases.get(db) ?? new Map<string, Collection>();
  let objects = 0;
  let dataSize = 0;
  let indexes = 0;
  for (const c of colls.values()) {
    objects += c.docs.size;
    dataSize += approximateSize(c);
    indexes += c.indexes.size + 1;
  }
  return {
    db,
    collections: colls.size,
    views: 0,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize,
    storageSize: dataSize,
    indexes,
    indexSize: 0,
    ok: 1,
  };
}

/** `serverStatus`: the few sections tools read. */
export function serverStatus(_cmd: Document, _db: string, ctx: CommandContext): Document {
  return {
    host: '127.0.0.1',
    version: SERVER_VERSION,
    process: 'embedded',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor((Date.now() - ctx.startedAt.getTime()) / 1000),
    localTime: new Date(),
    connections: { current: 0, available: 1000 },
    metrics: { cursor: { open: { total: ctx.cursors.size } } },
    ok: 1,
  };
}

/** `buildInfo`: presents MongoDB 7.0. */
export function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    javascriptEngine: 'none',
    storageEngines: ['embedded'],
    modules: [],
    ok: 1,
  };
}

/** `getParameter`: the parameters drivers and tools ask for. */
export function getParameter(cmd: Document): Document {
  const reply: Document = {};
  const known: Document = { featureCompatibilityVersion: { version: '7.0' }, authenticationMechanisms: [], requireApiVersion: false };
  if (cmd.getParameter === '*') Object.assign(reply, known);
  for (const k of Object.keys(cmd)) if (k in known) reply[k] = known[k];
  reply.ok = 1;
  return reply;
}
