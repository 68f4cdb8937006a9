import { Binary, Decimal128, Long, MaxKey, MinKey, ObjectId, serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { compareValues, sortDocuments, topDocuments } from '../../../src/db/embedded/compare.js';
import { crc32 } from '../../../src/db/embedded/crc32.js';
import { Index } from '../../../src/db/embedded/indexes.js';
import { decodeRecords, encodeRecord } from '../../../src/db/embedded/journal.js';
import { valueKey } from '../../../src/db/embedded/keys.js';
import { applyUpdate, compileFilter, upsertSeed } from '../../../src/db/embedded/query.js';
import { Storage } from '../../../src/db/embedded/storage.js';
import { MessageFramer, OP_MSG, decodeMessage } from '../../../src/db/embedded/wire.js';

describe('BSON order', () => {
  it('orders types as MongoDB does: MinKey, null, numbers, strings, objects, arrays, binary, ObjectId, booleans, dates, MaxKey', () => {
    const ordered = [
      new MinKey(),
      null,
      -1,
      Long.fromNumber(2),
      2.5,
      Decimal128.fromString('3'),
      'a',
      { a: 1 },
      [1],
      new Binary(Buffer.from([1])),
      new ObjectId(),
      false,
      true,
      new Date(0),
      new MaxKey(),
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(compareValues)).toEqual(ordered);
  });

  it('compares Long, Int and Double by value', () => {
    expect(compareValues(Long.fromNumber(10), 9.5)).toBe(1);
    expect(compareValues(Long.fromString('9007199254740993'), Long.fromString('9007199254740992'))).toBe(1);
    expect(valueKey(1)).toBe(valueKey(Long.fromNumber(1)));
  });

  it('sorts missing fields with null, before numbers, and arrays by their smallest element ascending', () => {
    const docs = [{ id: 'n', v: 5 }, { id: 'missing' }, { id: 'arr', v: [9, 1] }, { id: 'null', v: null }];
    expect(sortDocuments(docs, [['v', 1]]).map((d) => d.id)).toEqual(['missing', 'null', 'arr', 'n']);
    expect(sortDocuments(docs, [['v', -1]]).map((d) => d.id)).toEqual(['arr', 'n', 'missing', 'null']);
  });
});

describe('top of a sorted result', () => {
  it('returns the same first documents as a full sort, ties in natural order', () => {
    const docs = Array.from({ length: 500 }, (_, i) => ({ i, score: (i * 7919) % 37, unit: i % 3 ? 'a' : null }));
    for (const spec of [
      [['score', -1]],
      [
        ['unit', 1],
        ['score', 1],
      ],
      [['missing', 1]],
    ] as Array<Array<[string, 1 | -1]>>) {
      expect(topDocuments(docs, spec, 12)).toEqual(sortDocuments(docs, spec).slice(0, 12));
    }
  });
});

describe('journal records', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('reads whole records and stops at a torn or corrupt one', () => {
    const a = encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 1 } });
    const b = encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 2 } });
    expect(decodeRecords(Buffer.concat([a, b])).records).toHaveLength(2);
    const torn = decodeRecords(Buffer.concat([a, b.subarray(0, b.length - 3)]));
    expect(torn.records).toHaveLength(1);
    expect(torn.report.tail).toMatchObject({ complete: false });
    const corrupt = Buffer.concat([a, b]);
    corrupt.writeUInt8((corrupt.readUInt8(corrupt.length - 2) ^ 0xff) & 0xff, corrupt.length - 2);
    expect(decodeRecords(corrupt).records).toHaveLength(1);
  });
});

