import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench:summary [-- --all]`: a Markdown table of the recorded benchmark runs in
 * docs/benchmarks/ (written by `npm run bench -- <name>`): the latest run of each benchmark, or
 * every run with --all. Figures are read from the files, never typed.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = path.resolve(root, process.env.BENCH_RESULTS_DIR ?? 'docs/benchmarks');
const all = process.argv.includes('--all');

interface RunRecord {
  result: Record<string, unknown>;
  run: { bench: string; startedAt: string; node: string; cpus: number; loadAverage: { start: number[] | null; end: number[] | null } };
}

/** Reads a dotted path such as "memory.insertOne" from a result. */
function at(obj: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), obj);
}

/** The figures each benchmark is judged on: [label, path of the figure, path of its goal, how the goal reads]. */
type Bound = '≥' | '≤' | '<';
const HEADLINES: Record<string, Array<[string, string, string, Bound]>> = {
  db: [
    ['insertOne/s (memory)', 'memory.insertOne', 'goals.insertOnePerSec', '≥'],
    ['indexed findOne/s (memory)', 'memory.indexedFindOne', 'goals.indexedFindOnePerSec', '≥'],
    ['journal cost on insertOne (×)', 'journalCost', 'goals.journalCostMax', '≤'],
    ['indexed vs unindexed findOne, 100k docs (×)', 'findOne100k.ratio', 'goals.indexSpeedupMin', '≥'],
  ],
  webhook: [
    ['webhook / bare express throughput', 'ratio', 'goals.ratio', '≥'],
    ['p99 at the fixed rate (ms)', 'p99MsAtRate', 'goals.p99Ms', '<'],
  ],
  conversation: [
    ['pure step turns/s', 'stepsPerSecond', 'goals.stepsPerSecond', '≥'],
    ['service p95 per event (ms)', 'p95Ms', 'goals.p95Ms', '≤'],
    ['burst of new members answered (s)', 'burst.seconds', 'goals.burstSeconds', '≤'],
    ['slowest message during the burst (ms)', 'burst.probes.maxMs', 'goals.probeMaxMs', '≤'],
  ],
  fanout: [
    ['deliveries/s', 'deliveriesPerSecond', 'goals.deliveriesPerSecond', '≥'],
    ['memory kept after the run (MB)', 'memoryGrowthMb', 'goals.memoryGrowthMb', '<'],
  ],
  stats: [
    ['dashboard, 30 days: t(year of data)/t(month)', 'ratio', 'goals.ratio', '≤'],
    ['journal per answer applied alone (B)', 'writeCost.journalBytesPerAnswerAlone', 'goals.journalBytesPerAnswerAlone', '≤'],
    ['whole year: documents read, blocks / days only', 'wholeYearDocsRatio', 'goals.wholeYearDocsRatio', '≤'],
    ['whole year: median load (ms)', 'dashboardWholeYear.medianMs', 'goals.wholeYearMedianMs', '≤'],
  ],
  'db-pauses': [
    ['longest wait of another client at 1 M answers (ms)', 'worstPauseMs', 'goals.worstPauseMs', '≤'],
    ['cold start at 1 M answers (ms)', 'coldStartMs', 'goals.coldStartMs', '≤'],
  ],
  'db-capacity': [
    ['heap per answer (bytes)', 'heapBytesPerAnswer', 'goals.heapBytesPerAnswerMax', '≤'],
    ['heap per byte of data files', 'heapPerDataByte', 'goals.heapPerDataByteMax', '≤'],
  ],
};

const fmt = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : v === undefined ? '–' : String(v));

const files = fs.existsSync(resultsDir)
  ? fs
      .readdirSync(resultsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const records = files
  .map((f) => ({ file: f, ...(JSON.parse(fs.readFileSync(path.join(resultsDir, f), 'utf8')) as RunRecord) }))
  .sort((a, b) => a.run.startedAt.localeCompare(b.run.startedAt));
// A `<name>-baseline-…` file measured older code (a "before" figure): never the latest run of that benchmark.
const shown = all ? records : [...new Map(records.filter((r) => !r.file.includes('-baseline-')).map((r) => [r.run.bench, r])).values()];
if (!shown.length) {
  console.log(`no recorded runs in ${path.relative(process.cwd(), resultsDir) || '.'}: run npm run bench -- <name>`);
  process.exit(0);
}

console.log('| bench | run (UTC) | figure | measured | goal | ok | load average (1 min, start → end) | Node | file |');
console.log('|---|---|---|---:|---:|---|---|---|---|');
for (const r of shown) {
  const rel = path.relative(path.join(root, 'docs'), path.join(resultsDir, r.file)).split(path.sep).join('/');
  const when = r.run.startedAt.slice(0, 16).replace('T', ' ');
  const load = `${r.run.loadAverage.start?.[0] ?? '–'} → ${r.run.loadAverage.end?.[0] ?? '–'} (${r.run.cpus} cores)`;
  const lines = HEADLINES[r.run.bench] ?? [['(see the file)', '', '', '≥']];
  lines.forEach(([label, figure, goal, bound], i) => {
    const first = i === 0;
    const goalText = goal ? `${bound} ${fmt(at(r.result, goal))}` : '';
    console.log(
      `| ${first ? r.run.bench : ''} | ${first ? when : ''} | ${label} | ${figure ? fmt(at(r.result, figure)) : ''} | ${goalText} | ${first ? (r.result.ok ? 'yes' : '**no**') : ''} | ${first ? load : ''} | ${first ? r.run.node : ''} | ${first ? `[${r.file}](${rel})` : ''} |`,
    );
  });
}
