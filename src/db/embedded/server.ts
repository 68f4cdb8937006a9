import { createServer, type Server, type Socket } from 'node:net';
import type { Document } from 'bson';
import { runCommand, type CommandContext } from './commands/index.js';
import { CursorRegistry } from './cursors.js';
import { CommandError } from './errors.js';
import type { Journal } from './journal.js';
import type { Storage } from './storage.js';
import { Yielder } from './yielder.js';
import { FLAG_MORE_TO_COME, MessageFramer, decodeMessage, encodeMsgReply, encodeOpReply, type Incoming } from './wire.js';

export interface WireServerOptions {
  readonly storage: Storage;
  readonly journal: Journal | null;
  /** How often documents past a TTL index's expireAfterSeconds are deleted (MongoDB: 60 s). */
  readonly ttlIntervalMs?: number;
  readonly onProtocolError?: (err: Error) => void;
}

/** The TCP side: one framer per connection, each message answered in order. */
export class WireServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly cursors = new CursorRegistry();
  private readonly startedAt = new Date();
  private nextConnectionId = 1;
  private nextRequestId = 1;
  private readonly sweeper: NodeJS.Timeout;
  private readonly ttlMonitor: NodeJS.Timeout;

  constructor(private readonly options: WireServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
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

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.sockets.add(socket);
    const framer = new MessageFramer();
    const ctx: CommandContext = { storage: this.options.storage, cursors: this.cursors, connectionId: this.nextConnectionId++, startedAt: this.startedAt };
    // A connection's messages are answered one after another, in order; while a long command gives
    // the event loop back, other connections' commands run.
    let answering = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        this.options.onProtocolError?.(err as Error);
        socket.destroy();
        return;
      }
      for (const raw of messages) answering = answering.then(() => this.answer(raw, ctx, socket));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async answer(raw: Buffer, ctx: CommandContext, socket: Socket): Promise<void> {
    if (socket.destroyed) return;
    let reply: Buffer | null;
    try {
      reply = await this.handle(decodeMessage(raw), ctx);
    } catch (err) {
      this.options.onProtocolError?.(err as Error);
      socket.destroy();
      return;
    }
    if (reply && !socket.destroyed) socket.write(reply);
  }

  private async handle(message: Incoming, ctx: CommandContext): Promise<Buffer | null> {
    const requestId = this.nextRequestId++ & 0x7fffffff;
    if (message.kind === 'query') {
      const raw = message.query;
      const command: Document = '$query' in raw ? (raw.$query as Document) : raw;
      const db = message.collection.endsWith('.$cmd') ? message.collection.slice(0, -5) : 'admin';
      const reply = message.collection.endsWith('.$cmd')
        ? await this.run(command, db, ctx)
        : new CommandError('NotImplemented', 'legacy OP_QUERY is only supported for commands').toReply();
      return encodeOpReply(requestId, message.header.requestId, reply);
    }
    if (message.kind === 'msg') {
      const db = typeof message.command.$db === 'string' ? message.command.$db : 'admin';
      const reply = await this.run(message.command, db, ctx);
      if (message.flags & FLAG_MORE_TO_COME) return null; // unacknowledged (w: 0): no reply at all
      return encodeMsgReply(requestId, message.header.requestId, reply);
    }
    throw new Error(`unsupported opCode ${message.header.opCode}`);
  }

  private async run(command: Document, db: string, ctx: CommandContext): Promise<Document> {
    const reply = await runCommand(command, db, ctx);
    const wc = command.writeConcern as { j?: unknown } | undefined;
    // Journalled before the reply; a write that fails (disk full) fails the command's connection.
    await this.options.journal?.commit(wc?.j === true);
    return reply;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.ttlMonitor);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
