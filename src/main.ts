import { ConfigError, loadConfig } from './config/index.js';
import { stopOnTermination } from './log/index.js';
import { startRuntime } from './runtime.js';

/** `npm start`: run the server until SIGTERM/SIGINT/SIGHUP (or until npm is gone), then shut down gracefully within the timeout. */
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

  // SIGTERM (a process manager, `docker stop`), Ctrl-C, or the parent `npm` going away.
  stopOnTermination({ logger: runtime.logger, timeoutMs: config.shutdownTimeoutMs, stop: () => runtime.stop() });
}

main().catch((err) => {
  console.error('Start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
