/**
 * Embedded MongoDB-compatible server throughput through the real driver, from one client:
 * insertOne, insertMany (1,000 per call), indexed findOne and `$inc` update, in memory and with
 * the journal; plus indexed vs unindexed findOne on 100,000 documents, after an unrecorded warm-up
 * pass. Bounded to about a minute.
 * Last line: one JSON object with the figures, the goals and "ok".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startEmbeddedServer } from '../../src/db/embedded/index.js';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 2000);
/** Unmeasured run of each phase before its slices. */
const WARM_UP_MS = Number(process.env.BENCH_WARM_UP_MS ?? 500);
/** Phase length of the unrecorded first pass: V8 needs seconds to optimise the driver's and server's hot paths. */
const WARM_UP_PASS_MS = Number(process.env.BENCH_WARM_UP_PASS_MS ?? 1500);

const SLICES = 5;

/**
 * Runs `fn` back to back for `ms` (after a warm-up) in five slices and reports the median
 * slice's rate: other processes on a shared machine make single runs noisy.
 */
async function rate(label: string, fn: (i: number) => Promise<unknown>, opsPerCall = 1, ms = PHASE_MS, maxCallsPerSlice = Infinity): Promise<number> {
  let calls = 0;
  const warmUntil = performance.now() + WARM_UP_MS;
  while (performance.now() < warmUntil && calls < maxCallsPerSlice) await fn(calls++);
  const rates: number[] = [];
  for (let s = 0; s < SLICES; s++) {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < ms / SLICES && n < maxCallsPerSlice) {
      await fn(calls++);
      n++;
    }
    rates.push((n * opsPerCall) / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  const perSec = Math.round(rates[Math.floor(SLICES / 2)]!);
  const slices = rates.map((r) => Math.round(r)).join(' ');
  console.log(`${label.padEnd(42)} ${perSec.toLocaleString('en-US').padStart(12)} ops/s (median of ${SLICES} slices: ${slices})`);
  return perSec;
}

interface Figures {
  insertOne: number;
  insertMany: number;
  indexedFindOne: number;
  incUpdate: number;
}

async function suite(label: string, path: string | null, ms = PHASE_MS): Promise<Figures> {
  const server = await startEmbeddedServer({ path });
  const client = await MongoClient.connect(server.uri);
  try {
    const c = client.db('bench').collection(`ops_${label}`);
    await c.createIndex({ k: 1 }, { unique: true });
    const insertOne = await rate(`[${label}] insertOne`, (i) => c.insertOne({ k: i, name: `user ${i}`, score: 0 }), 1, ms);
    const count = await c.estimatedDocumentCount();
    const indexedFindOne = await rate(`[${label}] indexed findOne`, (i) => c.findOne({ k: (i * 7919) % count }), 1, ms);
    const incUpdate = await rate(`[${label}] $inc update (indexed filter)`, (i) => c.updateOne({ k: (i * 7919) % count }, { $inc: { score: 1 } }), 1, ms);
    // Last: it leaves a large heap behind whose garbage collection would slow the phases after it.
    const bulk = client.db('bench').collection(`bulk_${label}`);
    const insertMany = await rate(
      `[${label}] insertMany (1,000 per call)`,
      (i) => bulk.insertMany(Array.from({ length: 1000 }, (_, j) => ({ n: i * 1000 + j, name: 'x' }))),
      1000,
      ms,
      // Bounded: hundreds of thousands of leftover documents would slow every later phase with GC.
      20,
    );
    return { insertOne, insertMany, indexedFindOne, incUpdate };
  } finally {
    await client.close();
    await server.close();
  }
}

async function speedup(): Promise<{ indexed: number; unindexed: number; ratio: number }> {
  const server = await startEmbeddedServer({ path: null });
  const client = await MongoClient.connect(server.uri);
  try {
    const c = client.db('bench').collection('big');
    await c.createIndex({ k: 1 });
    const N = 100_000;
    for (let i = 0; i < N; i += 10_000) {
      await c.insertMany(Array.from({ length: 10_000 }, (_, j) => ({ k: i + j, u: i + j, pad: 'participant' })));
    }
    const indexed = await rate('[100k docs] findOne on an indexed field', (i) => c.findOne({ k: (i * 7919) % N }), 1, 2000);
    const unindexed = await rate('[100k docs] findOne on an unindexed field', (i) => c.findOne({ u: N - 1 - ((i * 13) % 100) }), 1, 3000);
    return { indexed, unindexed, ratio: Math.round((indexed / Math.max(unindexed, 1)) * 10) / 10 };
  } finally {
    await client.close();
    await server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'embedded-bench-'));
try {
  // A whole unrecorded pass first: a cold process (JIT, lazily loaded driver modules) is several times slower.
  console.log('warm-up pass (not recorded):');
  await suite('warm-up', null, WARM_UP_PASS_MS);
  console.log('measured:');
  const memory = await suite('memory', null);
  const journal = await suite('journal', dir);
  const big = await speedup();
  const journalCost = Math.round((memory.insertOne / Math.max(journal.insertOne, 1)) * 100) / 100;
  console.log(`journal cost on insertOne: ${journalCost}x; indexed vs unindexed findOne on 100k docs: ${big.ratio}x`);
  const goals = { insertOnePerSec: 5000, indexedFindOnePerSec: 5000, journalCostMax: 2, indexSpeedupMin: 20 };
  const ok =
    memory.insertOne >= goals.insertOnePerSec &&
    memory.indexedFindOne >= goals.indexedFindOnePerSec &&
    journalCost <= goals.journalCostMax &&
    big.ratio >= goals.indexSpeedupMin;
  const loadAverage = Math.round(loadavg()[0]! * 10) / 10;
  console.log(JSON.stringify({ bench: 'db', memory, journal, journalCost, findOne100k: big, loadAverage, goals, ok }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