describe('indexes', () => {
  it('indexes a missing field as null unless sparse', () => {
    const plain = new Index({ key: { code: 1 }, name: 'code_1', unique: true });
    plain.add('a', { _id: 'a' });
    expect(() => plain.checkUnique('b', { _id: 'b' }, 'db.c')).toThrow(/E11000 .* dup key: \{ code: null \}/);
    const sparse = new Index({ key: { code: 1 }, name: 'code_1', unique: true, sparse: true });
    sparse.add('a', { _id: 'a' });
    expect(() => sparse.checkUnique('b', { _id: 'b' }, 'db.c')).not.toThrow();
  });

  it('a unique compound index refuses a duplicate pair, and accepts it again once the holder is gone', () => {
    const storage = new Storage();
    const { coll } = storage.ensureCollection('db', 'pairs');
    coll.createIndex({ key: { a: 1, b: 1 }, name: 'a_1_b_1', unique: true });
    coll.insert({ _id: 1, a: 'x', b: 1 });
    coll.insert({ _id: 2, a: 'x', b: 2 });
    expect(() => coll.insert({ _id: 3, a: 'x', b: 1 })).toThrow(/E11000/);
    coll.remove(coll.docs.get(valueKey(1))!);
    coll.insert({ _id: 3, a: 'x', b: 1 });
    expect([...coll.candidates({ a: 'x' })].map((d) => d._id).sort()).toEqual([2, 3]);
  });

  it('finds documents by equality and range without scanning', () => {
    const storage = new Storage();
    const { coll } = storage.ensureCollection('db', 'c');
    coll.createIndex({ key: { n: 1 }, name: 'n_1' });
    for (let i = 0; i < 100; i++) coll.insert({ _id: i, n: i % 10 });
    expect([...coll.candidates({ n: 3 })]).toHaveLength(10);
    expect([...coll.candidates({ n: { $gte: 8 } })]).toHaveLength(20);
    expect([...coll.candidates({ _id: 42 })]).toEqual([{ _id: 42, n: 2 }]);
    expect([...coll.candidates({ _id: { $gte: 95 } })]).toHaveLength(5);
    coll.insert({ _id: 100, n: 0 });
    expect([...coll.candidates({ _id: { $gte: 95 } })]).toHaveLength(6);
  });
});

describe('lookups by a whole compound key', () => {
  it('finds a document by every field of a unique compound index without reading the rest of its leading value', () => {
    const storage = new Storage();
    const { coll } = storage.ensureCollection('db', 'participants');
    coll.createIndex({ key: { bot: 1, channel: 1, userId: 1 }, name: 'bot_1_channel_1_userId_1', unique: true });
    for (let i = 0; i < 1000; i++) coll.insert({ _id: i, bot: 'demo', channel: i % 2 ? 'messenger' : 'zalo_oa', userId: `u${i}` });
    coll.insert({ _id: 'no-user', bot: 'demo', channel: 'web' });
    const ids = (filter: Record<string, unknown>) => [...coll.candidates(filter)].map((d) => d._id);
    expect(ids({ bot: 'demo', channel: 'messenger', userId: 'u7' })).toEqual([7]);
    expect(ids({ bot: 'demo', channel: 'zalo_oa', userId: 'u7' })).toEqual([]);
    expect(ids({ bot: 'demo', channel: { $in: ['messenger', 'zalo_oa'] }, userId: { $eq: 'u8' } })).toEqual([8]);
    // A missing field is indexed as null, as an equality with null matches it.
    expect(ids({ bot: 'demo', channel: 'web', userId: null })).toEqual(['no-user']);
    // Not every field given: the leading field's documents, filtered by the caller.
    expect(ids({ bot: 'demo', channel: 'messenger' })).toHaveLength(1001);
    coll.replace(coll.docs.get(valueKey(7))!, { _id: 7, bot: 'demo', channel: 'messenger', userId: 'u7-renamed' });
    expect(ids({ bot: 'demo', channel: 'messenger', userId: 'u7' })).toEqual([]);
    expect(ids({ bot: 'demo', channel: 'messenger', userId: 'u7-renamed' })).toEqual([7]);
    coll.remove(coll.docs.get(valueKey(7))!);
    expect(ids({ bot: 'demo', channel: 'messenger', userId: 'u7-renamed' })).toEqual([]);
  });

  it('treats equal numbers of different types as one key, and leaves sparse indexes to the leading field', () => {
    const storage = new Storage();
    const { coll } = storage.ensureCollection('db', 'rollups');
    coll.createIndex({ key: { day: 1, n: 1 }, name: 'day_1_n_1', unique: true });
    coll.createIndex({ key: { day: 1, tag: 1 }, name: 'day_1_tag_1', unique: true, sparse: true });
    coll.insert({ _id: 1, day: '2026-12-03', n: 1, tag: 'a' });
    coll.insert({ _id: 2, day: '2026-12-03', n: 2 });
    expect([...coll.candidates({ day: '2026-12-03', n: 1.0 })].map((d) => d._id)).toEqual([1]);
    expect([...coll.candidates({ day: '2026-12-03', tag: 'a' })].map((d) => d._id).sort()).toEqual([1, 2]);
  });
});

