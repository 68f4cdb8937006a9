import { ObjectId, type Document } from 'bson';
import { CommandError, toCommandError } from '../errors.js';
import type { Doc } from '../indexes.js';
import { create, createIndexes, drop, dropIndexes, listCollections, listDatabases, listIndexes } from './catalog.js';
import { TRANSACTION_FIELDS, helloReply, transactionsRefused, type CommandContext, type Handler } from './context.js';
import { aggregate, count, distinct, find, getMore, killCursors } from './reads.js';
import { buildInfo, collStats, dbStats, getParameter, serverStatus } from './server-info.js';
import { findAndModify, insert, remove, update } from './writes.js';

export { helloReply, SERVER_VERSION, type CommandContext } from './context.js';

/** Command dispatch: the handler table, and the refusals that apply to every command. */

const ok: Handler = () => ({ ok: 1 });

const HANDLERS: Record<string, Handler> = {
  hello: (_c, _d, ctx) => helloReply(ctx),
  ismaster: (_c, _d, ctx) => helloReply(ctx),
  ping: ok,
  buildinfo: buildInfo,
  getparameter: getParameter,
  endsessions: ok,
  killsessions: ok,
  refreshsessions: ok,
  startsession: () => ({ id: { id: new ObjectId().id }, timeoutMinutes: 30, ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1:0', ok: 1 }),
  connectionstatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getcmdlineopts: () => ({ argv: ['embedded'], parsed: {}, ok: 1 }),
  getlog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  hostinfo: () => ({ system: { hostname: '127.0.0.1' }, os: {}, extra: {}, ok: 1 }),
  listcollections: listCollections,
  listdatabases: listDatabases,
  create,
  drop,
  dropdatabase: (_c, db, ctx) => {
    ctx.storage.dropDatabase(db);
    return { dropped: db, ok: 1 };
  },
  createindexes: createIndexes,
  listindexes: listIndexes,
  dropindexes: dropIndexes,
  deleteindexes: dropIndexes,
  insert,
  find,
  getmore: getMore,
  killcursors: killCursors,
  update,
  delete: remove,
  findandmodify: findAndModify,
  aggregate,
  count,
  distinct,
  collstats: collStats,
  dbstats: dbStats,
  serverstatus: serverStatus,
  renamecollection: (cmd, _db, ctx) => {
    const [fromDb, ...fromRest] = String(cmd.renameCollection).split('.');
    const [toDb, ...toRest] = String(cmd.to ?? '').split('.');
    if (!fromDb || !toDb || !fromRest.length || !toRest.length)
      throw new CommandError('InvalidNamespace', 'renameCollection and to must be full namespaces (db.collection)');
    ctx.storage.renameCollection(fromDb, fromRest.join('.'), toDb, toRest.join('.'), cmd.dropTarget === true);
    return { ok: 1 };
  },
  killallsessions: ok,
  committransaction: () => {
    throw transactionsRefused();
  },
  aborttransaction: () => {
    throw transactionsRefused();
  },
};

function isNonSimpleCollation(c: unknown): c is { locale: string } {
  return !!c && typeof c === 'object' && (c as { locale?: unknown }).locale !== 'simple';
}

/** Collations change comparisons in ways mingo cannot follow: refused by name rather than ignored. */
function refuseCollation(cmd: Document): void {
  const lists = [cmd.updates, cmd.deletes, cmd.indexes].filter(Array.isArray) as Doc[][];
  const found = [cmd.collation, ...lists.flat().map((x) => x?.collation)].find(isNonSimpleCollation);
  if (found) {
    throw new CommandError(
      'NotImplemented',
      `The embedded MongoDB-compatible server does not support collation (locale '${found.locale}'); use a real MongoDB`,
    );
  }
}

/** The name of a command: its first field. */
export function commandName(cmd: Document): string {
  return Object.keys(cmd)[0] ?? '';
}

/**
 * Runs one command and returns its reply; errors become MongoDB-shaped `ok: 0` replies. Long
 * commands give the event loop back between slices of work, so their reply is a promise.
 */
export async function runCommand(cmd: Document, db: string, ctx: CommandContext): Promise<Document> {
  const name = commandName(cmd);
  try {
    const handler = HANDLERS[name.toLowerCase()];
    if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
    if (TRANSACTION_FIELDS.some((f) => f in cmd) && (cmd.startTransaction !== undefined || cmd.autocommit !== undefined)) {
      throw transactionsRefused();
    }
    refuseCollation(cmd);
    return await handler(cmd, db, ctx);
  } catch (err) {
    return toCommandError(err).toReply();
  }
}
