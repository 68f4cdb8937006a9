import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  JOURNAL_FILE,
  Journal,
  JournalDamagedError,
  PREVIOUS_JOURNAL_FILE,
  SNAPSHOT_FILE,
  checkDataDirectory,
  encodeRecord,
} from '../../../src/db/embedded/journal.js';
import { valueKey } from '../../../src/db/embedded/keys.js';
import { LOCK_FILE } from '../../../src/db/embedded/lock.js';
import { Storage } from '../../../src/db/embedded/storage.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'journal-unit-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function reopen(dir: string): Promise<Storage> {
  const storage = new Storage();
  await Journal.open(dir, storage).journal.close();
  return storage;
}

describe('journal writes', () => {
  it('a small record written at once and a big one queued off the event loop stay in order, whichever comes first', async () => {
    const dir = tempDir();
    const storage = new Storage();
    const { journal } = Journal.open(dir, storage);
    const { coll } = storage.ensureCollection('db', 'c');
    const big = 'x'.repeat(200_000); // over the size written at once: queued
    const commits: Array<Promise<void>> = [];
    for (let i = 0; i <= 40; i++) {
      // The same document rewritten: only the order of the records decides what a restart sees.
      const doc = { _id: 'd', step: i, pad: i % 3 === 0 ? big : '' };
      if (i === 0) coll.insert(doc);
      else coll.replace(coll.docs.get([...coll.docs.keys()][0]!)!, doc);
      commits.push(journal.commit(false)); // not awaited: small records arrive while big ones are queued
    }
    await Promise.all(commits);
    await journal.close();
    const again = (await reopen(dir)).getCollection('db', 'c')!;
    expect([...again.docs.values()].map((d) => d.step)).toEqual([40]); // 39 is big and queued, 40 small
  });
});

describe('journal compaction', () => {
  it('keeps every document through a compaction while running and a restart', async () => {
    const dir = tempDir();
    const storage = new Storage();
    const { journal } = Journal.open(dir, storage);
    const { coll } = storage.ensureCollection('db', 'c');
    coll.createIndex({ key: { e: 1 }, name: 'e_1', unique: true });
    coll.insert({ _id: 1, e: 'a' });
    journal.commit(false);
    await journal.compact();
    coll.insert({ _id: 2, e: 'b' });
    coll.remove(coll.docs.get([...coll.docs.keys()][0]!)!);
    journal.commit(true);
    await journal.close();
    const again = (await reopen(dir)).getCollection('db', 'c')!;
    expect([...again.docs.values()]).toEqual([{ _id: 2, e: 'b' }]);
    expect([...again.indexes.keys()]).toEqual(['e_1']);
  });

  it('does not replay a journal older than its snapshot (a crash between the two renames)', async () => {
    const dir = tempDir();
    const snapshot = [
      encodeRecord({ o: 'gen', gen: 2 } as never),
      encodeRecord({ o: 'mkidx', d: 'db', c: 'c', spec: { v: 2, key: { e: 1 }, name: 'e_1', unique: true } }),
      encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 'keep', e: 'x' } }),
    ];
    // Generation 1 already contained in the snapshot: replaying it would evict or duplicate 'x'.
    const oldJournal = [encodeRecord({ o: 'gen', gen: 1 } as never), encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 'old', e: 'x' } })];
    writeFileSync(join(dir, SNAPSHOT_FILE), Buffer.concat(snapshot));
    writeFileSync(join(dir, JOURNAL_FILE), Buffer.concat(oldJournal));
    const coll = (await reopen(dir)).getCollection('db', 'c')!;
    expect([...coll.docs.values()]).toEqual([{ _id: 'keep', e: 'x' }]);
  });
});

/** Writes `n` answers, one journal record each, and closes. */
async function writeAnswers(dir: string, n: number): Promise<void> {
  const storage = new Storage();
  const { journal } = Journal.open(dir, storage);
  const { coll } = storage.ensureCollection('app', 'answers');
  coll.createIndex({ v: 2, key: { n: 1 }, name: 'n_1', unique: true });
  for (let i = 0; i < n; i++) {
    coll.insert({ _id: i, n: i, text: `answer ${i}` });
    journal.commit(false);
  }
  await journal.close();
}

function flipMiddleByte(path: string): number {
  const buf = readFileSync(path);
  const at = Math.floor(buf.length / 2);
  buf[at] = buf[at]! ^ 0x40;
  writeFileSync(path, buf);
  return at;
}