describe('index lookups stay right as documents come and go', () => {
  it('answers compound-prefix equality and ranges after inserts, updates and deletes', () => {
    const storage = new Storage();
    const { coll } = storage.ensureCollection('db', 'jobs');
    coll.createIndex({ key: { status: 1, at: 1 }, name: 'status_1_at_1' });
    coll.createIndex({ key: { at: 1 }, name: 'at_1' });
    for (let i = 0; i < 50; i++) coll.insert({ _id: i, status: i % 2 ? 'done' : 'pending', at: i });
    const ids = (filter: Record<string, unknown>) => [...coll.candidates(filter)].map((d) => d._id).sort((a, b) => Number(a) - Number(b));
    expect(ids({ status: 'pending' })).toHaveLength(25);
    expect(ids({ at: { $gte: 45 } })).toEqual([45, 46, 47, 48, 49]);
    coll.insert({ _id: 100, status: 'pending', at: 47.5 });
    coll.remove(coll.docs.get(valueKey(46))!);
    coll.replace(coll.docs.get(valueKey(48))!, { _id: 48, status: 'pending', at: 1000 });
    expect(ids({ at: { $gt: 45, $lt: 999 } })).toEqual([47, 49, 100]);
    expect(ids({ status: 'pending', at: 1000 })).toHaveLength(1);
    expect(ids({ status: { $in: ['pending', 'done'] } })).toHaveLength(50);
    expect(ids({ $or: [{ at: 1 }, { at: { $gte: 49 } }] })).toEqual([1, 48, 49]);
  });
});

describe('filters and updates', () => {
  it('matches equality on arrays, null for missing, and Longs as numbers', () => {
    expect(compileFilter({ tags: 'a' })({ tags: ['b', 'a'] })).toBe(true);
    expect(compileFilter({ gone: null })({ other: 1 })).toBe(true);
    expect(compileFilter({ n: { $gt: 4 } })({ n: Long.fromNumber(5) })).toBe(true);
    expect(compileFilter({ n: 5 })({ n: Long.fromNumber(5) })).toBe(true);
    expect(compileFilter({ id: new ObjectId('650000000000000000000000') })({ id: new ObjectId('650000000000000000000000') })).toBe(true);
  });

  it('applies $setOnInsert only when inserting and keeps Long counters as Long', () => {
    const seed = upsertSeed({ email: 'a', n: { $gt: 1 }, $and: [{ unit: 'u' }] });
    expect(seed).toEqual({ email: 'a', unit: 'u' });
    const created = applyUpdate(seed, { $set: { x: 1 }, $setOnInsert: { y: 2 } }, { filter: {}, inserting: true });
    expect(created).toEqual({ email: 'a', unit: 'u', x: 1, y: 2 });
    const updated = applyUpdate({ _id: 1, y: 0 }, { $setOnInsert: { y: 2 } }, { filter: {}, inserting: false });
    expect(updated).toEqual({ _id: 1, y: 0 });
    const counted = applyUpdate({ _id: 1, c: Long.fromNumber(41) }, { $inc: { c: 1 } }, { filter: {}, inserting: false });
    expect(counted.c).toBeInstanceOf(Long);
    expect((counted.c as Long).toNumber()).toBe(42);
  });
});

describe('wire framing', () => {
  it('reassembles OP_MSG messages split across TCP chunks, with document sequences', () => {
    const body = Buffer.from(serialize({ insert: 'c', $db: 'db' }));
    const d1 = Buffer.from(serialize({ _id: 1 }));
    const d2 = Buffer.from(serialize({ _id: 2 }));
    const ident = Buffer.from('documents\0');
    const seqSize = 4 + ident.length + d1.length + d2.length;
    const seqHeader = Buffer.alloc(5);
    seqHeader[0] = 1;
    seqHeader.writeInt32LE(seqSize, 1);
    const payload = Buffer.concat([Buffer.alloc(4), Buffer.from([0]), body, seqHeader, ident, d1, d2]);
    const header = Buffer.alloc(16);
    header.writeInt32LE(16 + payload.length, 0);
    header.writeInt32LE(7, 4);
    header.writeInt32LE(OP_MSG, 12);
    const message = Buffer.concat([header, payload]);
    const framer = new MessageFramer();
    expect(framer.push(message.subarray(0, 10))).toEqual([]);
    const [whole] = framer.push(message.subarray(10));
    const decoded = decodeMessage(whole!);
    expect(decoded.kind).toBe('msg');
    if (decoded.kind === 'msg') expect(decoded.command).toEqual({ insert: 'c', $db: 'db', documents: [{ _id: 1 }, { _id: 2 }] });
  });
});
