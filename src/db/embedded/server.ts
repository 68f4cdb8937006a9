import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { Binary, type Document } from 'bson';
import { commandName, runCommand, type CommandContext } from './commands/index.js';
import { withinParseLimit } from './commands/context.js';
import { CursorRegistry, MAX_INTERNAL_OBJECT_SIZE } from './cursors.js';
import { CommandError } from './errors.js';
import { PRIVATE_FILE_MODE } from './files.js';
import type { Journal } from './journal.js';
import { SCRAM_MECHANISM, ScramConversation, ScramError, type ScramCredential } from './scram.js';
import type { Storage } from './storage.js';
import { Yielder } from './yielder.js';
import { FLAG_MORE_TO_COME, MessageFramer, decodeMessage, encodeMsgReply, encodeOpReply, type Incoming } from './wire.js';

export interface WireServerOptions {
  readonly storage: Storage;
  readonly journal: Journal | null;
  /** The one user TCP clients authenticate as (SCRAM-SHA-256); without it TCP clients cannot log in. */
  readonly credential?: ScramCredential;
  /** How often documents past a TTL index's expireAfterSeconds are deleted (MongoDB: 60 s). */
  readonly ttlIntervalMs?: number;
  readonly onProtocolError?: (err: Error) => void;
  readonly onAuthenticationFailure?: (remote: string, reason: string) => void;
}

/** What a client may run before it has authenticated (MongoDB's commands without `requiresAuth`). */
const WITHOUT_AUTHENTICATION = new Set(['hello', 'ismaster', 'ping', 'buildinfo', 'saslstart', 'saslcontinue']);

/** One client connection's authentication state. */
interface Session {
  readonly ctx: CommandContext;
  /** Unix-socket clients are the data directory's owner (the socket is 0600 in a 0700 directory). */
  authenticated: boolean;
  readonly remote: string;
  sasl?: { id: number; conversation: ScramConversation; skipEmptyExchange: boolean; finished: boolean; base64: boolean };
}

/**
 * The listening side: a Unix socket for the owner of the data directory (trusted, like a file it
 * owns) and, optionally, TCP where every client must authenticate first. One framer per
 * connection; each message is answered in order.
 */
