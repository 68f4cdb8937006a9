import type { Logger } from 'pino';

export interface TerminationOptions {
  readonly logger: Logger;
  /** The longest a graceful stop may take before the process exits anyway (SHUTDOWN_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** Stops everything gracefully (servers, workers, the database). */
  readonly stop: () => Promise<void>;
  /** How often to check that the parent process is still there; 0 turns the check off. */
  readonly parentCheckMs?: number;
}

/** Signals that end a long-running process: a process manager's SIGTERM, Ctrl-C, a closed terminal. */
const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/**
 * Ends a long-running process (`npm start`, `db serve`) cleanly: on SIGTERM, SIGINT or SIGHUP, or
 * when the process that started it goes away, `stop` runs once and the process exits with 0, or
 * with 1 when stopping fails or takes longer than `timeoutMs`.
 *
 * Why the parent check: a wrapper that dies without passing the signal on (a shell without `exec`,
 * an npm killed with SIGKILL) would leave this process running, re-parented, still holding the
 * data directory's lock. Node has no PR_SET_PDEATHSIG; polling `process.ppid` notices the change.
 * A process started directly by init, systemd or a container runtime keeps its parent for life.
 */
export function stopOnTermination(options: TerminationOptions): void {
  const { logger } = options;
  let stopping = false;
  const parent = process.ppid;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(watch);
    logger.info({ reason }, 'shutting down');
    const hard = setTimeout(() => {
      logger.error({ timeoutMs: options.timeoutMs }, 'shutdown took too long, exiting');
      logger.flush?.();
      process.exit(1);
    }, options.timeoutMs);
    hard.unref();
    options.stop().then(
      () => {
        logger.flush?.();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        logger.flush?.();
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, () => shutdown(signal));
  const every = options.parentCheckMs ?? 1000;
  const watch =
    every > 0
      ? setInterval(() => {
          if (process.ppid !== parent) shutdown(`parent process ${parent} exited`);
        }, every)
      : undefined;
  watch?.unref();
}
