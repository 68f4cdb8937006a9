/**
 * `npm run bench -- db-pauses [documents]`: how long does the embedded database stop every client
 * at a realistic size? A child process (the embedded server on a data directory, as `npm start`
 * runs it) is filled with answer documents (1,000,000 by default, shaped and indexed as
 * src/db/models/answer.ts); then compaction, a countDocuments, a $group, the stats rebuild's sort
 * (every answer by answeredAt, _id) and an updateMany over every answer run one after another
 * while a second client, in a process of its own, pings every 10 ms. For each phase: its duration, the longest ping
 * round trip (what any other client, the bot included, waited) and the child's longest
 * event-loop stall. Finally the child is restarted on the same directory (cold start).
 * Last line: one JSON object with the figures, the goals and "ok"; exits 1 when a goal is missed.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Document } from 'mongodb';
import { ANSWER_INDEXES, answerDocument } from './support/answers.js';

const DOCUMENTS = Number(process.argv[2] ?? 1_000_000);
const here = fileURLToPath(new URL('.', import.meta.url));
/** BENCH_DB_CHILD runs another server script (how the "before" figures were taken on the old code). */
const CHILD = resolve(process.env.BENCH_DB_CHILD ?? join(here, 'support/embedded-child.ts'));
/**
 * A client waits at most a second (the longest ping, and the server's longest event-loop stall)
 * while a million answers are compacted, counted, grouped, sorted or updated; the machine is
 * shared (the load average is recorded): garbage collection of a 1-2 GB heap alone takes
 * hundreds of milliseconds when the cores are busy.
 */
const GOALS = { worstPauseMs: 1000, coldStartMs: 60_000 };

interface Child {
  readonly proc: ChildProcessByStdio<Writable, Readable, null>;
  readonly uri: string;
  /** From spawning the child to its server listening (node and tsx start, replay, compaction). */
  readonly startMs: number;
  /** What the child measured itself: opening the data directory until listening. */
  readonly openMs: number;
  request(line: string): Promise<Document>;
  /** Asks the child to close its server (journal flushed) and waits for it to exit. */
  stop(): Promise<void>;
}

async function startChild(dir: string): Promise<Child> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const waiting: Array<(d: Document) => void> = [];
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    waiting.shift()?.(JSON.parse(line) as Document);
  });
  const first = await new Promise<Document>((ok, fail) => {
    waiting.push(ok);
    proc.once('exit', (code) => fail(new Error(`the server child exited with ${code} before it was ready`)));
  });
  return {
    proc,
    uri: String(first.uri),
    startMs: Math.round(performance.now() - t0),
    openMs: Number(first.startMs),
    request: (line) =>
      new Promise<Document>((ok) => {
        waiting.push(ok);
        proc.stdin.write(`${line}\n`);
      }),
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.stdin.write('exit\n');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A second client pinging every 10 ms, in a process of its own (support/ping-probe.ts): `take()`
 * returns and resets the longest round trip and the errors seen (a ping that fails, e.g. the driver
 * giving up on a server that does not answer its monitor for seconds, counts with its time).
 */
async function startProbe(uri: string) {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(here, 'support/ping-probe.ts'), uri], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const waiting: Array<(d: Document) => void> = [];
  lines.on('line', (line) => {
    if (line.startsWith('{')) waiting.shift()?.(JSON.parse(line) as Document);
  });
  await new Promise<Document>((ok) => waiting.push(ok));
  return {
    take: () =>
      new Promise<{ max: number; errors: string[] }>((ok) => {
        waiting.push(ok as (d: Document) => void);
        proc.stdin.write('take\n');
      }),
    async stop() {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.stdin.write('exit\n');
      await exited;
    },
  };
}

interface Phase {
  ms: number;
  pingMaxMs: number;
  stallMs: number;
  /** Errors the probe or the phase's own client saw (none expected). */
  errors?: string[];
}

