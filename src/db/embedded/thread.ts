import { totalmem } from 'node:os';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { EmbeddedLogger, EmbeddedServer, EmbeddedServerOptions } from './index.js';
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
  | { type: 'ready'; uri: string; port: number; status: EmbeddedDbStatus }
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

export async function startEmbeddedServerThread(options: ThreadedServerOptions): Promise<EmbeddedServer> {
  const { logger, heapMb, nodeOptionsHeapMb, onFailure, ...threadOptions } = options;
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
  let status: EmbeddedDbStatus | null = null;
  let state: 'starting' | 'running' | 'closing' | 'closed' = 'starting';
  let nextId = 1;
  const compactions = new Map<number, () => void>();
  let closed: () => void = () => undefined;

  const ready = new Promise<{ uri: string; port: number }>((resolve, reject) => {
    worker.on('message', (event: ThreadEvent) => {
      switch (event.type) {
        case 'ready':
          state = 'running';
          status = event.status;
          resolve({ uri: event.uri, port: event.port });
          break;
        case 'status':
          status = event.status;
          break;
        case 'compacted':
          status = event.status;
          compactions.get(event.id)?.();
          compactions.delete(event.id);
          break;
        case 'log':
          logger?.[event.level](event.fields, event.msg);
          break;
        case 'closed':
          state = 'closed';
          closed();
          break;
        case 'failed':
          reject(rebuildError(event.error));
          break;
      }
    });
    worker.on('error', (err) => {
      if (state === 'starting') reject(err);
      else if (state === 'running') onFailure?.(err);
    });
    worker.on('exit', (code) => {
      const was = state;
      state = 'closed';
      closed();
      if (was === 'starting') reject(new Error(`the embedded database thread exited with ${code} before it started`));
      else if (was === 'running') onFailure?.(new Error(`the embedded database thread exited with ${code}`));
    });
  });
  let started: { uri: string; port: number };
  try {
    started = await ready;
  } catch (err) {
    await worker.terminate();
    throw err;
  }
  return {
    uri: started.uri,
    port: started.port,
    status: () => status!,
    compact: () =>
      new Promise<void>((resolve) => {
        if (state !== 'running') return resolve();
        const id = nextId++;
        compactions.set(id, resolve);
        worker.postMessage({ type: 'compact', id } satisfies ThreadRequest);
      }),
    async close() {
      if (state !== 'running') return;
      state = 'closing';
      const done = new Promise<void>((resolve) => (closed = resolve));
      worker.postMessage({ type: 'close' } satisfies ThreadRequest);
      await done;
      for (const resolve of compactions.values()) resolve();
      await worker.terminate();
    },
  };
}