describe('a damaged journal', () => {
  it('stops the start on a flipped byte in the middle of 10,000 records, naming its offset, and changes nothing', async () => {
    const dir = tempDir();
    await writeAnswers(dir, 10_000);
    const at = flipMiddleByte(join(dir, JOURNAL_FILE));
    const before = readFileSync(join(dir, JOURNAL_FILE));
    let error: unknown;
    try {
      Journal.open(dir, new Storage());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JournalDamagedError);
    const damage = (error as JournalDamagedError).files.flatMap((f) => f.damage);
    expect(damage).toHaveLength(1);
    expect(damage[0]!.offset).toBeLessThanOrEqual(at);
    expect(damage[0]!.offset + damage[0]!.length).toBeGreaterThan(at);
    expect((error as Error).message).toContain(`journal.bin at byte ${damage[0]!.offset}`);
    expect((error as Error).message).toContain('db repair');
    expect(readFileSync(join(dir, JOURNAL_FILE)).equals(before)).toBe(true);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('repairs it: the original files are kept beside the data, every intact record is loaded, the damaged one reported', async () => {
    const dir = tempDir();
    await writeAnswers(dir, 10_000);
    flipMiddleByte(join(dir, JOURNAL_FILE));
    const original = readFileSync(join(dir, JOURNAL_FILE));
    const check = checkDataDirectory(dir);
    expect(check.flatMap((f) => f.damage)).toHaveLength(1);
    const storage = new Storage();
    const { journal, report } = Journal.open(dir, storage, { repair: true });
    await journal.close();
    const coll = storage.getCollection('app', 'answers')!;
    expect(coll.docs.size).toBe(9_999);
    const missing = Array.from({ length: 10_000 }, (_, i) => i).filter((i) => !coll.docs.has(valueKey(i)));
    expect(missing).toHaveLength(1);
    expect(report.files.flatMap((f) => f.damage)[0]!.description).toMatch(new RegExp(`(_id|answer) ${missing[0]}\\b`));
    expect(report.keptAt).toBeDefined();
    expect(readFileSync(join(report.keptAt!, JOURNAL_FILE)).equals(original)).toBe(true);
    expect(JSON.parse(readFileSync(join(report.keptAt!, 'report.json'), 'utf8')).files).toHaveLength(2);
    // Repaired for good: a clean start with the same documents, the unique index rebuilt.
    const again = await reopen(dir);
    expect(again.getCollection('app', 'answers')!.docs.size).toBe(9_999);
    expect(checkDataDirectory(dir).flatMap((f) => f.damage)).toEqual([]);
    expect(() => again.getCollection('app', 'answers')!.insert({ _id: 'dup', n: 1 })).toThrow(/E11000/);
  });

  it('cuts a torn last record at start, as a normal recovery, and appends after the intact part', async () => {
    const dir = tempDir();
    await writeAnswers(dir, 10);
    const path = join(dir, JOURNAL_FILE);
    truncateSync(path, statSync(path).size - 5);
    const storage = new Storage();
    const { journal, report } = Journal.open(dir, storage);
    expect(report.droppedBytes).toBeGreaterThan(0);
    expect(report.keptAt).toBeUndefined();
    storage.getCollection('app', 'answers')!.insert({ _id: 'later', n: 'later' });
    journal.commit(true);
    await journal.close();
    const ids = [...(await reopen(dir)).getCollection('app', 'answers')!.docs.values()].map((d) => d._id);
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 'later']);
    expect(checkDataDirectory(dir).every((f) => f.tail === null && f.damage.length === 0)).toBe(true);
  });
});

