import { participantLeaseKey } from './lease.js';
import type { DrainDeps } from './drain.js';

/** Platforms redeliver for hours, at most a few days; 30 days is far past that. */
const DONE_RETENTION_MS = 30 * 24 * 3600_000;

/** What the sweep asks of the worker: participants with work waiting, and a drain that runs now. */
export interface SweepWorker {
  candidates(filter: Record<string, unknown>, limit: number): Promise<string[]>;
  /** Drains a participant whose lease was just acquired, whether or not the worker runs. */
  drainNow(participant: string): Promise<number>;
}

/**
 * Re-drives entries left pending longer than the lease (a crash, or no worker running): processes
 * them now, in order, under the same leases, and removes done entries past their retention.
 * Returns how many entries were processed.
 */
export async function sweepInbox(deps: DrainDeps, worker: SweepWorker): Promise<number> {
  // Done entries are kept long enough to recognise any platform redelivery, then removed.
  await deps.model.collection.deleteMany({ status: 'done', processedAt: { $lt: new Date(deps.clock().getTime() - DONE_RETENTION_MS) } });
  const stale = new Date(deps.clock().getTime() - deps.leaseMs);
  let total = 0;
  for (const participant of await worker.candidates({ receivedAt: { $lte: stale } }, 500)) {
    if (!(await deps.leases.acquire(participantLeaseKey(participant), deps.leaseMs))) continue;
    total += await worker.drainNow(participant);
  }
  return total;
}
