/**
 * The same cases against whatever `inject('mongoUri')` points to: the embedded server by default,
 * a real MongoDB when MONGODB_URI is set. Assertions describe MongoDB's own behaviour.
 */
import { Binary, Decimal128, Double, Int32, Long, MaxKey, MinKey, MongoClient, MongoServerError, ObjectId, type Db } from 'mongodb';
import mongoose, { Schema, type Connection } from 'mongoose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createScheduler } from '../../../src/jobs/scheduler.js';
import { uniqueDbName } from '../../helpers/db.js';

let client: MongoClient;
let db: Db;
let standalone = true;

beforeAll(async () => {
  client = await MongoClient.connect(inject('mongoUri'));
  db = client.db(uniqueDbName('conf'));
  const hello = await db.admin().command({ hello: 1 });
  standalone = !hello.setName && hello.msg !== 'isdbgrid';
});

afterAll(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await client?.close();
});

async function serverError(p: Promise<unknown>): Promise<MongoServerError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof MongoServerError) return err;
    throw err;
  }
  throw new Error('expected a server error');
}

describe('CRUD through the driver', () => {
  it('inserts, finds with filter, projection, sort, skip and limit', async () => {
    const c = db.collection('crud_find');
    await c.insertMany([
      { n: 1, kind: 'a', tags: ['x'] },
      { n: 2, kind: 'b', tags: ['x', 'y'] },
      { n: 3, kind: 'a', tags: [] },
      { n: 4, kind: 'b' },
      { n: 5, kind: 'a', nested: { deep: 1 } },
    ]);
    const rows = await c
      .find({ kind: 'a' }, { projection: { _id: 0, n: 1 } })
      .sort({ n: -1 })
      .skip(1)
      .limit(1)
      .toArray();
    expect(rows).toEqual([{ n: 3 }]);
    expect(await c.countDocuments({ tags: 'x' })).toBe(2);
    expect(await c.countDocuments({ n: { $in: [1, 4, 9] } })).toBe(2);
    expect(await c.countDocuments({ 'nested.deep': 1 })).toBe(1);
    expect(await c.countDocuments({ $or: [{ n: 1 }, { kind: 'b' }] })).toBe(3);
    expect(await c.countDocuments({ tags: { $size: 0 } })).toBe(1);
    expect(await c.countDocuments({ tags: { $exists: false } })).toBe(2);
    const board = db.collection('crud_board');
    await board.createIndex({ unit: 1 });
    await board.insertMany(Array.from({ length: 200 }, (_, i) => ({ i, unit: i % 2 ? 'hn' : 'hcm', score: (i * 7919) % 1000 })));
    const top = await board
      .find({ unit: 'hn' }, { projection: { _id: 0, score: 1 } })
      .sort({ score: -1 })
      .skip(1)
      .limit(3)
      .toArray();
    const expected = Array.from({ length: 200 }, (_, i) => ({ i, score: (i * 7919) % 1000 }))
      .filter((d) => d.i % 2)
      .map((d) => d.score)
      .sort((a, b) => b - a)
      .slice(1, 4);
    expect(top.map((d) => d.score)).toEqual(expected);
    expect(await board.countDocuments({ $or: [{ unit: 'hn' }, { i: 0 }] })).toBe(101);
    const first = await c.findOne({ n: { $gte: 2 } }, { sort: { n: 1 } });
    expect(first?.n).toBe(2);
    expect(Object.keys(first ?? {})[0]).toBe('_id');
  });

  it('an upsert may choose the new document’s _id with $setOnInsert, used only when it inserts', async () => {
    const c = db.collection<{ _id: number; email: string; seen: number; first?: boolean }>('crud_upsert_id');
    const chosen = await c.updateOne({ email: 'id@x.vn' }, { $set: { seen: 1 }, $setOnInsert: { _id: 7, first: true } }, { upsert: true });
    expect(chosen.upsertedId).toBe(7);
    const again = await c.updateOne({ email: 'id@x.vn' }, { $set: { seen: 2 }, $setOnInsert: { _id: 8, first: false } }, { upsert: true });
    expect(again).toMatchObject({ matchedCount: 1, upsertedCount: 0 });
    expect(await c.find({}).toArray()).toEqual([{ _id: 7, email: 'id@x.vn', seen: 2, first: true }]);
  });

  it('updates with operators, upserts with $setOnInsert, arrayFilters and the positional operator', async () => {
    interface Row {
      _id: number;
      n?: number;
      list?: number[];
      grades?: Array<{ g: number; top?: boolean }>;
      name?: string;
      email?: string;
      sub?: { x: boolean };
      seen?: number;
      created?: string;
      touched?: boolean;
      replaced?: boolean;
    }
    const c = db.collection<Row>('crud_update');
    await c.insertOne({ _id: 1, n: 1, list: [1, 2, 3], grades: [{ g: 80 }, { g: 95 }], name: 'a' });
    const r1 = await c.updateOne({ _id: 1 }, { $inc: { n: 2 }, $push: { list: 4 }, $set: { 'sub.x': true }, $unset: { name: '' } });
    expect(r1).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    await c.updateOne({ _id: 1 }, { $set: { 'grades.$[hi].top': true } }, { arrayFilters: [{ 'hi.g': { $gte: 90 } }] });
    await c.updateOne({ _id: 1, list: 2 }, { $set: { 'list.$': 20 } });
    await c.updateOne({ _id: 1 }, { $addToSet: { list: 20 }, $max: { n: 10 }, $rename: { sub: 'renamed' } });
    await c.updateOne({ _id: 1 }, { $pull: { list: 3 }, $mul: { n: 2 } });
    const conflict = await serverError(c.updateOne({ _id: 1 }, { $push: { list: 1 }, $pull: { list: 1 } }));
    expect(conflict.message).toMatch(/conflict/);
    const doc = await c.findOne({ _id: 1 });
    expect(doc).toMatchObject({ n: 20, list: [1, 20, 4], renamed: { x: true }, grades: [{ g: 80 }, { g: 95, top: true }] });
    expect(doc).not.toHaveProperty('name');

    const up = await c.updateOne({ email: 'u@x.vn' }, { $set: { seen: 1 }, $setOnInsert: { created: 'yes' } }, { upsert: true });
    expect(up.upsertedCount).toBe(1);
    await c.updateOne({ email: 'u@x.vn' }, { $set: { seen: 2 }, $setOnInsert: { created: 'again' } }, { upsert: true });
    expect(await c.findOne({ email: 'u@x.vn' }, { projection: { _id: 0 } })).toEqual({ email: 'u@x.vn', seen: 2, created: 'yes' });

    const same = await c.updateOne({ email: 'u@x.vn' }, { $set: { seen: 2 } });
    expect(same).toMatchObject({ matchedCount: 1, modifiedCount: 0 });

    const many = await c.updateMany({}, { $set: { touched: true } });
    expect(many.matchedCount).toBe(2);

    await c.replaceOne({ email: 'u@x.vn' }, { email: 'u@x.vn', replaced: true });
    expect(await c.findOne({ email: 'u@x.vn' }, { projection: { _id: 0 } })).toEqual({ email: 'u@x.vn', replaced: true });

    const err = await serverError(c.updateOne({ _id: 1 }, { $set: { _id: 2 } }));
    expect(err.code).toBe(66);
    const notNumber = await serverError(c.updateOne({ email: 'u@x.vn' }, { $inc: { email: 1 } } as never));
    expect(notNumber.code).toBe(14);
    expect(notNumber.message).toMatch(/Cannot apply \$inc to a value of non-numeric type/);
    const bad = await serverError(c.updateOne({ _id: 1 }, { $frobnicate: { a: 1 } } as never));
    expect(bad.message).toContain('$frobnicate');
  });

  it('projects nested fields and array slices without changing the stored document', async () => {
    const c = db.collection('crud_projection');
    const stored = {
      _id: 1 as never,
      a: 1,
      sub: { x: 1, y: 2 },
      arr: [1, 2, 3],
      objs: [
        { k: 1, v: 1 },
        { k: 2, v: 2 },
      ],
    };
    await c.insertOne(stored);
    expect(await c.findOne({}, { projection: { 'sub.x': 0 } })).toEqual({ _id: 1, a: 1, sub: { y: 2 }, arr: [1, 2, 3], objs: stored.objs });
    expect(await c.findOne({}, { projection: { 'objs.k': 1, _id: 0 } })).toEqual({ objs: [{ k: 1 }, { k: 2 }] });
    expect(await c.findOne({}, { projection: { arr: { $slice: -2 } } })).toEqual({ ...stored, arr: [2, 3] });
    expect(await c.findOne({}, { projection: { a: 1 } })).toEqual({ _id: 1, a: 1 });
    const [shaped] = await c.aggregate([{ $set: { 'sub.x': 99 } }, { $unset: 'sub.y' }, { $project: { _id: 0, sub: 1 } }]).toArray();
    expect(shaped).toEqual({ sub: { x: 99 } });
    const [grouped] = await c
      .aggregate([{ $group: { _id: null, all: { $push: '$$ROOT' } } }, { $set: { first: { $first: '$all' } } }, { $set: { 'first.a': 5 } }])
      .toArray();
    expect(grouped?.first).toEqual({ ...stored, a: 5 });
    expect(await c.findOne({ _id: 1 as never })).toEqual(stored);
  });

  it('evaluates query operators: $regex, $elemMatch, $all, $not, $nor, $expr, $type, $exists, $ne on arrays', async () => {
    const c = db.collection('crud_operators');
    await c.insertMany([
      {
        name: 'Nguyễn An',
        scores: [
          { s: 8, t: 'quiz' },
          { s: 3, t: 'poll' },
        ],
        tags: ['a', 'b'],
        n: 1,
        m: 2,
      },
      { name: 'Trần Bình', scores: [{ s: 9, t: 'poll' }], tags: ['b'], n: 5, m: 2 },
      { name: 'lê chi', tags: [], n: 'five', m: 9 },
    ]);
    const names = async (filter: object) =>
      (
        await c
          .find(filter, { projection: { _id: 0, name: 1 } })
          .sort({ name: 1 })
          .toArray()
      ).map((d) => d.name);
    expect(await names({ name: { $regex: '^n', $options: 'i' } })).toEqual(['Nguyễn An']);
    expect(await names({ scores: { $elemMatch: { s: { $gte: 8 }, t: 'quiz' } } })).toEqual(['Nguyễn An']);
    expect(await names({ tags: { $all: ['a', 'b'] } })).toEqual(['Nguyễn An']);
    expect(await names({ n: { $not: { $gt: 2 } } })).toEqual(['Nguyễn An', 'lê chi']);
    expect(await names({ $nor: [{ n: 1 }, { n: 5 }] })).toEqual(['lê chi']);
    expect(await names({ $expr: { $gt: ['$m', '$n'] } })).toEqual(['Nguyễn An']);
    expect(await names({ n: { $type: 'string' } })).toEqual(['lê chi']);
    expect(await names({ scores: { $exists: false } })).toEqual(['lê chi']);
    expect(await names({ tags: { $ne: 'b' } })).toEqual(['lê chi']);
    expect(await names({ 'scores.s': { $gt: 8 } })).toEqual(['Trần Bình']);
  });

  it('deletes one or many and runs a bulk write', async () => {
    const c = db.collection('crud_delete');
    await c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }, { k: 3 }]);
    expect((await c.deleteOne({ k: 1 })).deletedCount).toBe(1);
    expect((await c.deleteMany({ k: { $lte: 2 } })).deletedCount).toBe(2);
    const bulk = await c.bulkWrite([
      { insertOne: { document: { k: 10 } } },
      { updateOne: { filter: { k: 3 }, update: { $set: { k: 30 } } } },
      { deleteOne: { filter: { k: 10 } } },
    ]);
    expect(bulk).toMatchObject({ insertedCount: 1, modifiedCount: 1, deletedCount: 1 });
    expect(await c.find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ k: 30 }]);
  });

  it('findOneAndUpdate / findOneAndDelete / findOneAndReplace honour sort, upsert, projection and returnDocument', async () => {
    const c = db.collection('crud_fam');
    await c.insertMany([
      { q: 1, p: 'low' },
      { q: 5, p: 'high' },
    ]);
    const before = await c.findOneAndUpdate({}, { $set: { hit: true } }, { sort: { q: -1 }, returnDocument: 'before' });
    expect(before).toMatchObject({ q: 5 });
    expect(before).not.toHaveProperty('hit');
    const after = await c.findOneAndUpdate({ q: 1 }, { $inc: { q: 1 } }, { returnDocument: 'after', projection: { _id: 0, q: 1 } });
    expect(after).toEqual({ q: 2 });
    const created = await c.findOneAndUpdate({ q: 99 }, { $set: { p: 'new' } }, { upsert: true, returnDocument: 'after', includeResultMetadata: true });
    expect(created.value).toMatchObject({ q: 99, p: 'new' });
    expect(created.lastErrorObject).toMatchObject({ updatedExisting: false, n: 1 });
    const none = await c.findOneAndUpdate({ q: 1000 }, { $set: { p: 'x' } });
    expect(none).toBeNull();
    const replaced = await c.findOneAndReplace({ q: 99 }, { q: 100 }, { returnDocument: 'after', projection: { _id: 0 } });
    expect(replaced).toEqual({ q: 100 });
    const removed = await c.findOneAndDelete({}, { sort: { q: 1 } });
    expect(removed).toMatchObject({ q: 2 });
    expect(await c.countDocuments()).toBe(2);
  });
});

