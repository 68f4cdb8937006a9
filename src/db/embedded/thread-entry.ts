import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedServer } from './index.js';
import type { ThreadEvent, ThreadOptions, ThreadRequest } from './thread.js';

/** Inside the worker thread: runs the embedded server and answers the main thread (thread.ts). */
const port = parentPort!;
const options = workerData as ThreadOptions;
const post = (event: ThreadEvent) => port.postMessage(event);
const STATUS_INTERVAL_MS = 2000;

const forward =
  (level: 'info' | 'warn') =>
  (fields: Record<string, unknown>, msg: string): void =>
    post({ type: 'log', level, fields: JSON.parse(JSON.stringify(fields)) as Record<string, unknown>, msg });

try {
  const server = await startEmbeddedServer({ ...options, logger: { info: forward('info'), warn: forward('warn') } });
  post({ type: 'ready', uri: server.uri, socketPath: server.socketPath, tcp: server.tcp, status: server.status() });
  const timer = setInterval(() => post({ type: 'status', status: server.status() }), STATUS_INTERVAL_MS);
  timer.unref();
  port.on('message', (request: ThreadRequest) => {
    if (request.type === 'compact') {
      void server.compact().then(() => post({ type: 'compacted', id: request.id, status: server.status() }));
    } else if (request.type === 'close') {
      clearInterval(timer);
      void server.close().then(() => {
        post({ type: 'closed' });
        port.close();
      });
    }
  });
} catch (err) {
  const e = err as Error & Record<string, unknown>;
  post({ type: 'failed', error: { name: e.name, message: e.message, path: e.path, pid: e.pid, dir: e.dir } });
}
