/**
 * `npm run bench -- db-capacity [--ceiling]`: how much memory one answer document (shaped and
 * indexed as src/db/models/answer.ts) costs the embedded database, and so how many fit.
 *
 * For 100,000, 200,000 and 400,000 answers: a data directory is written, then opened (replayed) by
 * a fresh child process, which reports its heap after a full garbage collection. The slope gives
 * the heap per document and per byte of data files, which the server uses to size its heap at
 * start (src/db/embedded/limits.ts). With --ceiling, a child running the embedded server with
 * Node's default heap takes answers through the driver until it runs out of memory: the real
 * ceiling on this machine (minutes; a one-off, not for CI). BENCH_DB_SRC=<a checkout's src/> measures
 * that code instead (how the figures "before" were taken).
 * Last line: one JSON object with the figures, the goals and "ok"; exits 1 when a goal is missed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const here = fileURLToPath(new URL('.', import.meta.url));
const CHILD = join(here, 'support/capacity-child.ts');
const SIZES = [100_000, 200_000, 400_000];
/** Goals: what the limits in src/db/embedded/limits.ts assume. */
const GOALS = { heapBytesPerAnswerMax: 1600, heapPerDataByteMax: 6 };

interface Point {
  documents: number;
  dataBytes: number;
  heapBytes: number;
  openMs: number;
}

function measure(documents: number): Point {
  const dir = mkdtempSync(join(tmpdir(), 'db-capacity-'));
  try {
    const run = (mode: string) => {
      const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, mode, dir, String(documents)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`capacity child (${mode}) failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    };
    const written = run('write');
    const opened = run('open');
    return { documents, dataBytes: written.dataBytes!, heapBytes: opened.heapBytes!, openMs: opened.openMs! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Least-squares slope and intercept of y over x. */
function fit(points: Array<[number, number]>): { slope: number; intercept: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const slope = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return { slope, intercept: my - slope * mx };
}

async function ceiling(): Promise<{ documents: number; heapLimitMb: number; lastHeapMb: number; seconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'db-ceiling-'));
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'serve', dir, '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout.once('data', (c: Buffer) => resolve(JSON.parse(c.toString().split('\n')[0]!) as Record<string, unknown>));
    child.once('exit', (code) => reject(new Error(`server child exited with ${code}: ${stderr}`)));
  });
  const client = await MongoClient.connect(String(first.uri), { serverSelectionTimeoutMS: 60_000, socketTimeoutMS: 0 });
  const { answerDocument, ANSWER_INDEXES } = await import('./support/answers.js');
  const answers = client.db('bench').collection('answers');
  await answers.createIndexes(ANSWER_INDEXES);
  let acknowledged = 0;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let dead = false;
  void exited.then(() => (dead = true));
  const BATCH = 5000;
  try {
    while (!dead) {
      await answers.insertMany(
        Array.from({ length: BATCH }, (_, j) => answerDocument(acknowledged + j)),
        { ordered: true },
      );
      acknowledged += BATCH;
      if (acknowledged % 100_000 === 0) process.stderr.write(`\rceiling: ${acknowledged.toLocaleString('en-US')} answers`);
    }
  } catch {
    // the server died mid-batch
  }
  await exited;
  process.stderr.write('\n');
  await client.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  const heapLimitMb = Number(first.heapLimitMb);
  const lastHeap = /heapUsedMb":(\d+)/.exec(stderr);
  return { documents: acknowledged, heapLimitMb, lastHeapMb: lastHeap ? Number(lastHeap[1]) : heapLimitMb, seconds: Math.round((Date.now() - started) / 1000) };
}

const points: Point[] = [];
for (const n of SIZES) {
  const p = measure(n);
  points.push(p);
  console.log(
    `${n.toLocaleString('en-US').padStart(9)} answers: data files ${(p.dataBytes / 1048576).toFixed(1)} MB, heap after replay ${(p.heapBytes / 1048576).toFixed(1)} MB, replay ${p.openMs} ms`,
  );
}
const perDoc = fit(points.map((p) => [p.documents, p.heapBytes]));
const perDataByte = fit(points.map((p) => [p.dataBytes, p.heapBytes]));
const dataBytesPerAnswer = Math.round(points.at(-1)!.dataBytes / points.at(-1)!.documents);
const heapBytesPerAnswer = Math.round(perDoc.slope);
const heapPerDataByte = Math.round(perDataByte.slope * 100) / 100;
const defaultHeapMb = Number(
  spawnSync(process.execPath, ['-e', 'console.log(require("v8").getHeapStatistics().heap_size_limit/1048576)'], { encoding: 'utf8' }).stdout.trim(),
);
const estimatedCeiling = Math.floor((defaultHeapMb * 1048576 - perDoc.intercept) / perDoc.slope);
console.log(`heap per answer: ${heapBytesPerAnswer} B; data files per answer: ${dataBytesPerAnswer} B; heap per data byte: ${heapPerDataByte}`);
console.log(`Node's default heap here: ${defaultHeapMb} MB → about ${estimatedCeiling.toLocaleString('en-US')} answers`);
const measuredCeiling = process.argv.includes('--ceiling') ? await ceiling() : null;
if (measuredCeiling)
  console.log(
    `measured ceiling: ${measuredCeiling.documents.toLocaleString('en-US')} answers acknowledged before the server ran out of its ${measuredCeiling.heapLimitMb} MB heap`,
  );
const ok = heapBytesPerAnswer <= GOALS.heapBytesPerAnswerMax && heapPerDataByte <= GOALS.heapPerDataByteMax;
console.log(
  JSON.stringify({
    bench: 'db-capacity',
    points,
    heapBytesPerAnswer,
    dataBytesPerAnswer,
    heapPerDataByte,
    defaultHeapMb,
    totalMemoryMb: Math.round(totalmem() / 1048576),
    estimatedCeiling,
    measuredCeiling,
    loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    goals: GOALS,
    ok,
  }),
);
process.exitCode = ok ? 0 : 1;
