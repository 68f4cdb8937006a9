import path from 'node:path';
import type { Command } from 'commander';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../config/index.js';
import { createLogger, stopOnTermination } from '../log/index.js';
import { displayUri, embeddedOptions, openDatabase, startPublishedEmbeddedServer } from './connection.js';
import {
  checkDataFiles,
  DataDirectoryInUseError,
  DB_USERNAME,
  PASSWORD_FILE,
  readPassword,
  repairDataFiles,
  tcpUri,
  type FileReport,
} from './embedded/index.js';
import { exportDatabase, importDatabase } from './transfer.js';

/**
 * `db serve | password | check | repair | export | import`: run the embedded server alone, check
 * and repair its files, and move data to or from a real MongoDB.
 */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the database: embedded server, check and repair, export and import');
  registerServeCommands(db);
  registerCheckCommands(db);
  registerTransferCommands(db);
}

/** The data directory a check or repair is about: --path, else EMBEDDED_DB_PATH. */
function dataDirectory(path: string | undefined): string {
  if (path) return path;
  const configured = loadConfig().db.embeddedPath;
  if (!configured) throw new Error('EMBEDDED_DB_PATH keeps the embedded database in memory: there are no data files; give --path <dir>');
  return configured;
}

/** What `db check` prints for one data file. */
function describeFile(f: FileReport): string[] {
  const lines = [
    `${f.file}: ${f.bytes.toLocaleString('en-US')} bytes, ${f.records.toLocaleString('en-US')} intact records, generation ${f.generation ?? 'unknown'}${f.replayed ? '' : ' (older than the snapshot: not replayed)'}`,
  ];
  for (const d of f.damage) {
    lines.push(`  DAMAGED at byte ${d.offset} (${d.length} bytes)${d.description ? `: ${d.description}` : ''}; the records after it are intact`);
  }
  if (f.tail) {
    lines.push(
      f.tail.complete
        ? `  last record at byte ${f.tail.offset} (${f.tail.length} bytes) is complete but does not check${f.tail.description ? ` (${f.tail.description})` : ''}: dropped at the next start, a copy kept`
        : `  a torn record at the end (byte ${f.tail.offset}, ${f.tail.length} bytes): a write cut short by a crash, cut off at the next start`,
    );
  }
  return lines;
}

/** `db check` and `db repair`: the embedded database's data files, read and (when damaged) recovered. */
function registerCheckCommands(db: Command): void {
  db.command('check')
    .description("read the embedded database's data files and report damaged records (changes nothing)")
    .option('--path <dir>', 'data directory (default: EMBEDDED_DB_PATH)')
    .action((opts: { path?: string }) => {
      const dir = dataDirectory(opts.path);
      const files = checkDataFiles(dir);
      if (files.length === 0) console.log(`${dir}: no data files`);
      for (const f of files) for (const line of describeFile(f)) console.log(line);
      const damaged = files.reduce((n, f) => n + f.damage.length + (f.file === 'snapshot.bin' && f.tail ? 1 : 0), 0);
      if (damaged > 0) {
        console.log(
          `${damaged} damaged stretch(es): the server will not start on this directory. "npm run cli -- db repair --path ${dir}" keeps a copy of the files and recovers every intact record.`,
        );
        process.exitCode = 1;
      } else {
        console.log('no damaged records');
      }
    });

  db.command('repair')
    .description('recover every intact record of damaged data files (the originals are kept in a recovery folder beside them)')
    .option('--path <dir>', 'data directory (default: EMBEDDED_DB_PATH)')
    .action(async (opts: { path?: string }) => {
      const dir = dataDirectory(opts.path);
      let result: Awaited<ReturnType<typeof repairDataFiles>>;
      try {
        result = await repairDataFiles(dir);
      } catch (err) {
        if (err instanceof DataDirectoryInUseError)
          throw new Error(`${dir} is in use by process ${err.pid}: stop the server first, then repair`, { cause: err });
        throw err;
      }
      const { report, documents } = result;
      for (const f of report.files) for (const line of describeFile(f)) console.log(line);
      if (report.keptAt) console.log(`the original files are kept in ${report.keptAt}`);
      const skipped = report.files.reduce((n, f) => n + f.damage.length, 0);
      console.log(
        skipped
          ? `repaired: ${skipped} damaged stretch(es) skipped, ${documents.toLocaleString('en-US')} documents kept, a fresh snapshot written`
          : `nothing to repair: ${documents.toLocaleString('en-US')} documents`,
      );
    });
}

