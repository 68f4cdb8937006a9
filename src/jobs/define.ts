import type { Agenda, BackoffStrategy, Job } from 'agenda';
import { backoffDelay } from '../domain/index.js';
import { JOB } from './names.js';
import type { Scheduler } from './scheduler.js';

/** What a job handler may do to keep its lock while it works (Agenda locks expire). */
export interface JobContext {
  /** Extends the job's lock; cheap to call often (throttled). */
  touch(): Promise<void>;
}

export interface OutreachJobHandlers {
  dailyQuestion(data: { bot: string }, ctx: JobContext): Promise<void>;
  campaignReminder(data: { key: string } & Record<string, unknown>, ctx: JobContext): Promise<void>;
  broadcast(data: { broadcastId: string }, ctx: JobContext): Promise<void>;
  broadcastBatch(data: { broadcastId: string; batch: number; round: number }, ctx: JobContext): Promise<void>;
  weeklyRecap?(data: { bot: string }, ctx: JobContext): Promise<unknown>;
}

export interface OutreachJobOptions {
  /** Lock lifetime of fan-out jobs: a crashed worker's batch is retaken after this. */
  readonly lockLifetimeMs?: number;
  /** Batch jobs one process runs at once (each has at most one message in flight). */
  readonly batchConcurrency?: number;
}

function contextFor(job: Job<unknown>, lockLifetimeMs: number): JobContext {
  let last = Date.now();
  return {
    async touch() {
      if (Date.now() - last < lockLifetimeMs / 4) return;
      last = Date.now();
      await job.touch();
    },
  };
}

/**
 * Defines the outreach jobs on the scheduler's Agenda. Call before `scheduler.start()`.
 * Handlers must be idempotent: a job whose lock expired runs again elsewhere.
 */
export function defineOutreachJobs(scheduler: Scheduler, handlers: OutreachJobHandlers, options: OutreachJobOptions = {}): void {
  const agenda = scheduler.agenda;
  const lockLifetime = options.lockLifetimeMs ?? 60_000;
  // A job that throws (database hiccup) is retried: 5 s, 10 s, 20 s... ±20 %, eight times. Handlers
  // are idempotent, so a retry finishes what the failed run left.
  const backoff: BackoffStrategy = ({ attempt }) => (attempt > 8 ? null : backoffDelay(attempt, { baseMs: 5000, jitter: 0.2 }));
  agenda.define<{ bot: string }>(JOB.dailyQuestion, (job) => handlers.dailyQuestion(job.attrs.data, contextFor(job, lockLifetime)), { lockLifetime, backoff });
  agenda.define<{ key: string } & Record<string, unknown>>(
    JOB.campaignReminder,
    (job) => handlers.campaignReminder(job.attrs.data, contextFor(job, lockLifetime)),
    { lockLifetime, backoff },
  );
  if (handlers.weeklyRecap) {
    const recap = handlers.weeklyRecap;
    agenda.define<{ bot: string }>(JOB.weeklyRecap, async (job) => void (await recap(job.attrs.data, contextFor(job, lockLifetime))), {
      lockLifetime,
      backoff,
    });
  }
  agenda.define<{ broadcastId: string }>(JOB.broadcast, (job) => handlers.broadcast(job.attrs.data, contextFor(job, lockLifetime)), {
    lockLifetime,
    concurrency: 2,
    backoff,
  });
  agenda.define<{ broadcastId: string; batch: number; round: number }>(
    JOB.broadcastBatch,
    (job) => handlers.broadcastBatch(job.attrs.data, contextFor(job, lockLifetime)),
    { lockLifetime, concurrency: options.batchConcurrency ?? 4, lockLimit: options.batchConcurrency ?? 4, backoff },
  );
}

export interface SystemJobHandlers {
  sweepInbox?: () => Promise<unknown>;
  refreshZaloTokens?: () => Promise<unknown>;
  /** Closes contest attempts whose time limit has passed, then ranks the certificates of finished rounds (every minute). */
  closeContests?: () => Promise<unknown>;
  /** Deletes what is past its retention (every hour; src/db/retention.ts). */
  pruneExpired?: () => Promise<unknown>;
}

/**
 * Housekeeping: re-drive inbox entries left by a crash (every minute), refresh Zalo OA tokens
 * before they expire (every 30 minutes; the channel holds the lock), close timed-out contest attempts,
 * delete what is past its retention (every hour).
 * Each is an Agenda `single` job, so any number of processes define it once.
 */
export async function defineSystemJobs(scheduler: Scheduler, handlers: SystemJobHandlers, timezone: string): Promise<void> {
  const agenda = scheduler.agenda;
  if (handlers.sweepInbox) {
    const sweep = handlers.sweepInbox;
    agenda.define(JOB.inboxSweeper, async () => void (await sweep()), { lockLifetime: 5 * 60_000 });
    await agenda.every('1 minute', JOB.inboxSweeper, undefined, { timezone, skipImmediate: false });
  }
  if (handlers.refreshZaloTokens) {
    const refresh = handlers.refreshZaloTokens;
    agenda.define(JOB.zaloTokenRefresh, async () => void (await refresh()), { lockLifetime: 5 * 60_000 });
    await agenda.every('30 minutes', JOB.zaloTokenRefresh, undefined, { timezone });
  }
  if (handlers.closeContests) {
    const close = handlers.closeContests;
    agenda.define(JOB.contestClose, async () => void (await close()), { lockLifetime: 5 * 60_000 });
    await agenda.every('1 minute', JOB.contestClose, undefined, { timezone });
  }
  if (handlers.pruneExpired) {
    const prune = handlers.pruneExpired;
    agenda.define(JOB.retention, async () => void (await prune()), { lockLifetime: 30 * 60_000 });
    await agenda.every('1 hour', JOB.retention, undefined, { timezone });
  }
}

/**
 * Creates a one-off job once: the `key` fields identify it, and a second call with the same key
 * (a job run twice, a re-sync) leaves the existing job alone.
 */
export async function scheduleOnce<D extends Record<string, unknown>>(agenda: Agenda, name: string, data: D, key: Partial<D>, when: Date): Promise<void> {
  const unique = Object.fromEntries(Object.entries(key).map(([k, v]) => [`data.${k}`, v]));
  await agenda.create(name, data).schedule(when).unique(unique, { insertOnly: true }).save();
}

/**
 * A repeating job per key (e.g. the daily question per bot) on a cron in `timezone`. If one exists
 * with the same cron it is kept; a changed cron replaces it.
 */
export async function scheduleRepeating<D extends Record<string, unknown>>(
  agenda: Agenda,
  name: string,
  data: D,
  key: Partial<D>,
  cron: string,
  timezone: string,
): Promise<void> {
  const existing = await agenda.queryJobs({ name, data: key });
  const same = existing.jobs.find((j) => j.repeatInterval === cron && j.repeatTimezone === timezone);
  if (same && existing.jobs.length === 1) return;
  await agenda.cancel({ name, data: key });
  const unique = Object.fromEntries(Object.entries(key).map(([k, v]) => [`data.${k}`, v]));
  await agenda.create(name, data).repeatEvery(cron, { timezone, skipImmediate: true }).unique(unique, { insertOnly: true }).save();
}
