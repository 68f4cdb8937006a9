import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import v8 from 'node:v8';
import { privateTempDirectory, securePrivateDirectory, writePrivateFile } from './files.js';
import { checkDataDirectory, dataFileBytes, Journal, type FileReport, type ReplayReport } from './journal.js';
import { DEFAULT_THRESHOLDS, describeStatus, estimateHeapBytes, HeapTooSmallError, type EmbeddedDbStatus } from './limits.js';
import { deriveCredential } from './scram.js';
import { WireServer } from './server.js';
import { collectStatus } from './status.js';
import type { EmbeddedServer, EmbeddedServerOptions, EmbeddedTcpListener } from './server-types.js';
import { Storage } from './storage.js';

export type { EmbeddedLogger, EmbeddedServer, EmbeddedServerOptions, EmbeddedTcpListener } from './server-types.js';
export { DataDirectoryInUseError } from './lock.js';
export { JournalDamagedError, type FileReport } from './journal.js';
export { HeapTooSmallError, describeStatus, DEFAULT_THRESHOLDS, type EmbeddedDbStatus, type EmbeddedDbThresholds } from './limits.js';
export { startEmbeddedServerThread, type ThreadedServerOptions } from './thread.js';

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
export { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, securePrivateDirectory, writePrivateFile } from './files.js';

/** The one user of the embedded server's TCP listener. */
export const DB_USERNAME = 'owner';
/** Beside the journal: the password of `owner`, readable by the directory's owner only. */
export const PASSWORD_FILE = 'db-password';
/** The Unix socket's name inside the data directory (the driver recognises a socket host by `.sock`). */
export const SOCKET_FILE = 'mongodb.sock';
/** Linux refuses Unix socket paths over 107 bytes; longer ones move to a private temp directory. */
const MAX_SOCKET_PATH = 100;

/** The URI of a Unix socket, as the driver reads it: the whole path, URL-encoded, as the host. */
export function socketUri(socketPath: string): string {
  return `mongodb://${encodeURIComponent(socketPath)}`;
}

/** The TCP URI with the credentials of `owner` (IPv6 addresses in brackets). */
export function tcpUri(host: string, port: number, password: string): string {
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return `mongodb://${DB_USERNAME}:${encodeURIComponent(password)}@${shownHost}:${port}/?authSource=admin`;
}

