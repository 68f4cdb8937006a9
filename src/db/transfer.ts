import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { EJSON, type Document } from 'bson';
import type { Db } from 'mongodb';

/**
 * Moves a whole database between servers as canonical extended JSON: one `<collection>.jsonl` file
 * per collection plus `indexes.json`, so a pilot on the embedded server can move to a real MongoDB
 * (or back) without losing a type: ObjectId, Date, Long, Decimal128 and Binary survive.
 */

export interface TransferSummary {
  readonly collections: Record<string, number>;
}

const INDEX_FILE = 'indexes.json';
const BATCH = 1000;

export async function exportDatabase(db: Db, dir: string): Promise<TransferSummary> {
  fs.mkdirSync(dir, { recursive: true });
  const collections: Record<string, number> = {};
  const indexes: Record<string, Document[]> = {};
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.'))
    .sort();
  for (const name of names) {
    const file = path.join(dir, `${name}.jsonl`);
    const out = fs.createWriteStream(file);
    let count = 0;
    for await (const doc of db.collection(name).find({}, { sort: { _id: 1 } })) {
      if (!out.write(`${EJSON.stringify(doc, { relaxed: false })}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      count++;
    }
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(() => resolve());
    });
    collections[name] = count;
    indexes[name] = (await db.collection(name).listIndexes().toArray()).filter((ix) => ix.name !== '_id_');
  }
  fs.writeFileSync(path.join(dir, INDEX_FILE), `${EJSON.stringify(indexes, { relaxed: false }, 2)}\n`);
  return { collections };
}

export interface ImportOptions {
  /** Empty each collection first; without it, documents whose _id exists already are replaced. */
  readonly drop?: boolean;
}

export async function importDatabase(db: Db, dir: string, options: ImportOptions = {}): Promise<TransferSummary> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir}: not a directory written by "db export"`);
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort();
  const indexFile = path.join(dir, INDEX_FILE);
  const indexes = fs.existsSync(indexFile) ? (EJSON.parse(fs.readFileSync(indexFile, 'utf8')) as Record<string, Document[]>) : {};
  const collections: Record<string, number> = {};
  for (const file of files) {
    const name = file.slice(0, -'.jsonl'.length);
    const coll = db.collection(name);
    if (options.drop) await coll.deleteMany({});
    let batch: Document[] = [];
    let count = 0;
    let lineNo = 0;
    const flush = async () => {
      if (!batch.length) return;
      await coll.bulkWrite(
        batch.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })),
        { ordered: true },
      );
      count += batch.length;
      batch = [];
    };
    const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, file)), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNo++;
      if (!line.trim()) continue;
      try {
        batch.push(EJSON.parse(line, { relaxed: false }) as Document);
      } catch (err) {
        throw new Error(`${path.join(dir, file)}:${lineNo}: not extended JSON (${(err as Error).message})`, { cause: err });
      }
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    collections[name] = count;
    for (const ix of indexes[name] ?? []) {
      const { key, v: _v, ns: _ns, ...rest } = ix;
      await coll.createIndex(key as Document, rest);
    }
  }
  return { collections };
}