/** `db serve` and `db password`: the embedded server on its own, and the password of its TCP listener. */
function registerServeCommands(db: Command): void {
  db.command('serve')
    .description('run the embedded MongoDB-compatible server alone: TCP with a password (for mongosh, Compass, other processes) and a private Unix socket')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '27017')
    .option('--path <dir>', 'journal directory (":memory:" keeps nothing; default: EMBEDDED_DB_PATH, ./data)')
    .action(async (opts: { host: string; port: string; path?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${opts.port}`);
      const config = loadConfig();
      const logger = createLogger(config);
      const dir = opts.path === undefined ? config.db.embeddedPath : opts.path === ':memory:' ? null : opts.path;
      const server = await startPublishedEmbeddedServer({ host: opts.host, port, path: dir, logger, ...embeddedOptions(config) });
      const tcp = server.tcp!;
      // The password is printed once, when it is created; afterwards `db password` shows it.
      const shown = tcp.passwordCreated ? tcp.uri : tcpUri(tcp.host, tcp.port, '****');
      console.log(`tcp:    ${shown}`);
      console.log(`socket: ${server.uri}`);
      if (!tcp.passwordCreated) console.log(`password: npm run cli -- db password --path ${dir}`);
      else if (dir) console.log(`(the password is kept in ${path.join(dir, PASSWORD_FILE)}; npm run cli -- db password shows it again)`);
      stopOnTermination({ logger, timeoutMs: config.shutdownTimeoutMs, stop: () => server.close() });
    });

  db.command('password')
    .description('show the user, password and URI for the TCP listener of the embedded server (db serve, or EMBEDDED_DB_PORT)')
    .option('--path <dir>', 'data directory (default: EMBEDDED_DB_PATH)')
    .option('--host <host>', 'address in the printed URI', '127.0.0.1')
    .option('--port <port>', 'port in the printed URI (default: EMBEDDED_DB_PORT, else 27017)')
    .action((opts: { path?: string; host: string; port?: string }) => {
      const config = loadConfig();
      const dir = opts.path ?? config.db.embeddedPath;
      if (!dir) throw new Error('the embedded database is in memory (EMBEDDED_DB_PATH=:memory:): its password is printed by db serve and kept nowhere');
      const password = readPassword(dir);
      if (!password) throw new Error(`no password in ${dir} yet: it is created by the first "db serve" (or npm start with EMBEDDED_DB_PORT) on that directory`);
      const port = opts.port ?? String(config.db.embeddedPort ?? 27017);
      console.log(`user:     ${DB_USERNAME}`);
      console.log(`password: ${password}`);
      console.log(`uri:      ${tcpUri(opts.host, Number(port), password)}`);
    });
}

/** `db export` and `db import`: logical backup and restore, also between the embedded server and a real MongoDB. */
function registerTransferCommands(db: Command): void {
  const target = (uri: string | undefined, what: string) =>
    uri
      ? { label: displayUri(uri), open: async () => connectUri(uri) }
      : {
          label: `the configured database (${what})`,
          open: async () => {
            const config = loadConfig();
            const database = await openDatabase(config, createLogger({ log: { level: 'warn', format: 'json' } }));
            return { db: database.connection.db!, close: () => database.close() };
          },
        };

  db.command('export')
    .description('write every collection as canonical extended JSON into a directory')
    .argument('<dir>', 'output directory')
    .option('--uri <uri>', 'read from this MongoDB instead of the configured one (MONGODB_URI or the embedded server)')
    .action(async (dir: string, opts: { uri?: string }) => {
      const src = target(opts.uri, 'source');
      const { db: handle, close } = await src.open();
      try {
        const summary = await exportDatabase(handle, dir);
        for (const [name, n] of Object.entries(summary.collections)) console.log(`${name}: ${n}`);
        console.log(`exported ${Object.keys(summary.collections).length} collections to ${dir}`);
      } finally {
        await close();
      }
    });

  db.command('import')
    .description('load a directory written by "db export" (documents replaced by _id, indexes recreated)')
    .argument('<dir>', 'directory written by db export')
    .option('--uri <uri>', 'write to this MongoDB instead of the configured one')
    .option('--drop', 'empty each collection before loading it')
    .action(async (dir: string, opts: { uri?: string; drop?: boolean }) => {
      const dst = target(opts.uri, 'destination');
      const { db: handle, close } = await dst.open();
      try {
        const summary = await importDatabase(handle, dir, { drop: Boolean(opts.drop) });
        for (const [name, n] of Object.entries(summary.collections)) console.log(`${name}: ${n}`);
        console.log(`imported ${Object.keys(summary.collections).length} collections into ${dst.label}`);
      } finally {
        await close();
      }
    });
}

async function connectUri(uri: string) {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5000 });
  // The database name comes from the URI path, as mongosh and mongodump read it.
  return { db: client.db(), close: () => client.close() };
}