export class WireServer {
  private readonly servers: Server[] = [];
  private readonly socketFiles: string[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly cursors = new CursorRegistry();
  private readonly startedAt = new Date();
  private nextConnectionId = 1;
  private nextRequestId = 1;
  private nextConversationId = 1;
  private readonly sweeper: NodeJS.Timeout;
  private readonly ttlMonitor: NodeJS.Timeout;

  constructor(private readonly options: WireServerOptions) {
    this.sweeper = setInterval(() => this.cursors.sweep(), 60_000);
    this.sweeper.unref();
    this.ttlMonitor = setInterval(() => void this.expire().catch((err: Error) => this.options.onProtocolError?.(err)), options.ttlIntervalMs ?? 60_000);
    this.ttlMonitor.unref();
  }

  private expiring = false;

  /** One TTL pass at a time; it gives the event loop back between slices like any long command. */
  private async expire(): Promise<void> {
    if (this.expiring) return;
    this.expiring = true;
    try {
      await this.options.storage.expireDocuments(Date.now(), new Yielder());
      await this.options.journal?.commit(false);
    } finally {
      this.expiring = false;
    }
  }

  /** Listens on TCP; clients must authenticate (SCRAM-SHA-256) before anything but hello and ping. */
  listenTcp(host: string, port: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket, false, `${socket.remoteAddress}:${socket.remotePort}`));
    return this.start(server, (done) => server.listen(port, host, done)).then(() => {
      const addr = server.address();
      return typeof addr === 'object' && addr ? addr.port : port;
    });
  }

  /**
   * Listens on a Unix domain socket, made 0600: only its owner can connect, so its clients need no
   * password. The caller puts it in a directory only the owner can enter, and holds the data
   * directory's lock, so a socket file left by a crashed process can be replaced.
   */
  async listenSocket(path: string): Promise<void> {
    rmSync(path, { force: true });
    const server = createServer((socket) => this.accept(socket, true, 'unix socket'));
    await this.start(server, (done) => server.listen({ path, readableAll: false, writableAll: false }, done));
    this.socketFiles.push(path);
    chmodSync(path, PRIVATE_FILE_MODE);
  }

  private start(server: Server, listen: (done: () => void) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      listen(() => {
        server.off('error', reject);
        this.servers.push(server);
        resolve();
      });
    });
  }

  private accept(socket: Socket, trusted: boolean, remote: string): void {
    if (!trusted) socket.setNoDelay(true);
    this.sockets.add(socket);
    const framer = new MessageFramer();
    const session: Session = {
      ctx: { storage: this.options.storage, cursors: this.cursors, connectionId: this.nextConnectionId++, startedAt: this.startedAt },
      authenticated: trusted,
      remote,
    };
    // A connection's messages are answered one after another, in order; while a long command gives
    // the event loop back, other connections' commands run.
    let answering = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        // As mongod: an impossible message length ends the connection without a reply.
        this.options.onProtocolError?.(err as Error);
        socket.destroy();
        return;
      }
      for (const raw of messages) answering = answering.then(() => this.answer(raw, session, socket));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async answer(raw: Buffer, session: Session, socket: Socket): Promise<void> {
    if (socket.destroyed) return;
    let reply: Buffer | null;
    try {
      reply = await this.handle(decodeMessage(raw), session);
    } catch (err) {
      this.options.onProtocolError?.(err as Error);
      socket.destroy();
      return;
    }
    if (reply && !socket.destroyed) socket.write(reply);
  }

  private async handle(message: Incoming, session: Session): Promise<Buffer | null> {
    const requestId = this.nextRequestId++ & 0x7fffffff;
    if (message.kind === 'query') {
      const raw = message.query;
      const command: Document = '$query' in raw ? (raw.$query as Document) : raw;
      const db = message.collection.endsWith('.$cmd') ? message.collection.slice(0, -5) : 'admin';
      const reply = message.collection.endsWith('.$cmd')
        ? await this.run(command, db, session)
        : new CommandError('NotImplemented', 'legacy OP_QUERY is only supported for commands').toReply();
      return encodeOpReply(requestId, message.header.requestId, reply);
    }
    if (message.kind === 'msg') {
      if (message.header.length <= MAX_INTERNAL_OBJECT_SIZE) withinParseLimit.add(message.command);
      const db = typeof message.command.$db === 'string' ? message.command.$db : 'admin';
      const reply = await this.run(message.command, db, session);
      if (message.flags & FLAG_MORE_TO_COME) return null; // unacknowledged (w: 0): no reply at all
      return encodeMsgReply(requestId, message.header.requestId, reply);
    }
    throw new Error(`unsupported opCode ${message.header.opCode}`);
  }

  private async run(command: Document, db: string, session: Session): Promise<Document> {
    const name = commandName(command).toLowerCase();
    if (name === 'saslstart') return this.saslStart(command, session);
    if (name === 'saslcontinue') return this.saslContinue(command, session);
    if (!session.authenticated && !WITHOUT_AUTHENTICATION.has(name)) {
      return new CommandError('Unauthorized', `Command ${commandName(command)} requires authentication`).toReply();
    }
    const reply = await runCommand(command, db, session.ctx);
    if (name === 'hello' || name === 'ismaster') this.negotiateAuthentication(command, reply, session);
    const wc = command.writeConcern as { j?: unknown } | undefined;
    // Journalled before the reply; a write that fails (disk full) fails the command's connection.
    await this.options.journal?.commit(wc?.j === true);
    return reply;
  }

  /**
   * The handshake's part of authentication: the mechanisms of the user named in
   * `saslSupportedMechs`, and the first SCRAM step when the client sends it speculatively.
   * https://github.com/mongodb/specifications/blob/master/source/auth/auth.md#authentication-handshake
   */
  private negotiateAuthentication(command: Document, reply: Document, session: Session): void {
    const credential = this.options.credential;
    if (typeof command.saslSupportedMechs === 'string' && credential && command.saslSupportedMechs.split('.').slice(1).join('.') === credential.username) {
      reply.saslSupportedMechs = [SCRAM_MECHANISM];
    }
    const speculative = command.speculativeAuthenticate as Document | undefined;
    if (speculative && typeof speculative === 'object' && speculative.mechanism === SCRAM_MECHANISM) {
      const started = this.saslStart(speculative, session);
      // A failed speculative start is left out of the reply; the client then runs saslStart itself.
      if (started.ok === 1) reply.speculativeAuthenticate = started;
    }
  }

  private saslStart(command: Document, session: Session): Document {
    if (command.mechanism !== SCRAM_MECHANISM) {
      return new CommandError('MechanismUnavailable', `Received authentication for mechanism ${String(command.mechanism)} which is not enabled`).toReply();
    }
    const credential = this.options.credential;
    const conversation = new ScramConversation((user) => (credential && user === credential.username ? credential : undefined));
    const options = command.options as { skipEmptyExchange?: unknown } | undefined;
    const base64 = typeof command.payload === 'string';
    const sasl = { id: this.nextConversationId++, conversation, skipEmptyExchange: options?.skipEmptyExchange === true, finished: false, base64 };
    session.sasl = sasl;
    try {
      const serverFirst = conversation.start(payloadText(command.payload));
      return { conversationId: sasl.id, done: false, payload: encodePayload(serverFirst, base64), ok: 1 };
    } catch (err) {
      return this.authenticationFailed(session, err);
    }
  }

  private saslContinue(command: Document, session: Session): Document {
    const sasl = session.sasl;
    if (!sasl || Number(command.conversationId) !== sasl.id) {
      return this.authenticationFailed(session, new ScramError('no such conversation'));
    }
    if (sasl.finished) {
      // The empty last exchange of clients that did not ask to skip it.
      session.sasl = undefined;
      return { conversationId: sasl.id, done: true, payload: encodePayload('', sasl.base64), ok: 1 };
    }
    try {
      const { serverFinal } = sasl.conversation.finish(payloadText(command.payload));
      session.authenticated = true;
      sasl.finished = true;
      if (sasl.skipEmptyExchange) session.sasl = undefined;
      return { conversationId: sasl.id, done: sasl.skipEmptyExchange, payload: encodePayload(serverFinal, sasl.base64), ok: 1 };
    } catch (err) {
      return this.authenticationFailed(session, err);
    }
  }

  private authenticationFailed(session: Session, err: unknown): Document {
    session.sasl = undefined;
    this.options.onAuthenticationFailure?.(session.remote, err instanceof Error ? err.message : String(err));
    return new CommandError('AuthenticationFailed', 'Authentication failed.').toReply();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.ttlMonitor);
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    for (const file of this.socketFiles) rmSync(file, { force: true });
  }
}

/** A SASL payload arrives as BinData, or as base64 text from older clients. */
function payloadText(payload: unknown): string {
  if (typeof payload === 'string') return Buffer.from(payload, 'base64').toString('utf8');
  if (payload instanceof Binary) return Buffer.from(payload.buffer.subarray(0, payload.position)).toString('utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString('utf8');
  throw new ScramError('missing SASL payload');
}

/** Answers in the form the client used. */
function encodePayload(text: string, base64: boolean): Binary | string {
  const bytes = Buffer.from(text, 'utf8');
  return base64 ? bytes.toString('base64') : new Binary(bytes);
}