describe('compaction while clients write', () => {
  it('writes the snapshot in slices; writes made meanwhile (a value moved between documents) all survive a restart', async () => {
    const dir = tempDir();
    const storage = new Storage();
    const { journal } = Journal.open(dir, storage);
    const { coll } = storage.ensureCollection('app', 'people');
    coll.createIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
    for (let i = 0; i < 30_000; i++) coll.insert({ _id: i, email: `p${i}@x.vn`, v: 0 });
    journal.commit(false);
    const compaction = journal.compact();
    // Between slices: the email of the last document moves to a new one, others change or go.
    let slices = 0;
    while (slices < 50) {
      await new Promise((r) => setImmediate(r));
      slices++;
      if (slices === 2) {
        coll.replace(coll.docs.get(valueKey(29_999))!, { _id: 29_999, email: 'moved@x.vn', v: 1 });
        coll.insert({ _id: 'new', email: 'p29999@x.vn', v: 1 });
        coll.remove(coll.docs.get(valueKey(0))!);
        journal.commit(false);
      }
    }
    await compaction;
    expect(journal.lastCompaction).not.toBeNull();
    await journal.close();
    const again = (await reopen(dir)).getCollection('app', 'people')!;
    expect(again.docs.size).toBe(30_000);
    expect(again.docs.get(valueKey(29_999))).toEqual({ _id: 29_999, email: 'moved@x.vn', v: 1 });
    expect(again.docs.get(valueKey('new'))).toEqual({ _id: 'new', email: 'p29999@x.vn', v: 1 });
    expect(again.docs.has(valueKey(0))).toBe(false);
    expect(() => again.insert({ _id: 'dup', email: 'moved@x.vn' })).toThrow(/E11000/);
  });

  it('replays right after a crash at any point of a compaction', async () => {
    // Old snapshot + the old journal (renamed) + the new journal; an unfinished snapshot.tmp.
    const dir = tempDir();
    writeFileSync(
      join(dir, SNAPSHOT_FILE),
      Buffer.concat([encodeRecord({ o: 'gen', gen: 3 } as never), encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 1, v: 'snapshot' } })]),
    );
    writeFileSync(
      join(dir, PREVIOUS_JOURNAL_FILE),
      Buffer.concat([encodeRecord({ o: 'gen', gen: 3 } as never), encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 1, v: 'old journal' } })]),
    );
    writeFileSync(
      join(dir, JOURNAL_FILE),
      Buffer.concat([encodeRecord({ o: 'gen', gen: 4 } as never), encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 2, v: 'new journal' } })]),
    );
    writeFileSync(join(dir, 'snapshot.bin.tmp'), Buffer.from('half a snapshot'));
    const coll = (await reopen(dir)).getCollection('db', 'c')!;
    expect([...coll.docs.values()]).toEqual([
      { _id: 1, v: 'old journal' },
      { _id: 2, v: 'new journal' },
    ]);
    // The start finished the compaction: one snapshot, one empty journal.
    expect(existsSync(join(dir, PREVIOUS_JOURNAL_FILE))).toBe(false);
    expect(existsSync(join(dir, 'snapshot.bin.tmp'))).toBe(false);
    expect([...(await reopen(dir)).getCollection('db', 'c')!.docs.values()]).toHaveLength(2);
  });

  it('a compaction abandoned by close leaves files that replay right', async () => {
    const dir = tempDir();
    const storage = new Storage();
    const { journal } = Journal.open(dir, storage);
    const { coll } = storage.ensureCollection('app', 'c');
    for (let i = 0; i < 50_000; i++) coll.insert({ _id: i });
    journal.commit(false);
    void journal.compact();
    await new Promise((r) => setImmediate(r));
    coll.insert({ _id: 'during' });
    await journal.close();
    expect((await reopen(dir)).getCollection('app', 'c')!.docs.size).toBe(50_001);
  });
});

describe('the start keeps documents as BSON until their last state', () => {
  it('decodes only what the replay ends with: rewritten, deleted, dropped and recreated documents, any _id, natural order', async () => {
    const dir = tempDir();
    const { ObjectId } = await import('bson');
    const oid = new ObjectId();
    const records = [
      encodeRecord({ o: 'gen', gen: 1 } as never),
      encodeRecord({ o: 'mkidx', d: 'db', c: 'c', spec: { v: 2, key: { e: 1 }, name: 'e_1', unique: true } }),
      encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: oid, e: 'first' } }),
      encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 'text', e: 't1' } }),
      encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 7, e: 'number' } }),
      encodeRecord({ o: 'put', d: 'db', c: 'other', doc: { _id: 'text', e: 'elsewhere' } }),
      encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: oid, e: 'second' } }),
      encodeRecord({ o: 'del', d: 'db', c: 'c', id: 'text' }),
      encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { _id: 'text', e: 't2' } }),
      encodeRecord({ o: 'put', d: 'db', c: 'gone', doc: { _id: 'x', e: 1 } }),
      encodeRecord({ o: 'dropcoll', d: 'db', c: 'gone' }),
      encodeRecord({ o: 'put', d: 'db', c: 'gone', doc: { _id: 'y', e: 2 } }),
      // Not an _id first: decoded at once, as before.
      encodeRecord({ o: 'put', d: 'db', c: 'c', doc: { e: 'late', _id: 8 } }),
    ];
    writeFileSync(join(dir, JOURNAL_FILE), Buffer.concat(records));
    const storage = await reopen(dir);
    const c = storage.getCollection('db', 'c')!;
    expect([...c.docs.values()]).toEqual([
      { _id: oid, e: 'second' },
      { _id: 7, e: 'number' },
      { _id: 'text', e: 't2' },
      { e: 'late', _id: 8 },
    ]);
    expect([...c.docs.keys()]).toEqual([oid, 7, 'text', 8].map(valueKey));
    expect(storage.getCollection('db', 'other')!.docs.get(valueKey('text'))).toEqual({ _id: 'text', e: 'elsewhere' });
    expect([...storage.getCollection('db', 'gone')!.docs.values()]).toEqual([{ _id: 'y', e: 2 }]);
    // The unique index was built over the final documents: the old value of the rewritten one is free again.
    expect(() => c.insert({ _id: 9, e: 'first' })).not.toThrow();
    expect(() => c.insert({ _id: 10, e: 'second' })).toThrow(/E11000/);
  });
});
