/**
 * For db-capacity: `write <dir> <n>` writes a data directory of n answers and prints its size;
 * `open <dir>` replays it and prints the heap after a full collection (run with --expose-gc);
 * `serve <dir>` runs the embedded server in this process with the default heap, prints its URI,
 * and its heap every second on stderr, until it runs out of memory.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import type * as EmbeddedIndex from '../../../src/db/embedded/index.js';
import type * as EmbeddedJournal from '../../../src/db/embedded/journal.js';
import type * as EmbeddedStorage from '../../../src/db/embedded/storage.js';
import { ANSWER_INDEXES, answerDocument } from './answers.js';

// BENCH_DB_SRC=<another checkout's src/> measures that code instead (how the "before" figures were taken).
const src = process.env.BENCH_DB_SRC ? pathToFileURL(join(process.env.BENCH_DB_SRC, '/')).href : new URL('../../../src/', import.meta.url).href;
const { startEmbeddedServer } = (await import(new URL('db/embedded/index.js', src).href)) as typeof EmbeddedIndex;
const { Journal } = (await import(new URL('db/embedded/journal.js', src).href)) as typeof EmbeddedJournal;
const { Storage } = (await import(new URL('db/embedded/storage.js', src).href)) as typeof EmbeddedStorage;

const [mode, dir, n] = process.argv.slice(2) as [string, string, string];
const gc = (globalThis as { gc?: () => void }).gc;
const dataBytes = () => readdirSync(dir).reduce((s, f) => s + (f.endsWith('.bin') ? statSync(join(dir, f)).size : 0), 0);

if (mode === 'write') {
  const storage = new Storage();
  const { journal } = Journal.open(dir, storage);
  const { coll } = storage.ensureCollection('bench', 'answers');
  for (const spec of ANSWER_INDEXES) coll.createIndex({ v: 2, ...spec });
  for (let i = 0; i < Number(n); i++) {
    coll.insert(answerDocument(i));
    if (i % 1000 === 999) journal.commit(false);
  }
  journal.commit(true);
  await journal.compact();
  await journal.close();
  console.log(JSON.stringify({ dataBytes: dataBytes() }));
} else if (mode === 'open') {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t = performance.now();
  const storage = new Storage();
  const { journal } = Journal.open(dir, storage);
  const openMs = Math.round(performance.now() - t);
  gc?.();
  const heapBytes = process.memoryUsage().heapUsed - before;
  await journal.close();
  let documents = 0;
  for (const colls of storage.databases.values()) for (const c of colls.values()) documents += c.docs.size;
  console.log(JSON.stringify({ heapBytes, openMs, documents }));
} else if (mode === 'serve') {
  const server = await startEmbeddedServer({ path: dir });
  console.log(JSON.stringify({ uri: server.uri, heapLimitMb: Math.round(v8.getHeapStatistics().heap_size_limit / 1048576) }));
  setInterval(() => process.stderr.write(`${JSON.stringify({ heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576) })}\n`), 1000);
}
