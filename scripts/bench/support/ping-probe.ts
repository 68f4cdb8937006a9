/**
 * For db-pauses: pings the server at `<uri>` every 10 ms from a process of its own (so the
 * benchmark's own work never delays a ping). One JSON line per `take` on stdin: the longest round
 * trip since the last `take`, and the errors seen.
 */
import { createInterface } from 'node:readline';
import { MongoClient } from 'mongodb';

const client = new MongoClient(process.argv[2]!, { maxPoolSize: 1 });
await client.connect();
let max = 0;
let errors: string[] = [];
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'take') {
    console.log(JSON.stringify({ max: Math.round(max), errors }));
    max = 0;
    errors = [];
  } else if (line === 'exit') {
    void client.close().then(() => process.exit(0));
  }
});
console.log(JSON.stringify({ ready: true }));
for (;;) {
  const t = performance.now();
  try {
    await client.db('admin').command({ ping: 1 });
  } catch (err) {
    errors.push((err as Error).name);
  }
  max = Math.max(max, performance.now() - t);
  await new Promise((r) => setTimeout(r, 10));
}
