import type { Logger } from '../../log/index.js';
import { Journal } from './journal.js';
import { WireServer } from './server.js';
import { Storage } from './storage.js';

export interface EmbeddedServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Journal directory; null keeps everything in memory. */
  readonly path: string | null;
  readonly logger?: Logger;
  /** How often TTL indexes are enforced; MongoDB's 60 s by default (tests use less). */
  readonly ttlIntervalMs?: number;
}

export { DataDirectoryInUseError } from './lock.js';

export interface EmbeddedServer {
  /** mongodb://host:port — what the driver, mongoose, Agenda, mongosh or Compass connect to. */
  readonly uri: string;
  readonly port: number;
  /** Compacts the data files now (in slices, clients keep working); resolves when done. Nothing to do in memory. */
  compact(): Promise<void>;
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
  let journal: Journal | null = null;
  if (options.path) {
    const opened = Journal.open(options.path, storage);
    journal = opened.journal;
    const { report } = opened;
    options.logger?.info({ path: options.path, ...report }, 'embedded MongoDB: journal replayed and compacted');
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
  let closed = false;
  return {
    uri,
    port,
    compact: async () => journal?.compact(),
    async close() {
      if (closed) return;
      closed = true;
      await wire.close();
      await journal?.close();
    },
  };
}
