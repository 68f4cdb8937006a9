import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Binary, Decimal128, Long, ObjectId } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { exportDatabase, importDatabase } from '../../../src/db/transfer.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { spawnTs } from '../../helpers/process.js';

const opened: TestDb[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const db of opened) await db.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('db export / import', () => {
  it('moves every collection, every BSON type and the indexes to another database', async () => {
    const src = await openTestDb('exp');
    const dst = await openTestDb('imp');
    opened.push(src, dst);
    const id = new ObjectId();
    const doc = {
      _id: id,
      when: new Date('2026-10-10T01:00:00Z'),
      long: Long.fromString('9007199254740993'),
      dec: Decimal128.fromString('12.345'),
      bin: new Binary(Buffer.from('xin chào')),
      nothing: null,
      nested: { list: [1, 'hai', { ba: 3 }] },
      text: 'Ngày Chuyển đổi số quốc gia',
    };
    await src.connection.db!.collection('things').insertOne(doc);
    await src.connection.db!.collection('things').createIndex({ text: 1 }, { unique: true, name: 'text_unique' });
    await src.connection.db!.collection('many').insertMany(Array.from({ length: 2500 }, (_, i) => ({ i })));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-export-'));
    dirs.push(dir);
    const exported = await exportDatabase(src.connection.db!, dir);
    expect(exported.collections).toMatchObject({ things: 1, many: 2500 });

    const imported = await importDatabase(dst.connection.db!, dir);
    expect(imported.collections).toMatchObject({ things: 1, many: 2500 });
    const back = await dst.connection.db!.collection('things').findOne({ _id: id }, { promoteLongs: false });
    expect(back!.when).toEqual(doc.when);
    expect((back!.long as Long).toString()).toBe('9007199254740993');
    expect(back!.dec.toString()).toBe('12.345');
    expect(Buffer.from((back!.bin as Binary).buffer).toString()).toBe('xin chào');
    expect(back!.nothing).toBeNull();
    expect(back!.nested).toEqual(doc.nested);
    expect(await dst.connection.db!.collection('many').countDocuments()).toBe(2500);
    const indexes = await dst.connection.db!.collection('things').listIndexes().toArray();
    expect(indexes.find((ix) => ix.name === 'text_unique')).toMatchObject({ key: { text: 1 }, unique: true });

    // Importing twice replaces by _id instead of failing or doubling.
    await importDatabase(dst.connection.db!, dir);
    expect(await dst.connection.db!.collection('many').countDocuments()).toBe(2500);
  });

  it('names the file and line of a corrupt export', async () => {
    const dst = await openTestDb('bad');
    opened.push(dst);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-bad-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'things.jsonl'), '{"_id":{"$oid":"65f000000000000000000001"}}\n{not json\n');
    await expect(importDatabase(dst.connection.db!, dir)).rejects.toThrow(/things\.jsonl:2: not extended JSON/);
  });
});

describe('db serve', () => {
  it('runs the embedded server alone and prints a URI a driver can use', async () => {
    const proc = spawnTs('src/cli.ts', ['db', 'serve', '--port', '0', '--path', ':memory:'], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout!.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (!/mongodb:\/\/\S+/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const uri = /mongodb:\/\/\S+/.exec(out)![0];
    const client = await MongoClient.connect(uri);
    await client.db('x').collection('y').insertOne({ hello: 'world' });
    expect(await client.db('x').collection('y').countDocuments()).toBe(1);
    await client.close();
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