describe('CRUD through mongoose', () => {
  interface Person {
    email: string;
    name: string;
    age?: number;
    tags: string[];
    createdAt?: Date;
  }
  let conn: Connection;
  beforeAll(async () => {
    conn = await mongoose.createConnection(inject('mongoUri'), { dbName: uniqueDbName('confm') }).asPromise();
  });
  afterAll(async () => {
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  it('creates, queries, updates, deletes and reports duplicate keys with the field', async () => {
    const schema = new Schema<Person>(
      { email: { type: String, unique: true, required: true }, name: String, age: Number, tags: [String] },
      { timestamps: true },
    );
    schema.index({ name: 1, age: -1 });
    const Person = conn.model<Person>('Person', schema);
    await Person.init();
    const indexes = await Person.collection.indexes();
    expect(indexes.map((i) => i.name).sort()).toEqual(['_id_', 'email_1', 'name_1_age_-1']);
    await Person.create([
      { email: 'a@x.vn', name: 'An', age: 30, tags: ['hn'] },
      { email: 'b@x.vn', name: 'Bảo', age: 25, tags: ['hcm', 'hn'] },
    ]);
    const err = await Person.create({ email: 'a@x.vn', name: 'dup' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'a@x.vn' } });
    const hn = await Person.find({ tags: 'hn' }).sort({ age: 1 }).lean();
    expect(hn.map((p) => p.name)).toEqual(['Bảo', 'An']);
    const updated = await Person.findOneAndUpdate({ email: 'b@x.vn' }, { $inc: { age: 1 } }, { new: true }).lean();
    expect(updated?.age).toBe(26);
    expect(updated?.createdAt).toBeInstanceOf(Date);
    const doc = await Person.findOne({ email: 'a@x.vn' });
    doc!.name = 'Ân';
    await doc!.save();
    expect((await Person.findById(doc!._id).lean())?.name).toBe('Ân');
    expect(await Person.countDocuments({ age: { $gt: 20 } })).toBe(2);
    expect(await Person.distinct('tags')).toEqual(['hcm', 'hn']);
    await Person.deleteMany({ age: { $lt: 29 } });
    expect(await Person.estimatedDocumentCount()).toBe(1);
  });
});

describe('commands', () => {
  it('answers hello, ping, buildInfo and listDatabases', async () => {
    const admin = db.admin();
    const hello = await admin.command({ hello: 1 });
    expect(hello).toMatchObject({ isWritablePrimary: true, ok: 1 });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(await admin.command({ ping: 1 })).toMatchObject({ ok: 1 });
    const info = await admin.command({ buildInfo: 1 });
    expect(typeof info.version).toBe('string');
    await db.collection('cmd_marker').insertOne({ x: 1 });
    const dbs = await admin.listDatabases();
    expect(dbs.databases.map((d) => d.name)).toContain(db.databaseName);
  });

  it('creates, lists and drops collections', async () => {
    await db.createCollection('cmd_created');
    const err = await serverError(db.command({ create: 'cmd_created' }));
    expect(err.code).toBe(48);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).toContain('cmd_created');
    expect(await db.listCollections({ name: 'cmd_created' }).toArray()).toHaveLength(1);
    expect(await db.collection('cmd_created').drop()).toBe(true);
    expect(await db.listCollections({ name: 'cmd_created' }).toArray()).toHaveLength(0);
  });

  it('renames a collection and reports database statistics', async () => {
    const c = db.collection('cmd_rename_from');
    await c.createIndex({ v: 1 }, { unique: true });
    await c.insertMany([{ v: 1 }, { v: 2 }]);
    await c.rename('cmd_rename_to');
    const moved = db.collection('cmd_rename_to');
    expect(await moved.countDocuments()).toBe(2);
    expect((await moved.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'v_1']);
    expect(await db.listCollections({ name: 'cmd_rename_from' }).toArray()).toHaveLength(0);
    const stats = await db.command({ dbStats: 1 });
    expect(stats.ok).toBe(1);
    expect(stats.collections).toBeGreaterThanOrEqual(1);
    expect(stats.objects).toBeGreaterThanOrEqual(2);
  });

  it('creates, lists and drops indexes', async () => {
    const c = db.collection('cmd_indexes');
    expect(await c.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    expect(await c.createIndex({ e: 1 }, { unique: true, name: 'by_e' })).toBe('by_e');
    expect(await c.createIndex({ e: 1 }, { unique: true, name: 'by_e' })).toBe('by_e');
    const conflict = await serverError(c.createIndex({ f: 1 }, { name: 'by_e' }));
    expect(conflict.code).toBe(86);
    const list = await c.listIndexes().toArray();
    expect(list.map((i) => i.name)).toEqual(['_id_', 'a_1_b_-1', 'by_e']);
    expect(list.find((i) => i.name === 'by_e')).toMatchObject({ key: { e: 1 }, unique: true });
    await c.dropIndex('a_1_b_-1');
    const missing = await serverError(c.dropIndex('nope'));
    expect(missing.code).toBe(27);
    await c.dropIndexes();
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    const nsMissing = await serverError(db.collection('cmd_never').listIndexes().toArray());
    expect(nsMissing.code).toBe(26);
  });

  it('counts and lists distinct values', async () => {
    const c = db.collection('cmd_count');
    await c.insertMany([
      { g: 'a', v: [1, 2] },
      { g: 'b', v: 2 },
      { g: 'a', v: 3 },
    ]);
    expect(await db.command({ count: 'cmd_count', query: { g: 'a' } })).toMatchObject({ n: 2, ok: 1 });
    expect(await c.distinct('v')).toEqual([1, 2, 3]);
    expect(await c.distinct('g', { v: 2 })).toEqual(['a', 'b']);
  });

  it('answers an unknown command with code 59 naming it', async () => {
    const err = await serverError(db.command({ frobnicateEverything: 1 }));
    expect(err.code).toBe(59);
    expect(err.codeName).toBe('CommandNotFound');
    expect(err.message).toContain('frobnicateEverything');
  });

  it('names an unknown aggregation stage or query operator in its error', async () => {
    const c = db.collection('cmd_errors');
    await c.insertOne({ a: 1 });
    const stage = await serverError(c.aggregate([{ $frobnicate: {} }]).toArray());
    expect(stage.message).toContain('$frobnicate');
    const op = await serverError(c.find({ a: { $frobnicate: 1 } }).toArray());
    expect(op.message).toContain('$frobnicate');
  });

  it('refuses transactions on a standalone server', async () => {
    if (!standalone) return; // replica sets and mongos run transactions: nothing to refuse there
    const c = db.collection('cmd_txn');
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await c.insertOne({ a: 1 }, { session }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MongoServerError);
      // The driver rewrites the server's message into advice about retryable writes.
      expect(String((err as Error).message)).toMatch(/Transaction numbers are only allowed|does not support retryable writes/);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await c.countDocuments()).toBe(0);
  });

  it('applies unacknowledged (w: 0) writes without a reply', async () => {
    const c = db.collection('cmd_w0');
    await c.insertOne({ fire: 'and forget' }, { writeConcern: { w: 0 } });
    let count = 0;
    for (let i = 0; i < 200 && count === 0; i++) {
      count = await c.countDocuments();
      if (!count) await new Promise((r) => setTimeout(r, 10));
    }
    expect(count).toBe(1);
  });
});

