import type { Leases } from '../lease.js';
import { holdLease } from './lease.js';
import { LeaseLost, processEntry, type Entry, type EntryDeps } from './process.js';

export interface DrainDeps extends EntryDeps {
  readonly leases: Leases;
  readonly leaseMs: number;
}

/**
 * Works through one participant's pending entries in order, holding its lease (acquired by the
 * caller, renewed by a heartbeat while an entry takes long), while `keepGoing()` says so. Returns
 * how many entries were processed.
 */
export async function drainParticipant(deps: DrainDeps, participant: string, keepGoing: () => boolean): Promise<number> {
  const coll = deps.model.collection;
  const lease = holdLease(deps.leases, participant, deps.leaseMs);
  let done = 0;
  try {
    while (keepGoing()) {
      const entry = (await coll.findOne({ participant, status: 'pending' }, { sort: { eventAt: 1, receivedAt: 1, _id: 1 } })) as Entry | null;
      if (!entry) break;
      // In order: a head entry waiting for its retry holds back the ones behind it.
      if (entry.nextAttemptAt.getTime() > deps.clock().getTime()) break;
      await lease.renew();
      if (!lease.holding()) break;
      await processEntry(deps, entry, lease.holding);
      done++;
    }
  } catch (err) {
    if (!(err instanceof LeaseLost)) throw err;
    deps.logger.warn({ participant }, 'inbox lease lost mid-entry; leaving it to the new holder');
  } finally {
    await lease.release();
  }
  return done;
}
