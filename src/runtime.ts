import type { Config } from './config/index.js';
import { openDatabase, type Database } from './db/connection.js';
import { createApp, type MountedRouter, type ReadinessCheck } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { listen } from './http/server.js';
import { createI18n } from './i18n/index.js';
import { createScheduler } from './jobs/scheduler.js';
import { createLogger, type Logger } from './log/index.js';

export interface Runtime {
  readonly url: string;
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  /** Graceful: stop accepting, finish requests in flight, stop workers and scheduler, close the database. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  readonly logger?: Logger;
}

/**
 * Wires every room together. Each room contributes routers, readiness checks and things to stop;
 * stopping runs in the reverse order of starting.
 */
export async function startRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config);
  const metrics = createMetrics();
  const routes: MountedRouter[] = [];
  const readiness: ReadinessCheck[] = [];
  const stoppers: Array<{ name: string; stop: () => Promise<void> }> = [];

  const db = await openDatabase(config, logger);
  stoppers.push({ name: 'database', stop: () => db.close() });
  readiness.push(db.readiness);

  try {
    const i18n = await createI18n(config.paths.content);
    void i18n;

    const scheduler = createScheduler(db.connection.db!, logger);
    readiness.push(scheduler.readiness);
    stoppers.push({ name: 'scheduler', stop: () => scheduler.stop() });

    // --- rooms wire in here (content sync, channels + inbox worker, conversation, jobs, admin) ---

    if (config.schedulerEnabled) await scheduler.start();

    const app = createApp({ config, logger, metrics, readiness, routes });
    const server = await listen(app, config.http.host, config.http.port);
    stoppers.push({ name: 'http', stop: () => server.close(config.shutdownTimeoutMs - 1000) });

    return {
      url: server.url,
      config,
      logger,
      db,
      stop: () => stopAll(stoppers, logger),
    };
  } catch (err) {
    await stopAll(stoppers, logger);
    throw err;
  }
}

async function stopAll(stoppers: Array<{ name: string; stop: () => Promise<void> }>, logger: Logger): Promise<void> {
  for (const s of [...stoppers].reverse()) {
    try {
      await s.stop();
    } catch (err) {
      logger.error({ err, part: s.name }, 'error while stopping');
    }
  }
  stoppers.length = 0;
}