describe('unique indexes', () => {
  it('rejects duplicates with code 11000, keyPattern and keyValue, and keeps the first document', async () => {
    const c = db.collection('uniq_basic');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ email: 'x@y.vn', n: 1 });
    const err = await serverError(c.insertOne({ email: 'x@y.vn', n: 2 }));
    expect(err.code).toBe(11000);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'x@y.vn' });
    expect(err.message).toMatch(/E11000 duplicate key error collection: .*uniq_basic index: email_1 dup key/);
    const upd = await serverError(c.insertOne({ email: 'other' }).then(() => c.updateOne({ email: 'other' }, { $set: { email: 'x@y.vn' } })));
    expect(upd.code).toBe(11000);
    expect(await c.countDocuments({ email: 'x@y.vn' })).toBe(1);
  });

  it('stops an ordered insertMany at the first duplicate and continues an unordered one', async () => {
    const c = db.collection('uniq_many');
    await c.createIndex({ k: 1 }, { unique: true });
    const ordered = await serverError(c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]));
    expect(ordered.code).toBe(11000);
    expect(await c.countDocuments()).toBe(1);
    await serverError(c.insertMany([{ k: 3 }, { k: 1 }, { k: 4 }], { ordered: false }));
    expect(await c.countDocuments()).toBe(3);
  });

  it('treats a missing field as null unless the index is sparse or partial', async () => {
    const plain = db.collection('uniq_missing');
    await plain.createIndex({ code: 1 }, { unique: true });
    await plain.insertOne({ other: 1 });
    const err = await serverError(plain.insertOne({ other: 2 }));
    expect(err.code).toBe(11000);
    expect(err.keyValue).toEqual({ code: null });

    const sparse = db.collection('uniq_sparse');
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ other: 1 }, { other: 2 }, { code: 'A' }]);
    expect((await serverError(sparse.insertOne({ code: 'A' }))).code).toBe(11000);

    const partial = db.collection('uniq_partial');
    await partial.createIndex({ phone: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await partial.insertMany([
      { phone: '1', active: false },
      { phone: '1', active: true },
      { phone: '1', active: false },
    ]);
    expect((await serverError(partial.insertOne({ phone: '1', active: true }))).code).toBe(11000);
  });

  it('enforces compound and multikey uniqueness', async () => {
    const c = db.collection('uniq_compound');
    await c.createIndex({ a: 1, b: 1 }, { unique: true });
    await c.insertMany([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
      { a: 2, b: 1 },
    ]);
    const err = await serverError(c.insertOne({ a: 1, b: 2 }));
    expect(err.keyPattern).toEqual({ a: 1, b: 1 });
    expect(err.keyValue).toEqual({ a: 1, b: 2 });
    const m = db.collection('uniq_multikey');
    await m.createIndex({ tags: 1 }, { unique: true });
    await m.insertOne({ tags: ['a', 'b', 'b'] });
    expect((await serverError(m.insertOne({ tags: ['c', 'a'] }))).code).toBe(11000);
    expect(await m.countDocuments({ tags: 'b' })).toBe(1);
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const c = db.collection('uniq_build');
    await c.insertMany([{ v: 1 }, { v: 1 }]);
    expect((await serverError(c.createIndex({ v: 1 }, { unique: true }))).code).toBe(11000);
  });
});

