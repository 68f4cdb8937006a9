/**
 * The embedded server on a data directory, alone in its process (as `npm start` runs it), for
 * the db-pauses benchmark. First stdout line: `{"uri", "startMs"}`. Then one JSON line per stdin
 * command: `compact` (compacts, waits), `stall` (the longest event-loop stall since the last
 * `stall`, heap and RSS), `exit` (closes the server, then exits).
 */
import { createInterface } from 'node:readline';
import { startEmbeddedServer } from '../../../src/db/embedded/index.js';

const dir = process.argv[2]!;
const t0 = performance.now();
const server = await startEmbeddedServer({ path: dir === ':memory:' ? null : dir });
const TICK_MS = 5;
let maxGap = 0;
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  maxGap = Math.max(maxGap, now - last - TICK_MS);
  last = now;
}, TICK_MS);
console.log(JSON.stringify({ uri: server.uri, startMs: Math.round(performance.now() - t0) }));
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'compact') {
    const s = performance.now();
    void server.compact().then(() => console.log(JSON.stringify({ compacted: Math.round(performance.now() - s) })));
  } else if (line === 'stall') {
    const m = process.memoryUsage();
    console.log(JSON.stringify({ stallMs: Math.round(maxGap), heapMB: Math.round(m.heapUsed / 1048576), rssMB: Math.round(m.rss / 1048576) }));
    maxGap = 0;
  } else if (line === 'exit') {
    void server.close().then(() => process.exit(0));
  }
});
