import type { Leases } from '../lease.js';

/** The database lease that makes one process the only one working on a participant's entries. */
export const participantLeaseKey = (participant: string) => `inbox:${participant}`;

export interface HeldLease {
  /** True while the lease is ours with a safety margin: nothing is sent once this turns false. */
  holding(): boolean;
  /** Extends the lease; `holding()` turns false when another process took it. */
  renew(): Promise<void>;
  /**
   * Extends the lease unless it was taken or extended within the last heartbeat interval (a third
   * of its lifetime): before an entry, at least two thirds of the lease are left either way, and a
   * burst of one-entry participants saves a round trip each.
   */
  renewIfDue(): Promise<void>;
  /** Stops the heartbeat and gives the lease up (if still ours). */
  release(): Promise<void>;
}

/**
 * Holds a participant's lease (already acquired) for as long as the work takes: a heartbeat renews
 * it every third of its lifetime, so a long entry does not lose it.
 */
export function holdLease(leases: Leases, participant: string, leaseMs: number): HeldLease {
  const key = participantLeaseKey(participant);
  let held = true;
  let leaseUntil = Date.now() + leaseMs;
  const interval = Math.max(50, Math.floor(leaseMs / 3));
  const renew = async () => {
    const before = Date.now();
    if (await leases.renew(key, leaseMs)) leaseUntil = before + leaseMs;
    else held = false;
  };
  const beat = setInterval(() => void renew().catch(() => undefined), interval);
  beat.unref();
  return {
    holding: () => held && Date.now() < leaseUntil - Math.min(1000, leaseMs / 4),
    renew,
    renewIfDue: () => (leaseUntil - Date.now() > leaseMs - interval ? Promise.resolve() : renew()),
    async release() {
      clearInterval(beat);
      if (held) await leases.release(key).catch(() => undefined);
    },
  };
}
