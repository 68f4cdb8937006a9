import type { Document } from 'bson';
import { CommandError } from '../errors.js';
import { defaultIndexName, sameIndexOptions, type Doc, type IndexSpec } from '../indexes.js';
import { compileFilter } from '../query.js';
import type { Collection } from '../storage.js';
import { approximateSize, asDoc, collectionName, cursorReply, optionalBatchSize, type CommandContext } from './context.js';

/** Databases, collections and indexes: create, drop, list, rename. */

export function create(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'create');
  for (const option of ['capped', 'validator', 'timeseries', 'viewOn', 'clusteredIndex', 'changeStreamPreAndPostImages']) {
    if (cmd[option] !== undefined && cmd[option] !== false) {
      throw new CommandError('NotImplemented', `The embedded MongoDB-compatible server does not support the create option '${option}'`);
    }
  }
  if (ctx.storage.getCollection(db, name)) throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
  const options: Doc = {};
  for (const [k, v] of Object.entries(cmd)) {
    if (['create', '$db', 'lsid', '$clusterTime', 'writeConcern', '$readPreference', 'apiVersion', 'apiStrict', 'apiDeprecationErrors'].includes(k)) continue;
    options[k] = v;
  }
  ctx.storage.ensureCollection(db, name, options);
  return { ok: 1 };
}

/** `drop`: succeeds on a missing collection, as MongoDB 7 does. */
export function drop(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'drop');
  const coll = ctx.storage.getCollection(db, name);
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexes.size + 1;
  ctx.storage.dropCollection(db, name);
  return { nIndexesWas, ns: `${db}.${name}`, ok: 1 };
}

/** `createIndexes`: same name and key is a no-op; a different key or options under one name is refused. */
export function createIndexes(cmd: Document, db: string, ctx: CommandContext): Document {
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
        throw new CommandError(
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
      }
      if (!sameIndexOptions(sameName.spec, spec)) {
        throw new CommandError(
          'IndexOptionsConflict',
          `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`,
        );
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

/** `listIndexes`: `_id_` first; NamespaceNotFound (26) for a missing collection. */
export function listIndexes(cmd: Document, db: string, ctx: CommandContext): Document {
  const name = collectionName(cmd, 'listIndexes');
  const coll = ctx.storage.getCollection(db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${db}.${name}`);
  const ns = `${db}.${name}`;
  const { batch, id } = ctx.cursors.open(ns, coll.indexSpecs() as Doc[], optionalBatchSize((cmd.cursor as Doc | undefined)?.batchSize));
  return cursorReply(ns, id, batch, true);
}

/** `dropIndexes`: by name, key pattern, list of names or '*'; `_id_` cannot be dropped. */
export function dropIndexes(cmd: Document, db: string, ctx: CommandContext): Document {
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

/** `listCollections` with `filter` and `nameOnly`, as a cursor. */
export function listCollections(cmd: Document, db: string, ctx: CommandContext): Document {
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

/** `listDatabases` with `filter` and `nameOnly`; sizes are approximate. */
export function listDatabases(cmd: Document, _db: string, ctx: CommandContext): Document {
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
