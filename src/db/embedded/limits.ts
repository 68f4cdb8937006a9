/**
 * What the embedded database can hold, and how it tells. Every figure here comes from
 * `npm run bench -- db-capacity` on the reference machine (2 cores, 24 GB; docs/embedded-db.md
 * quotes the recorded result in docs/benchmarks/): an answer document, shaped and indexed as
 * src/db/models/answer.ts, costs about 345 bytes of data files and 1.3 KB of heap once loaded.
 */

/** Heap bytes per byte of data files once replayed, measured (3.6 for answers) with a margin. */
export const HEAP_PER_DATA_BYTE = 4.5;
/** Heap the database's own thread needs besides the data (code, connections, replies under way). */
const THREAD_BASE_HEAP_BYTES = 64 * 1024 * 1024;
/** Room to grow after start before the heap needs sizing again (a restart sizes it from the data). */
const GROWTH_FACTOR = 2;
/** The embedded database never takes more than this share of the machine's memory. */
const MAX_MEMORY_SHARE = 0.75;
const MiB = 1024 * 1024;

/** The heap the documents of a data directory of `dataBytes` take once loaded. */
export function estimateHeapBytes(dataBytes: number): number {
  return Math.ceil(dataBytes * HEAP_PER_DATA_BYTE);
}

/** `--max-old-space-size=N` given to this process (command line or NODE_OPTIONS), in MB, or null. */
export function explicitHeapFlagMb(execArgv: readonly string[], nodeOptions: string | undefined): number | null {
  const args = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  let found: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const m = /^--max[-_]old[-_]space[-_]size(?:=(\d+))?$/.exec(args[i]!);
    if (!m) continue;
    const value = m[1] ?? args[i + 1];
    if (value && /^\d+$/.test(value)) found = Number(value);
  }
  return found;
}

export interface HeapPlanInput {
  /** Bytes of the data files to load. */
  readonly dataBytes: number;
  /** Node's own heap limit for this process (what the database would get without sizing), MB. */
  readonly defaultLimitMb: number;
  /** EMBEDDED_DB_HEAP_MB: at least this much, whatever the data. */
  readonly configuredMb?: number | undefined;
  /** A --max-old-space-size this process was started with: V8 then applies it to every thread. */
  readonly explicitFlagMb?: number | null | undefined;
  readonly totalMemoryMb: number;
}

export type HeapPlan =
  { readonly ok: true; readonly limitMb: number; readonly needMb: number } | { readonly ok: false; readonly needMb: number; readonly message: string };

/**
 * The heap the embedded database gets: enough for the data with room to double, at least Node's
 * default (or EMBEDDED_DB_HEAP_MB), at most 3/4 of the machine. Refused, with the reason, when the
 * data cannot fit: an explicit --max-old-space-size too small, or a machine too small.
 */
export function planHeap(input: HeapPlanInput): HeapPlan {
  const needMb = Math.ceil((THREAD_BASE_HEAP_BYTES + estimateHeapBytes(input.dataBytes)) / MiB);
  const dataMb = Math.ceil(input.dataBytes / MiB);
  if (input.explicitFlagMb) {
    if (needMb <= input.explicitFlagMb) return { ok: true, limitMb: input.explicitFlagMb, needMb };
    return {
      ok: false,
      needMb,
      message:
        `the embedded database's ${dataMb} MB of data files need about ${needMb} MB of heap, but this process was started with ` +
        `--max-old-space-size=${input.explicitFlagMb}. Start it with --max-old-space-size=${needMb * GROWTH_FACTOR} (or without the flag: the heap is then sized from the data), ` +
        `or move to a real MongoDB (docs/embedded-db.md).`,
    };
  }
  const capMb = Math.floor(input.totalMemoryMb * MAX_MEMORY_SHARE);
  if (needMb > capMb) {
    return {
      ok: false,
      needMb,
      message:
        `the embedded database's ${dataMb} MB of data files need about ${needMb} MB of heap, more than ${capMb} MB (3/4 of this machine's memory). ` +
        `Move to a real MongoDB: export with "npm run cli -- db export <dir>" on a larger machine, import into MongoDB (docs/embedded-db.md).`,
    };
  }
  const limitMb = Math.min(capMb, Math.max(input.defaultLimitMb, input.configuredMb ?? 0, needMb * GROWTH_FACTOR));
  return { ok: true, limitMb, needMb };
}

/** The embedded database refuses to load data its heap cannot hold (instead of running out of memory part way). */
export class HeapTooSmallError extends Error {
  constructor(
    readonly dir: string,
    message: string,
  ) {
    super(`${dir}: ${message}`);
    this.name = 'HeapTooSmallError';
  }
}

