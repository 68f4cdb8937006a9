import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, Journal, SNAPSHOT_FILE, encodeRecord } from '../../../src/db/embedded/journal.js';
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