const dir = mkdtempSync(join(tmpdir(), 'db-pauses-'));
const phases: Record<string, Phase> = {};
let child = await startChild(dir);
try {
  const client = await MongoClient.connect(child.uri);
  const probe = await startProbe(child.uri);
  const answers = client.db('bench').collection('answers');
  const phase = async (name: string, run: () => Promise<unknown>) => {
    await probe.take();
    await child.request('stall');
    const t = performance.now();
    const errors: string[] = [];
    await run().catch((err: Error) => errors.push(`${err.name}: ${err.message}`));
    const ms = Math.round(performance.now() - t);
    const stall = await child.request('stall');
    const ping = await probe.take();
    errors.push(...ping.errors.map((e) => `ping: ${e}`));
    // A server that stops for minutes fails thousands of pings: the first ten say enough.
    if (errors.length > 10) errors.splice(10, errors.length - 10, `… and ${errors.length - 10} more`);
    phases[name] = { ms, pingMaxMs: ping.max, stallMs: Number(stall.stallMs), ...(errors.length ? { errors } : {}) };
    console.log(`${name.padEnd(12)} ${JSON.stringify(phases[name])} heap ${stall.heapMB} MB, rss ${stall.rssMB} MB`);
  };

  await phase('seed', async () => {
    await answers.createIndexes(ANSWER_INDEXES);
    const BATCH = 2000;
    for (let i = 0; i < DOCUMENTS; i += BATCH) {
      const n = Math.min(BATCH, DOCUMENTS - i);
      await answers.insertMany(
        Array.from({ length: n }, (_, j) => answerDocument(i + j)),
        { ordered: false },
      );
      if ((i / BATCH) % 100 === 0) process.stderr.write(`\rseeded ${i.toLocaleString('en-US')}`);
    }
    process.stderr.write('\n');
  });
  await phase('compact', () => child.request('compact'));
  await phase('count', () => answers.countDocuments({ correct: true }));
  await phase('group', () =>
    answers.aggregate([{ $group: { _id: '$questionId', answers: { $sum: 1 }, correct: { $sum: { $cond: ['$correct', 1, 0] } } } }]).toArray(),
  );
  await phase('rebuildSort', async () => {
    let n = 0;
    const cursor = answers
      .find({}, { projection: { participantId: 1, bot: 1, unitId: 1, questionId: 1, day: 1, correct: 1, timeTakenMs: 1, answeredAt: 1 } })
      .sort({ answeredAt: 1, _id: 1 });
    for await (const _ of cursor) n++;
    if (n !== DOCUMENTS) throw new Error(`the sort returned ${n} answers, not ${DOCUMENTS}`);
  });
  await phase('updateMany', async () => {
    const r = await answers.updateMany({ rolledUp: false }, { $set: { rolledUp: true } });
    if (r.modifiedCount !== DOCUMENTS) throw new Error(`updateMany modified ${r.modifiedCount}, not ${DOCUMENTS}`);
  });
  await probe.stop();
  await client.close();
  await child.stop();

  child = await startChild(dir);
  const coldStartMs = child.startMs;
  const coldOpenMs = child.openMs;
  const check = await MongoClient.connect(child.uri);
  const kept = await check.db('bench').collection('answers').countDocuments({});
  await check.close();
  if (kept !== DOCUMENTS) throw new Error(`after a restart ${kept} answers were found, not ${DOCUMENTS}`);
  console.log(`cold start   ${coldStartMs} ms (opening the data directory: ${coldOpenMs} ms)`);

  const measured = ['compact', 'count', 'group', 'rebuildSort', 'updateMany'];
  const worstPauseMs = Math.max(...measured.map((p) => Math.max(phases[p]!.pingMaxMs, phases[p]!.stallMs)));
  const errors = Object.values(phases).some((p) => p.errors?.length);
  const ok = !errors && worstPauseMs <= GOALS.worstPauseMs && coldStartMs <= GOALS.coldStartMs;
  const loadAverage = Math.round(loadavg()[0]! * 10) / 10;
  console.log(JSON.stringify({ bench: 'db-pauses', documents: DOCUMENTS, phases, coldStartMs, coldOpenMs, worstPauseMs, loadAverage, goals: GOALS, ok }));
  process.exitCode = ok ? 0 : 1;
} finally {
  await child.stop();
  rmSync(dir, { recursive: true, force: true });
}
