import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import type { ReadinessCheck } from '../domain/index.js';
import type { Logger } from '../log/index.js';

export interface Scheduler {
  readonly agenda: Agenda;
  readonly readiness: ReadinessCheck;
  start(): Promise<void>;
  /** Unlocks jobs this process holds so another process can take them at once. */
  stop(): Promise<void>;
}

/**
 * Agenda on the product's own database (embedded or real). Jobs are defined by the rooms that own
 * them (src/jobs/*) before `start()`. Every job must be safe to run twice: locks can expire.
 */
export function createScheduler(db: Db, logger: Logger, options: { name?: string; processEvery?: number } = {}): Scheduler {
  const agenda = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: 'agendaJobs' }),
    name: options.name ?? `cds-${process.pid}`,
    processEvery: options.processEvery ?? 2000,
    defaultLockLifetime: 5 * 60_000,
    maxConcurrency: 20,
  });
  let running = false;
  agenda.on('error', (err: Error) => logger.error({ err }, 'scheduler error'));
  agenda.on('fail', (err: Error, job: { attrs: { name: string } }) => logger.warn({ err: err.message, job: job.attrs.name }, 'job failed'));
  return {
    agenda,
    readiness: {
      name: 'scheduler',
      async check() {
        return running ? { ok: true, detail: 'agenda running' } : { ok: false, detail: 'agenda not running' };
      },
    },
    async start() {
      await agenda.start();
      running = true;
    },
    async stop() {
      // Never started: still let the backend finish connecting, or closing the database under it
      // surfaces as an unhandled rejection.
      if (!running) return agenda.ready.catch(() => undefined);
      running = false;
      await agenda.stop(false);
    },
  };
}