/** Reads the stored password of a data directory, if one was created. */
export function readPassword(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, PASSWORD_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** The stored password, or a new one (32 letters and digits) saved 0600 beside the journal. */
function loadOrCreatePassword(dir: string | null): { password: string; created: boolean } {
  const stored = dir ? readPassword(dir) : undefined;
  if (stored) return { password: stored, created: false };
  let password = '';
  while (password.length < 32) {
    // 248 = 4 × 62: bytes above it are skipped so every character is equally likely.
    for (const b of randomBytes(48)) if (b < 248 && password.length < 32) password += PASSWORD_ALPHABET[b % 62];
  }
  if (dir) writePrivateFile(join(dir, PASSWORD_FILE), `${password}\n`);
  return { password, created: true };
}

type Warn = (fields: Record<string, unknown>, msg: string) => void;

/**
 * Loads a data directory, refusing before loading (rather than out of memory half way) when the
 * heap cannot hold its data, and logs what the load found.
 */
function openDataFiles(dir: string, storage: Storage, options: EmbeddedServerOptions, warn: Warn): Journal {
  const dataBytes = dataFileBytes(dir);
  const heap = v8.getHeapStatistics();
  const needMb = Math.ceil(estimateHeapBytes(dataBytes) / 1048576);
  const freeMb = Math.floor((heap.heap_size_limit - heap.used_heap_size) / 1048576);
  if (needMb > freeMb * 0.9) {
    throw new HeapTooSmallError(
      dir,
      `its ${Math.ceil(dataBytes / 1048576)} MB of data files need about ${needMb} MB of heap; this process has ${freeMb} MB free of ` +
        `${Math.floor(heap.heap_size_limit / 1048576)} MB. Start it with --max-old-space-size=${Math.ceil((heap.heap_size_limit / 1048576 - freeMb + needMb) * 2)} ` +
        `(NODE_OPTIONS), or move to a real MongoDB (docs/embedded-db.md).`,
    );
  }
  const { journal, report } = Journal.open(dir, storage, { repair: options.repair === true });
  options.logger?.info(
    { path: dir, snapshotRecords: report.snapshotRecords, journalRecords: report.journalRecords, documents: storage.documentCount() },
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
  return journal;
}

/** Above a threshold: said at start, and again whenever the level gets worse while running. Returns the timer. */
function watchLimits(status: () => EmbeddedDbStatus, warn: Warn): NodeJS.Timeout {
  let lastLevel = 'ok';
  const check = () => {
    const s = status();
    if (s.level !== 'ok' && s.level !== lastLevel) {
      warn({ documents: s.documents, dataBytes: s.dataBytes, heapUsedBytes: s.heapUsedBytes, heapLimitBytes: s.heapLimitBytes }, describeStatus(s));
    }
    lastLevel = s.level;
  };
  check();
  const timer = setInterval(check, 60_000);
  timer.unref();
  return timer;
}

/**
 * Starts the embedded MongoDB-compatible server, for development, tests and small pilots: an
 * in-process server speaking the MongoDB wire protocol on a Unix socket that only this user can
 * reach (inside the 0700 data directory, or a 0700 temp directory when in memory), and on TCP
 * with SCRAM-SHA-256 authentication when a port is given. With `path`, every acknowledged write is
 * journalled before the reply; without it, data lives in memory only.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  // Without a logger (tests, scripts) warnings still reach stderr.
  const warn: Warn = (fields, msg) => {
    if (options.logger) options.logger.warn(fields, msg);
    else process.stderr.write(`[embedded-db] ${msg} ${JSON.stringify(fields)}\n`);
  };
  const dir = options.path ? resolve(options.path) : null;
  const storage = new Storage();
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  let journal: Journal | null = null;
  if (dir) {
    const ownerWarning = securePrivateDirectory(dir);
    if (ownerWarning) warn({ path: dir }, `embedded MongoDB: ${ownerWarning}`);
    journal = openDataFiles(dir, storage, options, warn);
  }
  const cleanups: Array<() => void> = [];
  let wire: WireServer | undefined;
  try {
    let socketPath = dir ? join(dir, SOCKET_FILE) : '';
    if (!dir || Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      const temp = privateTempDirectory();
      cleanups.push(temp.remove);
      socketPath = join(temp.path, SOCKET_FILE);
    }
    const tcpWanted = options.port !== undefined;
    const secret = tcpWanted ? loadOrCreatePassword(dir) : null;
    wire = new WireServer({
      storage,
      journal,
      ...(secret ? { credential: deriveCredential(DB_USERNAME, secret.password) } : {}),
      ...(options.ttlIntervalMs !== undefined ? { ttlIntervalMs: options.ttlIntervalMs } : {}),
      onProtocolError: (err) => warn({ err: err.message }, 'embedded MongoDB: protocol error, connection closed'),
      onAuthenticationFailure: (remote, reason) => warn({ remote, reason }, 'embedded MongoDB: authentication failed'),
    });
    await wire.listenSocket(socketPath);
    let tcp: EmbeddedTcpListener | null = null;
    if (tcpWanted && secret) {
      const host = options.host ?? '127.0.0.1';
      const port = await wire.listenTcp(host, options.port!);
      tcp = { host, port, username: DB_USERNAME, password: secret.password, uri: tcpUri(host, port, secret.password), passwordCreated: secret.created };
    }
    const uri = socketUri(socketPath);
    const banner = 'EMBEDDED MongoDB-compatible server: for development, tests and small pilots only; use a real MongoDB (MONGODB_URI) in production.';
    warn({ socket: socketPath, tcp: tcp ? `${tcp.host}:${tcp.port} (authentication required)` : 'off', path: dir ?? '(in memory)' }, banner);
    const status = () => collectStatus(storage, journal, dir, thresholds);
    const limitsTimer = watchLimits(status, warn);
    let closed = false;
    return {
      uri,
      socketPath,
      tcp,
      compact: async () => journal?.compact(),
      status,
      async close() {
        if (closed) return;
        closed = true;
        clearInterval(limitsTimer);
        await wire!.close();
        await journal?.close();
        for (const c of cleanups) c();
      },
    };
  } catch (err) {
    await wire?.close();
    await journal?.close();
    for (const c of cleanups) c();
    throw err;
  }
}