describe('cursors', () => {
  it('streams 10,000 documents in batches with getMore, and killCursors closes a cursor', async () => {
    const c = db.collection('cursor_big');
    const docs = Array.from({ length: 10_000 }, (_, i) => ({ i, pad: 'x'.repeat(20) }));
    for (let i = 0; i < docs.length; i += 2500) await c.insertMany(docs.slice(i, i + 2500));
    let seen = 0;
    let last = -1;
    let ordered = true;
    for await (const d of c.find({}, { batchSize: 700 }).sort({ i: 1 })) {
      if (d.i <= last) ordered = false;
      last = d.i;
      seen++;
    }
    expect(seen).toBe(10_000);
    expect(ordered).toBe(true);

    const raw = { promoteLongs: false } as const;
    const first = await db.command({ find: 'cursor_big', filter: {}, batchSize: 100 }, raw);
    expect(first.cursor.firstBatch).toHaveLength(100);
    const id = first.cursor.id as Long;
    expect(id.isZero()).toBe(false);
    const more = await db.command({ getMore: id, collection: 'cursor_big', batchSize: 250 }, raw);
    expect(more.cursor.nextBatch).toHaveLength(250);
    const empty = await db.command({ find: 'cursor_big', filter: {}, batchSize: 0 }, raw);
    expect(empty.cursor.firstBatch).toEqual([]);
    const killed = await db.command({ killCursors: 'cursor_big', cursors: [id, empty.cursor.id] });
    expect(killed.cursorsKilled).toHaveLength(2);
    const gone = await serverError(db.command({ getMore: id, collection: 'cursor_big' }, raw));
    expect(gone.code).toBe(43);
    const byId = await db.collection('cursor_ids').insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i as never })));
    expect(byId.insertedCount).toBe(200);
    expect(await db.collection('cursor_ids').countDocuments({ _id: { $gte: 150, $lt: 160 } as never })).toBe(10);
    const agg = await c.aggregate([{ $match: { i: { $gte: 5000 } } }], { batchSize: 10 }).toArray();
    expect(agg).toHaveLength(5000);
  });
});

