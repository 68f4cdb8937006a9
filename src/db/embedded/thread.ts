import { totalmem } from 'node:os';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { EmbeddedLogger, EmbeddedServer, EmbeddedServerOptions, EmbeddedTcpListener } from './server-types.js';
import { dataFileBytes } from './journal.js';
import { explicitHeapFlagMb, HeapTooSmallError, planHeap, type EmbeddedDbStatus } from './limits.js';
import { DataDirectoryInUseError } from './lock.js';

/**
 * The embedded server in a worker thread of its own, as the product runs it: its heap is sized
 * from the data files before they are loaded (a data directory that outgrew Node's default heap
 * still starts), and its work never holds up the bot's event loop.
 */

export type ThreadOptions = Omit<EmbeddedServerOptions, 'logger'>;

export type ThreadRequest = { type: 'compact'; id: number } | { type: 'close' };

export type ThreadEvent =
  | { type: 'ready'; uri: string; socketPath: string; tcp: EmbeddedTcpListener | null; status: EmbeddedDbStatus }
  | { type: 'status'; status: EmbeddedDbStatus }
  | { type: 'compacted'; id: number; status: EmbeddedDbStatus }
  | { type: 'log'; level: 'info' | 'warn'; fields: Record<string, unknown>; msg: string }
  | { type: 'closed' }
  | { type: 'failed'; error: { name: string; message: string; path?: unknown; pid?: unknown; dir?: unknown } };

export interface ThreadedServerOptions extends ThreadOptions {
  readonly logger?: EmbeddedLogger;
  /** EMBEDDED_DB_HEAP_MB: the database's heap is at least this, whatever the data. */
  readonly heapMb?: number;
  /**
   * A --max-old-space-size given through NODE_OPTIONS (read by src/config); one on the command
   * line is read here. V8 then applies it to every thread, so the heap cannot be sized.
   */
  readonly nodeOptionsHeapMb?: number | null;
  /** The thread died after it started (out of its heap, a crash): the product cannot go on without it. */
  readonly onFailure?: (err: Error) => void;
}

const MiB = 1024 * 1024;
/** Young generation of the thread: larger than V8's default, so loading millions of documents collects less often. */
const YOUNG_GENERATION_MB = 48;

function rebuildError(e: Extract<ThreadEvent, { type: 'failed' }>['error']): Error {
  if (e.name === 'DataDirectoryInUseError') return new DataDirectoryInUseError(String(e.path), Number(e.pid));
  if (e.name === 'HeapTooSmallError') return Object.assign(new Error(e.message), { name: e.name });
  return Object.assign(new Error(e.message), { name: e.name });
}

type Started = Pick<EmbeddedServer, 'uri' | 'socketPath' | 'tcp'>;

/** The main thread's side of the database thread: its state, its last status, what waits on it. */
class ThreadHandle {
  status: EmbeddedDbStatus | null = null;
  state: 'starting' | 'running' | 'closing' | 'closed' = 'starting';
  private nextId = 1;
  private readonly compactions = new Map<number, () => void>();
  private closed: () => void = () => undefined;
  /** Resolves once the server listens; rejects when it could not start. */
  readonly ready: Promise<Started>;

  constructor(
    private readonly worker: Worker,
    private readonly options: ThreadedServerOptions,
  ) {
    this.ready = new Promise<Started>((resolve, reject) => {
      worker.on('message', (event: ThreadEvent) => this.receive(event, resolve, reject));
      worker.on('error', (err) => {
        if (this.state === 'starting') reject(err);
        else if (this.state === 'running') options.onFailure?.(err);
      });
      worker.on('exit', (code) => {
        const was = this.state;
        this.state = 'closed';
        this.closed();
        if (was === 'starting') reject(new Error(`the embedded database thread exited with ${code} before it started`));
        else if (was === 'running') options.onFailure?.(new Error(`the embedded database thread exited with ${code}`));
      });
    });
  }

  private receive(event: ThreadEvent, resolve: (s: Started) => void, reject: (err: Error) => void): void {
    switch (event.type) {
      case 'ready':
        this.state = 'running';
        this.status = event.status;
        resolve({ uri: event.uri, socketPath: event.socketPath, tcp: event.tcp });
        break;
      case 'status':
        this.status = event.status;
        break;
      case 'compacted':
        this.status = event.status;
        this.compactions.get(event.id)?.();
        this.compactions.delete(event.id);
        break;
      case 'log':
        this.options.logger?.[event.level](event.fields, event.msg);
        break;
      case 'closed':
        this.state = 'closed';
        this.closed();
        break;
      case 'failed':
        reject(rebuildError(event.error));
        break;
    }
  }

  compact(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.state !== 'running') return resolve();
      const id = this.nextId++;
      this.compactions.set(id, resolve);
      this.worker.postMessage({ type: 'compact', id } satisfies ThreadRequest);
    });
  }

  async close(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'closing';
    const done = new Promise<void>((resolve) => (this.closed = resolve));
    this.worker.postMessage({ type: 'close' } satisfies ThreadRequest);
    await done;
    for (const resolve of this.compactions.values()) resolve();
    await this.worker.terminate();
  }
}

export async function startEmbeddedServerThread(options: ThreadedServerOptions): Promise<EmbeddedServer> {
  const { logger, heapMb, nodeOptionsHeapMb, onFailure: _onFailure, ...threadOptions } = options;
  const plan = planHeap({
    dataBytes: options.path ? dataFileBytes(options.path) : 0,
    defaultLimitMb: Math.floor(v8.getHeapStatistics().heap_size_limit / MiB),
    configuredMb: heapMb,
    explicitFlagMb: explicitHeapFlagMb(process.execArgv, '') ?? nodeOptionsHeapMb ?? null,
    totalMemoryMb: Math.floor(totalmem() / MiB),
  });
  if (!plan.ok) throw new HeapTooSmallError(options.path ?? '(in memory)', plan.message);
  logger?.info({ heapLimitMb: plan.limitMb, neededMb: plan.needMb }, 'embedded MongoDB: heap sized from the data files');
  const worker = new Worker(new URL('./thread-boot.js', import.meta.url), {
    workerData: threadOptions,
    resourceLimits: { maxOldGenerationSizeMb: plan.limitMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
  const handle = new ThreadHandle(worker, options);
  let started: Started;
  try {
    started = await handle.ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return { ...started, status: () => handle.status!, compact: () => handle.compact(), close: () => handle.close() };
}
