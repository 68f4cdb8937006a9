import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config/index.js';
import { backoffDelay, type ReadinessCheck } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import fs from 'node:fs';
import path from 'node:path';
import {
  DataDirectoryInUseError,
  DEFAULT_THRESHOLDS,
  describeStatus,
  PASSWORD_FILE,
  startEmbeddedServerThread,
  writePrivateFile,
  type EmbeddedDbStatus,
  type EmbeddedServer,
  type ThreadedServerOptions,
} from './embedded/index.js';
import { createModels, type Models } from './models/index.js';

export type DatabaseMode = 'embedded' | 'external';

export interface Database {
  readonly mode: DatabaseMode;
  /** Safe to log: credentials removed. */
  readonly displayUri: string;
  readonly name: string;
  readonly connection: Connection;
  readonly models: Models;
  readonly readiness: ReadinessCheck;
  /** The embedded database's size against its limits (null with MONGODB_URI, or when another process holds it). */
  embeddedStatus(): EmbeddedDbStatus | null;
  close(): Promise<void>;
}

export type { EmbeddedDbStatus };

/** Hides the password of a mongodb:// URI before it is logged or shown. */
export function displayUri(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Beside the journal: where the process holding a data directory says its server listens (0600). */
const URI_FILE = 'server.uri';

/** The embedded database's options from the configuration. */
export function embeddedOptions(config: Config): Pick<ThreadedServerOptions, 'thresholds' | 'heapMb' | 'nodeOptionsHeapMb'> {
  return {
    thresholds: {
      warnDocuments: config.db.embeddedWarnDocuments ?? DEFAULT_THRESHOLDS.warnDocuments,
      warnDataBytes: config.db.embeddedWarnDataBytes ?? DEFAULT_THRESHOLDS.warnDataBytes,
    },
    ...(config.db.embeddedHeapMb ? { heapMb: config.db.embeddedHeapMb } : {}),
    nodeOptionsHeapMb: config.db.nodeOptionsHeapMb,
  };
}

/**
 * Starts the embedded server (in a worker thread, its heap sized from the data) on a data
 * directory and publishes its socket URI there, so a second process of the product (a CLI command
 * while `npm start` runs) joins it instead of failing on the lock. The URI needs no password: the
 * socket is reachable by the directory's owner only. Should the thread die (out of its heap), the
 * process exits: nothing can be served without it, and a restart sizes the heap again.
 */
export async function startPublishedEmbeddedServer(options: ThreadedServerOptions & { logger?: Logger }): Promise<EmbeddedServer> {
  const logger = options.logger;
  const server = await startEmbeddedServerThread({
    onFailure: (err) => {
      logger?.fatal({ err: err.message }, 'The embedded database stopped; exiting (a restart sizes its heap from the data again)');
      process.exit(1);
    },
    ...options,
  });
  if (!options.path) return server;
  const file = path.join(options.path, URI_FILE);
  writePrivateFile(file, `${server.uri}\n`);
  return {
    ...server,
    async close() {
      fs.rmSync(file, { force: true });
      await server.close();
    },
  };
}

/** The URI published by the live process that holds `dir`, if it published one. */
function publishedUri(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, URI_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

async function connectWithRetry(uri: string, dbName: string, retries: number, logger: Logger): Promise<Connection> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    const conn = mongoose.createConnection(uri, { dbName, serverSelectionTimeoutMS: 5000, autoIndex: true });
    try {
      await conn.asPromise();
      return conn;
    } catch (err) {
      lastError = err;
      await conn.close().catch(() => undefined);
      if (attempt < retries) {
        const delay = backoffDelay(attempt + 1, { baseMs: 500, maxMs: 8000 });
        logger.warn({ attempt: attempt + 1, retries, delayMs: delay, err: (err as Error).message }, 'MongoDB not reachable yet, retrying');
        await sleep(delay);
      }
    }
  }
  throw new Error(`Could not connect to MongoDB at ${displayUri(uri)} after ${retries + 1} attempts: ${(lastError as Error)?.message ?? lastError}`);
}

/**
 * MONGODB_URI set: that server. Otherwise the embedded MongoDB-compatible server on a private Unix
 * socket (and on 127.0.0.1:EMBEDDED_DB_PORT with a password when that is set), journalled to
 * EMBEDDED_DB_PATH (or in memory).
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let uri = config.db.uri;
  let mode: DatabaseMode = 'external';
  if (!uri) {
    mode = 'embedded';
    try {
      embedded = await startPublishedEmbeddedServer({
        path: config.db.embeddedPath,
        ...(config.db.embeddedPort !== null ? { host: '127.0.0.1', port: config.db.embeddedPort } : {}),
        logger,
        ...embeddedOptions(config),
      });
      uri = embedded.uri;
      const status = embedded.status();
      logger.warn(
        { uri, path: config.db.embeddedPath ?? '(in memory)', documents: status.documents, dataBytes: status.dataBytes, heapLimitBytes: status.heapLimitBytes },
        '*** Using the EMBEDDED MongoDB-compatible server: for development, tests and small pilots. Set MONGODB_URI to use a real MongoDB. ***',
      );
      if (embedded.tcp) {
        logger.info(
          { host: embedded.tcp.host, port: embedded.tcp.port, user: embedded.tcp.username, passwordFile: path.join(config.db.embeddedPath!, PASSWORD_FILE) },
          'The embedded database also listens on TCP (EMBEDDED_DB_PORT); clients must log in: npm run cli -- db password',
        );
      }
    } catch (err) {
      const shared = err instanceof DataDirectoryInUseError && config.db.embeddedPath ? publishedUri(config.db.embeddedPath) : undefined;
      if (!shared) throw err;
      uri = shared;
      logger.info({ uri, pid: (err as DataDirectoryInUseError).pid }, 'The embedded database is held by a running server: using it');
    }
  } else {
    logger.info({ uri: displayUri(uri) }, 'Using MongoDB from MONGODB_URI');
  }

  let connection: Connection;
  try {
    connection = await connectWithRetry(uri, config.db.name, embedded ? 0 : config.db.connectRetries, logger);
  } catch (err) {
    await embedded?.close();
    throw err;
  }
  const models = createModels(connection);
  await Promise.all(Object.values(models).map((m) => m.init()));

  const shown = displayUri(uri);
  return {
    mode,
    displayUri: shown,
    name: config.db.name,
    connection,
    models,
    readiness: {
      name: 'database',
      async check() {
        await connection.db!.admin().command({ ping: 1 });
        // Above a threshold the embedded database stays ready (it answers) but says so, with how to move.
        const status = embedded?.status();
        return { ok: true, detail: `${mode} ${shown}/${config.db.name}${status ? `; ${describeStatus(status)}` : ''}` };
      },
    },
    embeddedStatus: () => embedded?.status() ?? null,
    async close() {
      await connection.close();
      await embedded?.close();
    },
  };
}
