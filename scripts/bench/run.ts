import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- <name> [args]`: runs scripts/bench/<name>.ts, whose last line is one JSON object
 * with its figures, goals and "ok", and keeps that line in docs/benchmarks/<name>-<UTC time>.json
 * with the machine it ran on (load average, Node version, cores, commit). docs/benchmarks.md quotes
 * these files, so no figure is ever typed by hand. BENCH_RESULTS_DIR writes them elsewhere (trials).
 */
const dir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(dir, '../..');
/** Files here that are not benchmarks. */
const NOT_BENCHES = new Set(['run.ts', 'summary.ts']);
const names = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !NOT_BENCHES.has(f))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- <${names.join('|')}> [arguments of that benchmark]`);
  process.exit(2);
}
const args = process.argv.slice(3);
const resultsDir = path.resolve(root, process.env.BENCH_RESULTS_DIR ?? 'docs/benchmarks');

/** The load average (1, 5, 15 min): figures from a busy shared machine must be recognisable as such. */
const load = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

function commit(): { id: string | null; dirty: boolean | null } {
  const rev = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (rev.status !== 0) return { id: null, dirty: null };
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'scripts'], { cwd: root, encoding: 'utf8' });
  return { id: rev.stdout.trim(), dirty: status.status === 0 ? status.stdout.trim() !== '' : null };
}

/** The bench's result line: the last stdout line that is a JSON object with "ok". */
function resultOf(line: string): Record<string, unknown> | null {
  const s = line.trim();
  if (!s.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) && 'ok' in v ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const startedAt = new Date();
const loadAtStart = load();
// Read before the run: a commit made while a long benchmark runs is not the code it measured.
const measured = commit();
const tsx = path.resolve(root, 'node_modules/.bin/tsx');
const child = spawn(tsx, [path.join(dir, `${name}.ts`), ...args], { stdio: ['inherit', 'pipe', 'inherit'] });
let result: Record<string, unknown> | null = null;
let pending = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk: string) => {
  process.stdout.write(chunk);
  const lines = (pending + chunk).split('\n');
  pending = lines.pop()!;
  for (const line of lines) result = resultOf(line) ?? result;
});
const code = await new Promise<number>((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
result = resultOf(pending) ?? result;

if (!result) {
  console.error(`bench ${name}: no result line (a JSON object with "ok"); nothing recorded`);
  process.exit(code || 1);
}
const finishedAt = new Date();
const record = {
  result,
  run: {
    bench: name,
    args,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    exitCode: code,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    totalMemoryMb: Math.round(os.totalmem() / 1024 / 1024),
    loadAverage: { start: loadAtStart, end: load() },
    commit: measured,
  },
};
// 2026-12-03T10:15:00.123Z → 2026-12-03T10-15-00Z: sortable, and valid in every file system.
const stamp = `${startedAt.toISOString().slice(0, 19).replace(/:/g, '-')}Z`;
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${name}-${stamp}.json`);
fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
console.error(`recorded ${path.relative(process.cwd(), file)}`);
// A missed goal fails the run whatever the bench's own exit code says.
if (result.ok !== true && code === 0) console.error(`bench ${name}: a goal was missed ("ok": ${JSON.stringify(result.ok)})`);
process.exit(code || (result.ok === true ? 0 : 1));
