import v8 from 'node:v8';
import { checkDataDirectory, dataFileBytes, Journal, type FileReport, type ReplayReport } from './journal.js';
import { DEFAULT_THRESHOLDS, describeStatus, estimateHeapBytes, HeapTooSmallError, type EmbeddedDbStatus, type EmbeddedDbThresholds } from './limits.js';
import { WireServer } from './server.js';
import { collectStatus } from './status.js';
import { Storage } from './storage.js';

/** What the embedded server logs through (a pino logger fits). */
export interface EmbeddedLogger {
  info(fields: Record<string, unknown>, msg: string): void;
  warn(fields: Record<string, unknown>, msg: string): void;
}

export interface EmbeddedServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Journal directory; null keeps everything in memory. */
  readonly path: string | null;
  readonly logger?: EmbeddedLogger;
  /** How often TTL indexes are enforced; MongoDB's 60 s by default (tests use less). */
  readonly ttlIntervalMs?: number;
  /** When the status warns (documents, data file bytes); the measured defaults otherwise. */
  readonly thresholds?: EmbeddedDbThresholds;
  /**
   * Start despite damaged records in the data files: the originals are kept in a recovery folder
   * beside them and every intact record is loaded (`db repair`). Without it such damage stops the start.
   */
  readonly repair?: boolean;
}

export { DataDirectoryInUseError } from './lock.js';
export { JournalDamagedError, type FileReport } from './journal.js';

/** `db check`: reads the data files of a directory and reports damage, changing nothing. */
export function checkDataFiles(dir: string): FileReport[] {
  return checkDataDirectory(dir);
}

/**
 * `db repair`: keeps the original data files in a recovery folder beside them, loads every intact
 * record (skipping damaged ones) and writes a fresh snapshot. Needs the directory to itself.
 */
export async function repairDataFiles(dir: string): Promise<{ report: ReplayReport; documents: number }> {
  const storage = new Storage();
  const { journal, report } = Journal.open(dir, storage, { repair: true });
  const documents = storage.documentCount();
  await journal.close();
  return { report, documents };
}
export { HeapTooSmallError, describeStatus, DEFAULT_THRESHOLDS, type EmbeddedDbStatus, type EmbeddedDbThresholds } from './limits.js';
export { startEmbeddedServerThread, type ThreadedServerOptions } from './thread.js';

export interface EmbeddedServer {
  /** mongodb://host:port — what the driver, mongoose, Agenda, mongosh or Compass connect to. */
  readonly uri: string;
  readonly port: number;
  /** Compacts the data files now (in slices, clients keep working); resolves when done. Nothing to do in memory. */
  compact(): Promise<void>;
  /** Its size against its limits: documents, data files, heap; warnings and how to move. */
  status(): EmbeddedDbStatus;
  close(): Promise<void>;
}

/**
 * Starts the embedded MongoDB-compatible server: an in-process TCP server speaking the MongoDB
 * wire protocol, for development, tests and small pilots. With `path`, every acknowledged write
 * is journalled before the reply; without it, data lives in memory only.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  // Without a logger (tests, scripts) warnings still reach stderr.
  const warn = (fields: Record<string, unknown>, msg: string) => {
    if (options.logger) options.logger.warn(fields, msg);
    else process.stderr.write(`[embedded-db] ${msg} ${JSON.stringify(fields)}\n`);
  };
  const storage = new Storage();
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  let journal: Journal | null = null;
  if (options.path) {
    // Refused before loading rather than out of memory half way: the heap must hold the data.
    const dataBytes = dataFileBytes(options.path);
    const heap = v8.getHeapStatistics();
    const needMb = Math.ceil(estimateHeapBytes(dataBytes) / 1048576);
    const freeMb = Math.floor((heap.heap_size_limit - heap.used_heap_size) / 1048576);
    if (needMb > freeMb * 0.9) {
      throw new HeapTooSmallError(
        options.path,
        `its ${Math.ceil(dataBytes / 1048576)} MB of data files need about ${needMb} MB of heap; this process has ${freeMb} MB free of ` +
          `${Math.floor(heap.heap_size_limit / 1048576)} MB. Start it with --max-old-space-size=${Math.ceil((heap.heap_size_limit / 1048576 - freeMb + needMb) * 2)} ` +
          `(NODE_OPTIONS), or move to a real MongoDB (docs/embedded-db.md).`,
      );
    }
    const opened = Journal.open(options.path, storage, { repair: options.repair === true });
    journal = opened.journal;
    const { report } = opened;
    options.logger?.info(
      { path: options.path, snapshotRecords: report.snapshotRecords, journalRecords: report.journalRecords, documents: storage.documentCount() },
      'embedded MongoDB: data files loaded',
    );
    if (report.failedRecords > 0) {
      warn({ failedRecords: report.failedRecords, firstFailure: report.firstFailure }, 'embedded MongoDB: some journal records could not be applied');
    }
    if (report.droppedBytes > 0) {
      warn({ droppedBytes: report.droppedBytes }, 'embedded MongoDB: dropped a torn record at the end of the journal');
    }
    if (report.keptAt) {
      warn({ keptAt: report.keptAt }, 'embedded MongoDB: the original data files were kept beside the data before they were rewritten');
    }
  }
  const wire = new WireServer({
    storage,
    journal,
    ...(options.ttlIntervalMs !== undefined ? { ttlIntervalMs: options.ttlIntervalMs } : {}),
    onProtocolError: (err) => warn({ err: err.message }, 'embedded MongoDB: protocol error, connection closed'),
  });
  let port: number;
  try {
    port = await wire.listen(options.host, options.port);
  } catch (err) {
    await journal?.close();
    throw err;
  }
  const uri = `mongodb://${options.host}:${port}`;
  const banner = 'EMBEDDED MongoDB-compatible server: for development, tests and small pilots only; use a real MongoDB (MONGODB_URI) in production.';
  warn({ uri, path: options.path ?? '(in memory)' }, banner);
  const status = () => collectStatus(storage, journal, options.path, thresholds);
  // Above a threshold: said at start, and again whenever the level gets worse while running.
  let lastLevel = 'ok';
  const checkLimits = () => {
    const s = status();
    if (s.level !== 'ok' && s.level !== lastLevel) {
      warn({ documents: s.documents, dataBytes: s.dataBytes, heapUsedBytes: s.heapUsedBytes, heapLimitBytes: s.heapLimitBytes }, describeStatus(s));
    }
    lastLevel = s.level;
  };
  checkLimits();
  const limitsTimer = setInterval(checkLimits, 60_000);
  limitsTimer.unref();
  let closed = false;
  return {
    uri,
    port,
    compact: async () => journal?.compact(),
    status,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(limitsTimer);
      await wire.close();
      await journal?.close();
    },
  };
}
