import type { Command } from 'commander';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../log/index.js';
import { displayUri, embeddedOptions, openDatabase, startPublishedEmbeddedServer } from './connection.js';
import { checkDataFiles, DataDirectoryInUseError, repairDataFiles, type FileReport } from './embedded/index.js';
import { exportDatabase, importDatabase } from './transfer.js';

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

/** `db serve | check | repair | export | import`: run the embedded server alone, check and repair its files, move data to or from a real MongoDB. */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('the database: embedded server, check and repair, export and import');

  db.command('serve')
    .description('run the embedded MongoDB-compatible server alone and print its mongodb:// URI')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = any free port)', '27017')
    .option('--path <dir>', 'journal directory (":memory:" keeps nothing)', './data')
    .action(async (opts: { host: string; port: string; path: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${opts.port}`);
      const config = loadConfig();
      const logger = createLogger(config);
      const server = await startPublishedEmbeddedServer({
        host: opts.host,
        port,
        path: opts.path === ':memory:' ? null : opts.path,
        logger,
        ...embeddedOptions(config),
      });
      console.log(server.uri);
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });

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