export interface EmbeddedDbThresholds {
  /** Warn above this many documents in all collections. */
  readonly warnDocuments: number;
  /** Warn above this many bytes of data files (snapshot and journals). */
  readonly warnDataBytes: number;
}

/**
 * Defaults from the measurements (docs/embedded-db.md, db-pauses): at 1,000,000 answers compaction,
 * counts and $group keep other clients' waits under half a second, but a full sort or an updateMany
 * over all of them stalls for seconds and a cold start takes minutes on a busy machine: past this,
 * move. 400 MB of data files is about 1.2 M answers (345 bytes each, db-capacity).
 */
export const DEFAULT_THRESHOLDS: EmbeddedDbThresholds = { warnDocuments: 1_000_000, warnDataBytes: 400 * MiB };
/** Heap use (of the database's heap limit) above which the status warns, and above which it is critical. */
export const HEAP_WARNING_RATIO = 0.7;
export const HEAP_CRITICAL_RATIO = 0.85;

/** How to move, said wherever a warning is. */
export const MOVE_ADVICE =
  'Move to a real MongoDB: "npm run cli -- db export ./dump", then "npm run cli -- db import ./dump --uri mongodb://…", then set MONGODB_URI (docs/embedded-db.md).';

export type EmbeddedDbLevel = 'ok' | 'warning' | 'critical';

export interface EmbeddedDbWarning {
  /** What crossed its threshold. */
  readonly code: 'documents' | 'dataBytes' | 'heap';
  readonly level: Exclude<EmbeddedDbLevel, 'ok'>;
  readonly message: string;
}

export interface EmbeddedDbFigures {
  readonly documents: number;
  readonly dataBytes: number;
  readonly heapUsedBytes: number;
  readonly heapLimitBytes: number;
}

/** What the embedded database reports about its size (the admin dashboard, /readyz, the start-up log). */
export interface EmbeddedDbStatus extends EmbeddedDbFigures {
  readonly path: string | null;
  readonly collections: number;
  readonly snapshotBytes: number;
  readonly journalBytes: number;
  readonly thresholds: EmbeddedDbThresholds;
  readonly level: EmbeddedDbLevel;
  readonly warnings: EmbeddedDbWarning[];
  /** How to move to a real MongoDB; set when there is a warning. */
  readonly advice: string | null;
  readonly lastCompaction: { readonly at: string; readonly ms: number; readonly snapshotBytes: number } | null;
  /** When these figures were taken. */
  readonly at: string;
}

const mb = (bytes: number) => `${Math.round(bytes / MiB).toLocaleString('en-US')} MB`;

/** Pure: which thresholds the figures cross. */
export function assessLimits(f: EmbeddedDbFigures, t: EmbeddedDbThresholds): { level: EmbeddedDbLevel; warnings: EmbeddedDbWarning[] } {
  const warnings: EmbeddedDbWarning[] = [];
  if (f.documents > t.warnDocuments) {
    warnings.push({
      code: 'documents',
      level: 'warning',
      message: `${f.documents.toLocaleString('en-US')} documents, above the ${t.warnDocuments.toLocaleString('en-US')} the embedded database is meant for`,
    });
  }
  if (f.dataBytes > t.warnDataBytes) {
    warnings.push({ code: 'dataBytes', level: 'warning', message: `${mb(f.dataBytes)} of data files, above ${mb(t.warnDataBytes)}` });
  }
  const ratio = f.heapLimitBytes > 0 ? f.heapUsedBytes / f.heapLimitBytes : 0;
  if (ratio > HEAP_WARNING_RATIO) {
    warnings.push({
      code: 'heap',
      level: ratio > HEAP_CRITICAL_RATIO ? 'critical' : 'warning',
      message: `${Math.round(ratio * 100)}% of its ${mb(f.heapLimitBytes)} heap in use (${mb(f.heapUsedBytes)})`,
    });
  }
  const level: EmbeddedDbLevel = warnings.some((w) => w.level === 'critical') ? 'critical' : warnings.length ? 'warning' : 'ok';
  return { level, warnings };
}

/** One line for a log or /readyz: the warnings and how to move, or that all is well. */
export function describeStatus(s: Pick<EmbeddedDbStatus, 'level' | 'warnings' | 'documents' | 'dataBytes'>): string {
  if (s.level === 'ok') return `embedded: ${s.documents.toLocaleString('en-US')} documents, ${mb(s.dataBytes)} of data files`;
  return `embedded database ${s.level.toUpperCase()}: ${s.warnings.map((w) => w.message).join('; ')}. ${MOVE_ADVICE}`;
}