describe('aggregation', () => {
  it('runs $match, $group, $sort, $project, $addFields, $unwind, $count, $facet, $limit and $skip', async () => {
    const c = db.collection('agg_orders');
    await c.insertMany([
      { unit: 'hn', items: ['a', 'b'], total: 10 },
      { unit: 'hn', items: ['c'], total: 5 },
      { unit: 'hcm', items: ['a'], total: 7 },
      { unit: 'dn', items: [], total: 1 },
    ]);
    const byUnit = await c
      .aggregate([
        { $match: { total: { $gte: 5 } } },
        { $group: { _id: '$unit', sum: { $sum: '$total' }, n: { $sum: 1 } } },
        { $sort: { sum: -1 } },
        { $project: { _id: 0, unit: '$_id', sum: 1, n: 1 } },
      ])
      .toArray();
    expect(byUnit).toEqual([
      { sum: 15, n: 2, unit: 'hn' },
      { sum: 7, n: 1, unit: 'hcm' },
    ]);
    const unwound = await c.aggregate([{ $unwind: '$items' }, { $count: 'n' }]).toArray();
    expect(unwound).toEqual([{ n: 4 }]);
    const paged = await c
      .aggregate([
        { $sort: { total: 1 } },
        { $skip: 1 },
        { $limit: 2 },
        { $addFields: { double: { $multiply: ['$total', 2] } } },
        { $project: { _id: 0, double: 1 } },
      ])
      .toArray();
    expect(paged).toEqual([{ double: 10 }, { double: 14 }]);
    const [facets] = await c
      .aggregate([{ $facet: { count: [{ $count: 'n' }], top: [{ $sort: { total: -1 } }, { $limit: 1 }, { $project: { _id: 0, unit: 1 } }] } }])
      .toArray();
    expect(facets).toEqual({ count: [{ n: 4 }], top: [{ unit: 'hn' }] });
    expect(await c.countDocuments({ total: { $gt: 4 } })).toBe(3);
  });

  it('$lookup joins by a scalar and by an array local field', async () => {
    const units = db.collection('agg_units');
    const people = db.collection('agg_people');
    await units.insertMany([
      { _id: 'hn' as never, name: 'Hà Nội' },
      { _id: 'hcm' as never, name: 'TP.HCM' },
    ]);
    await people.insertMany([
      { name: 'An', unit: 'hn', visited: ['hn', 'hcm'] },
      { name: 'Bình', unit: 'xx', visited: [] },
    ]);
    const rows = await people
      .aggregate([
        { $sort: { name: 1 } },
        { $lookup: { from: 'agg_units', localField: 'unit', foreignField: '_id', as: 'u' } },
        { $lookup: { from: 'agg_units', localField: 'visited', foreignField: '_id', as: 'v' } },
        { $project: { _id: 0, name: 1, u: '$u.name', v: '$v.name' } },
      ])
      .toArray();
    expect(rows).toEqual([
      { name: 'An', u: ['Hà Nội'], v: ['Hà Nội', 'TP.HCM'] },
      { name: 'Bình', u: [], v: [] },
    ]);
  });
});

