import { ConfigError, loadConfig } from './config/index.js';
import { startRuntime } from './runtime.js';

/** `npm start`: run the server until SIGTERM/SIGINT, then shut down gracefully within the timeout. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const runtime = await startRuntime(config);
  runtime.logger.info({ url: runtime.url, db: runtime.db.mode }, `Server listening on ${runtime.url}`);
  console.log(`Listening on ${runtime.url}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    runtime.logger.info({ signal }, 'shutting down');
    const hard = setTimeout(() => {
      runtime.logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    hard.unref();
    runtime.stop().then(
      () => {
        runtime.logger.flush?.();
        process.exit(0);
      },
      (err) => {
        runtime.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('Start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
