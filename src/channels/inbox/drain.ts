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
 *
 * Each look reads the head entry and whether one is behind it; when none was, the drain ends after
 * the head without looking again (most participants send one message at a time, and a burst of new
 * members is all such). An entry stored meanwhile is not left behind: the process that stores it
 * tells its worker, which takes the participant again once this drain ends, and every worker's poll
 * finds entries stored by others.
 */
export async function drainParticipant(deps: DrainDeps, participant: string, keepGoing: () => boolean): Promise<number> {
  const coll = deps.model.collection;
  const lease = holdLease(deps.leases, participant, deps.leaseMs);
  let done = 0;
  try {
    while (keepGoing()) {
      const heads = (await coll
        .find({ participant, status: 'pending' }, { sort: { eventAt: 1, receivedAt: 1, _id: 1 }, limit: 2 })
        .toArray()) as unknown as Entry[];
      const entry = heads[0];
      if (!entry) break;
      // In order: a head entry waiting for its retry holds back the ones behind it.
      if (entry.nextAttemptAt.getTime() > deps.clock().getTime()) break;
      await lease.renewIfDue();
      if (!lease.holding()) break;
      await processEntry(deps, entry, lease.holding);
      done++;
      if (heads.length < 2) break;
    }
  } catch (err) {
    if (!(err instanceof LeaseLost)) throw err;
    deps.logger.warn({ participant }, 'inbox lease lost mid-entry; leaving it to the new holder');
  } finally {
    await lease.release();
  }
  return done;
}