describe('BSON types and ordering', () => {
  it('round-trips ObjectId, Date, Int32, Long, Double, Decimal128, Binary and null', async () => {
    const c = db.collection('bson_types');
    const id = new ObjectId();
    const when = new Date('2026-01-02T03:04:05.678Z');
    await c.insertOne({
      _id: id,
      when,
      i: new Int32(7),
      big: Long.fromString('9007199254740993'),
      small: Long.fromNumber(5),
      d: new Double(2.5),
      dec: Decimal128.fromString('12.345'),
      bin: new Binary(Buffer.from([1, 2, 3])),
      nothing: null,
    });
    const raw = await c.findOne({ _id: id }, { promoteLongs: false, promoteValues: false });
    expect(raw!._id.toHexString()).toBe(id.toHexString());
    expect(raw!.when).toEqual(when);
    expect(raw!.big.toString()).toBe('9007199254740993');
    expect(raw!.small).toBeInstanceOf(Long);
    expect(raw!.small.toNumber()).toBe(5);
    expect(raw!.dec.toString()).toBe('12.345');
    expect(Buffer.from(raw!.bin.buffer)).toEqual(Buffer.from([1, 2, 3]));
    expect(raw!.nothing).toBeNull();
    const plain = await c.findOne({ _id: id });
    expect(plain!.i).toBe(7);
    expect(plain!.d).toBe(2.5);
    expect(await c.countDocuments({ small: { $gt: 4 } })).toBe(1);
    expect(await c.countDocuments({ small: 5 })).toBe(1);
    expect(await c.countDocuments({ i: Long.fromNumber(7) })).toBe(1);
    expect(await c.countDocuments({ nothing: null, absent: null })).toBe(1);
    await c.updateOne({ _id: id }, { $inc: { small: 1 } });
    const incremented = await c.findOne({ _id: id }, { promoteLongs: false });
    expect(incremented!.small).toBeInstanceOf(Long);
    expect(incremented!.small.toNumber()).toBe(6);
  });

  it('sorts across types in MongoDB order, null and missing first', async () => {
    const c = db.collection('bson_order');
    const oid = new ObjectId('650000000000000000000000');
    const values: Array<[string, unknown]> = [
      ['maxkey', new MaxKey()],
      ['date', new Date(0)],
      ['true', true],
      ['oid', oid],
      ['bin', new Binary(Buffer.from([9]))],
      ['array', [1, 'z']],
      ['object', { a: 1 }],
      ['string', 'abc'],
      ['ten', 10],
      ['long', Long.fromNumber(3)],
      ['half', 0.5],
      ['null', null],
      ['minkey', new MinKey()],
    ];
    await c.insertMany(values.map(([label, v]) => ({ label, v })));
    const asc = (
      await c
        .find({}, { projection: { _id: 0, label: 1 } })
        .sort({ v: 1 })
        .toArray()
    ).map((d) => d.label);
    // The array [1, 'z'] sorts by its smallest element (1) ascending, by its largest ('z') descending.
    expect(asc).toEqual(['minkey', 'null', 'half', 'array', 'long', 'ten', 'string', 'object', 'bin', 'oid', 'true', 'date', 'maxkey']);
    const desc = (
      await c
        .find({}, { projection: { _id: 0, label: 1 } })
        .sort({ v: -1 })
        .toArray()
    ).map((d) => d.label);
    expect(desc).toEqual(['maxkey', 'date', 'true', 'oid', 'bin', 'object', 'array', 'string', 'ten', 'long', 'half', 'null', 'minkey']);
    expect(await c.countDocuments({ v: { $gt: 1 } })).toBe(2);
    expect(await c.countDocuments({ v: { $lt: 'b' } })).toBe(1);
  });
});

