import type { DrainDeps } from './drain.js';

/** What the sweep asks of the worker: participants with work waiting, and a drain that runs now. */
export interface SweepWorker {
  candidates(filter: Record<string, unknown>, limit: number): Promise<string[]>;
  /** Takes the participant's lease unless this process already works on it (then false). */
  claim(participant: string, delivery: null): Promise<boolean>;
  /** Drains a claimed participant now, whether or not the worker runs. */
  drainNow(participant: string): Promise<number>;
}

/**
 * Re-drives entries left pending longer than the lease (a crash, or no worker running): processes
 * them now, in order, under the same leases. Returns how many entries were processed. (Processed
 * entries are deleted after RETENTION_INBOX_DAYS by the `retention` job, src/db/retention.ts.)
 */
export async function sweepInbox(deps: DrainDeps, worker: SweepWorker): Promise<number> {
  const stale = new Date(deps.clock().getTime() - deps.leaseMs);
  let total = 0;
  for (const participant of await worker.candidates({ receivedAt: { $lte: stale } }, 500)) {
    if (!(await worker.claim(participant, null))) continue;
    total += await worker.drainNow(participant);
  }
  return total;
}
