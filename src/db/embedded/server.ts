import { createServer, type Server, type Socket } from 'node:net';
import type { Document } from 'bson';
import { runCommand, type CommandContext } from './commands/index.js';
import { CursorRegistry } from './cursors.js';
import { CommandError } from './errors.js';
import type { Journal } from './journal.js';
import type { Storage } from './storage.js';
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
    this.ttlMonitor = setInterval(() => {
      this.options.storage.expireDocuments();
      this.options.journal?.commit(false);
    }, options.ttlIntervalMs ?? 60_000);
    this.ttlMonitor.unref();
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
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = framer.push(chunk);
      } catch (err) {
        this.options.onProtocolError?.(err as Error);
        socket.destroy();
        return;
      }
      for (const raw of messages) {
        let reply: Buffer | null;
        try {
          reply = this.handle(decodeMessage(raw), ctx);
        } catch (err) {
          this.options.onProtocolError?.(err as Error);
          socket.destroy();
          return;
        }
        if (reply) socket.write(reply);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private handle(message: Incoming, ctx: CommandContext): Buffer | null {
    const requestId = this.nextRequestId++ & 0x7fffffff;
    if (message.kind === 'query') {
      const raw = message.query;
      const command: Document = '$query' in raw ? (raw.$query as Document) : raw;
      const db = message.collection.endsWith('.$cmd') ? message.collection.slice(0, -5) : 'admin';
      const reply = message.collection.endsWith('.$cmd')
        ? this.run(command, db, ctx)
        : new CommandError('NotImplemented', 'legacy OP_QUERY is only supported for commands').toReply();
      return encodeOpReply(requestId, message.header.requestId, reply);
    }
    if (message.kind === 'msg') {
      const db = typeof message.command.$db === 'string' ? message.command.$db : 'admin';
      const reply = this.run(message.command, db, ctx);
      if (message.flags & FLAG_MORE_TO_COME) return null; // unacknowledged (w: 0): no reply at all
      return encodeMsgReply(requestId, message.header.requestId, reply);
    }
    throw new Error(`unsupported opCode ${message.header.opCode}`);
  }

  private run(command: Document, db: string, ctx: CommandContext): Document {
    const reply = runCommand(command, db, ctx);
    const wc = command.writeConcern as { j?: unknown } | undefined;
    this.options.journal?.commit(wc?.j === true);
    return reply;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    clearInterval(this.ttlMonitor);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