describe('an Agenda job', () => {
  it('is defined, scheduled, locked, run, repeated with every, and cancelled', async () => {
    const scheduler = createScheduler(db as never, pino({ level: 'silent' }), { name: 'conformance', processEvery: 100 });
    const agenda = scheduler.agenda;
    const runs: string[] = [];
    let repeats = 0;
    agenda.define('conf-once', async (job: { attrs: { data: unknown; lockedAt?: Date | null } }) => {
      const locked = await db.collection('agendaJobs').findOne({ name: 'conf-once' });
      expect(locked?.lockedAt).toBeInstanceOf(Date);
      runs.push((job.attrs.data as { n: number }).n.toString());
    });
    agenda.define('conf-repeat', async () => {
      repeats++;
    });
    const once = new Promise<void>((resolve) => agenda.on('complete:conf-once', () => resolve()));
    let resolveRepeats!: () => void;
    const repeated = new Promise<void>((r) => (resolveRepeats = r));
    agenda.on('complete:conf-repeat', () => {
      if (repeats >= 2) resolveRepeats();
    });
    await scheduler.start();
    try {
      await agenda.schedule(new Date(Date.now() + 200), 'conf-once', { n: 42 });
      await agenda.every('1 second', 'conf-repeat');
      await once;
      expect(runs).toEqual(['42']);
      const done = await db.collection('agendaJobs').findOne({ name: 'conf-once' });
      expect(done?.lastFinishedAt).toBeInstanceOf(Date);
      expect(done?.lockedAt ?? null).toBeNull();
      await repeated;
      const repeating = await db.collection('agendaJobs').findOne({ name: 'conf-repeat' });
      expect(repeating?.repeatInterval).toBe('1 second');
      expect(repeating?.nextRunAt).toBeInstanceOf(Date);
      const cancelled = await agenda.cancel({ name: 'conf-repeat' });
      expect(cancelled).toBe(1);
      expect(await db.collection('agendaJobs').countDocuments({ name: 'conf-repeat' })).toBe(0);
    } finally {
      await scheduler.stop();
    }
  });
});

describe('MongoDB limits (issue 16)', () => {
  const MiB = 1024 * 1024;
  const MAX = 16 * MiB;

  it('refuses an insert over 16 MiB with MongoDB error and stores nothing; 15.9 MiB round-trips', async () => {
    const c = db.collection('limits_insert');
    const far = await serverError(c.insertOne({ _id: 'far' as never, s: 'x'.repeat(16.5 * MiB) }));
    // Past 16 MiB + 16 KiB MongoDB cannot even read the command (BSONObjectTooLarge); just past 16 MiB it is a write error.
    expect([10334, 2]).toContain(far.code);
    const near = await serverError(c.insertOne({ _id: 'near' as never, s: 'x'.repeat(MAX) }));
    expect(near.code).toBe(2);
    expect(near.message).toMatch(/object to insert too large/);
    expect(await c.countDocuments()).toBe(0);
    const fits = 'y'.repeat(Math.floor(15.9 * MiB));
    await c.insertOne({ _id: 'fits' as never, s: fits });
    const back = await c.findOne({ _id: 'fits' as never });
    expect(back?.s.length).toBe(fits.length);
    expect(back?.s === fits).toBe(true);
  });

  it('refuses an update, an upsert and a findOneAndUpdate whose result would pass 16 MiB', async () => {
    const c = db.collection('limits_update');
    await c.insertOne({ _id: 'a' as never, s: 'x'.repeat(10 * MiB) });
    const update = await serverError(c.updateOne({ _id: 'a' as never }, { $set: { t: 'y'.repeat(7 * MiB) } }));
    // MongoDB 7: BSONObjectTooLarge (10334); before: 17419. Same message.
    expect([10334, 17419]).toContain(update.code);
    expect(update.message).toMatch(/Resulting document after update is larger than 16777216/);
    const fam = await serverError(c.findOneAndUpdate({ _id: 'a' as never }, { $set: { t: 'y'.repeat(7 * MiB) } }));
    expect([10334, 17419]).toContain(fam.code);
    expect((await c.findOne({ _id: 'a' as never }))?.t).toBeUndefined();
    const upsert = await serverError(c.replaceOne({ _id: 'u' as never }, { s: 'z'.repeat(MAX) }, { upsert: true }));
    expect(upsert.message).toMatch(/Document to upsert is larger than 16777216/);
    expect(await c.countDocuments({ _id: 'u' as never })).toBe(0);
  });

  it('caps every reply batch by bytes: find, getMore and aggregate never send more than 16 MiB of documents at once', async () => {
    const c = db.collection('limits_batches');
    for (let i = 0; i < 5; i++) await c.insertOne({ _id: i as never, s: String(i).repeat(5 * MiB) });
    const batches: number[][] = [];
    const sizes: number[] = [];
    const collect = (cursor: { firstBatch?: Array<{ _id: number; s: string }>; nextBatch?: Array<{ _id: number; s: string }> }) => {
      const batch = cursor.firstBatch ?? cursor.nextBatch ?? [];
      batches.push(batch.map((d) => d._id));
      sizes.push(batch.reduce((n, d) => n + d.s.length, 0));
    };
    for (const first of [
      await db.command({ find: 'limits_batches', filter: {}, sort: { _id: 1 }, batchSize: 100 }, { promoteLongs: false }),
      await db.command({ aggregate: 'limits_batches', pipeline: [{ $sort: { _id: 1 } }], cursor: { batchSize: 100 } }, { promoteLongs: false }),
    ]) {
      collect(first.cursor);
      let id = first.cursor.id;
      while (!id.isZero()) {
        const more = await db.command({ getMore: id, collection: 'limits_batches', batchSize: 100 }, { promoteLongs: false });
        collect(more.cursor);
        id = more.cursor.id;
      }
    }
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX);
    expect(batches.flat()).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
  });
});

describe('MongoDB semantics that portable code relies on (issue 16)', () => {
  it('$addToSet with $each adds each value once, to a new or an existing array', async () => {
    const c = db.collection('sem_addtoset');
    await c.insertOne({ _id: 1 as never, tags: ['a'] });
    await c.updateOne({ _id: 1 as never }, { $addToSet: { tags: { $each: ['a', 'b', 'b', 'c'] }, fresh: { $each: ['x', 'x', 'y'] } } });
    expect(await c.findOne({ _id: 1 as never })).toEqual({ _id: 1, tags: ['a', 'b', 'c'], fresh: ['x', 'y'] });
  });

  it('an aggregation over nothing returns nothing: $count, $group and $sortByCount on empty input', async () => {
    const c = db.collection('sem_empty');
    await c.insertOne({ kind: 'a' });
    expect(await c.aggregate([{ $match: { kind: 'none' } }, { $count: 'n' }]).toArray()).toEqual([]);
    expect(await c.aggregate([{ $match: { kind: 'none' } }, { $group: { _id: null, n: { $sum: 1 } } }]).toArray()).toEqual([]);
    expect(await c.aggregate([{ $match: { kind: 'none' } }, { $sortByCount: '$kind' }]).toArray()).toEqual([]);
    expect(
      await db
        .collection('sem_missing')
        .aggregate([{ $count: 'n' }])
        .toArray(),
    ).toEqual([]);
    expect(await c.aggregate([{ $count: 'n' }]).toArray()).toEqual([{ n: 1 }]);
  });

  it('$group accumulators: $sum, $avg, $min, $max, $first, $last, $push, $addToSet and a compound key', async () => {
    const c = db.collection('sem_group');
    await c.insertMany([
      { u: 'hn', d: 1, v: 5, tag: 'x' },
      { u: 'hn', d: 1, v: 3, tag: 'x' },
      { u: 'hn', d: 2, v: 'n/a', tag: 'y' },
      { u: 'hcm', d: 1, tag: 'z' },
    ]);
    const rows = await c
      .aggregate([
        { $sort: { u: 1, d: 1, v: 1 } },
        {
          $group: {
            _id: { u: '$u' },
            n: { $sum: 1 },
            sum: { $sum: '$v' },
            avg: { $avg: '$v' },
            min: { $min: '$v' },
            max: { $max: '$v' },
            first: { $first: '$d' },
            last: { $last: '$d' },
            tags: { $addToSet: '$tag' },
            ds: { $push: '$d' },
          },
        },
        { $sort: { '_id.u': 1 } },
      ])
      .toArray();
    expect(rows[0]).toEqual({ _id: { u: 'hcm' }, n: 1, sum: 0, avg: null, min: null, max: null, first: 1, last: 1, tags: ['z'], ds: [1] });
    expect(rows[1]).toMatchObject({ _id: { u: 'hn' }, n: 3, sum: 8, avg: 4, min: 3, max: 'n/a', first: 1, last: 2, ds: [1, 1, 2] });
    expect([...(rows[1]!.tags as string[])].sort()).toEqual(['x', 'y']);
  });

  it('$dateTrunc in Asia/Ho_Chi_Minh puts 00:00–07:00 local time on the local day', async () => {
    const c = db.collection('sem_datetrunc');
    // 02:30 on 3 December 2026 in Viet Nam is 19:30 UTC on 2 December.
    await c.insertOne({ _id: 1 as never, at: new Date('2026-12-02T19:30:00Z') });
    const [row] = await c
      .aggregate([
        {
          $project: {
            day: { $dateTrunc: { date: '$at', unit: 'day', timezone: 'Asia/Ho_Chi_Minh' } },
            week: { $dateTrunc: { date: '$at', unit: 'week', timezone: 'Asia/Ho_Chi_Minh', startOfWeek: 'monday' } },
            month: { $dateTrunc: { date: '$at', unit: 'month', timezone: '+07:00' } },
            hours: { $dateTrunc: { date: '$at', unit: 'hour', binSize: 6, timezone: 'Asia/Ho_Chi_Minh' } },
            utcDay: { $dateTrunc: { date: '$at', unit: 'day' } },
          },
        },
      ])
      .toArray();
    expect(row).toEqual({
      _id: 1,
      day: new Date('2026-12-02T17:00:00Z'),
      week: new Date('2026-11-29T17:00:00Z'),
      month: new Date('2026-11-30T17:00:00Z'),
      hours: new Date('2026-12-02T17:00:00Z'),
      utcDay: new Date('2026-12-02T00:00:00Z'),
    });
  });

  it('a one-element $in seeds an upsert like an equality; a longer one does not', async () => {
    const c = db.collection('sem_upsert_in');
    await c.updateOne({ key: { $in: ['k1'] }, n: { $in: [1, 2] } }, { $set: { v: 1 } }, { upsert: true });
    const doc = await c.findOne({}, { projection: { _id: 0 } });
    expect(doc).toEqual({ key: 'k1', v: 1 });
  });

  it('an update of one field keeps a Long above 2^53 and a Decimal128 elsewhere exactly; $inc on a Long stays exact', async () => {
    const c = db.collection('sem_numbers');
    const big = Long.fromString('9007199254740993');
    await c.insertOne({ _id: 1 as never, big, dec: Decimal128.fromString('1.10'), counter: Long.fromString('9007199254740993'), other: 0 });
    await c.updateOne({ _id: 1 as never }, { $set: { other: 1 } });
    await c.updateOne({ _id: 1 as never }, { $inc: { counter: 1 } });
    const doc = await c.findOne({ _id: 1 as never }, { promoteLongs: false });
    expect(String(doc?.big)).toBe('9007199254740993');
    expect(Long.isLong(doc?.big)).toBe(true);
    expect(doc?.dec).toBeInstanceOf(Decimal128);
    expect(String(doc?.dec)).toBe('1.10');
    expect(String(doc?.counter)).toBe('9007199254740994');
    expect(doc?.other).toBe(1);
  });
});
