import { drainParticipant, type DrainDeps } from './drain.js';
import { participantLeaseKey } from './lease.js';
import { sweepInbox } from './sweep.js';

export interface InboxWorkerDeps extends DrainDeps {
  /** Participants worked on at once by this process. */
  readonly concurrency: number;
  /** How often to look for work other processes (or a crash) left; new local events wake the worker at once. */
  readonly pollMs?: number;
}

/**
 * The participants this process is working on: a drain each, under its lease. `running()` is the
 * worker's state; `drained` is told when a drain ends (the worker then looks for more).
 */
function drainPool(deps: InboxWorkerDeps, running: () => boolean, drained: () => void) {
  const active = new Set<string>();
  const drains = new Set<Promise<unknown>>();
  /** Participants drained by `sweep`, which works even when the worker is not started. */
  const draining = new Set<string>();
  const drain = (participant: string) => drainParticipant(deps, participant, () => running() || draining.has(participant));

  return {
    active,
    /** Drains a participant in the background; a failed drain is logged and its entries stay for later. */
    start(participant: string): void {
      active.add(participant);
      const p = drain(participant)
        .catch((err: unknown) => {
          deps.logger.error({ err, participant }, 'inbox drain failed');
          return 0;
        })
        .finally(() => {
          active.delete(participant);
          drains.delete(p);
          drained();
        });
      drains.add(p);
    },
    async drainNow(participant: string): Promise<number> {
      draining.add(participant);
      active.add(participant);
      try {
        return await drain(participant);
      } finally {
        draining.delete(participant);
        active.delete(participant);
      }
    },
    /** Participants with entries due, leaving out those this process is already draining. */
    async candidates(filter: Record<string, unknown>, limit: number): Promise<string[]> {
      // Left out in the query too, so one busy participant cannot crowd the others out of the result.
      const busy = active.size ? { participant: { $nin: [...active] } } : {};
      const docs = await deps.model.collection
        .find({ status: 'pending', nextAttemptAt: { $lte: deps.clock() }, ...busy, ...filter }, { projection: { participant: 1 }, sort: { eventAt: 1 }, limit })
        .toArray();
      return [...new Set(docs.map((d) => String(d.participant)))].filter((p) => !active.has(p));
    },
    /** Waits for the drains in flight; each stops after its current entry once the worker stops. */
    settle: () => Promise.allSettled([...drains]),
  };
}

/**
 * Processes inbox entries **in order per participant** and concurrently across participants.
 * A participant's entries are worked on only by the process holding that participant's lease in the
 * database (lease.ts), so ordering holds across processes; drain.ts works through one participant's
 * entries, process.ts does one entry, sweep.ts re-drives what a crash left.
 */
export function createInboxWorker(deps: InboxWorkerDeps) {
  const pollMs = deps.pollMs ?? 500;
  let running = false;
  let ticking = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const pool = drainPool(
    deps,
    () => running,
    () => wake(),
  );

  /** Takes the leases of participants with work, up to `concurrency` at once; a wake during a tick runs it again. */
  async function tick(): Promise<void> {
    if (!running) return;
    if (ticking) {
      again = true;
      return;
    }
    ticking = true;
    try {
      do {
        again = false;
        const slots = deps.concurrency - pool.active.size;
        if (slots <= 0) break;
        for (const participant of await pool.candidates({}, Math.max(50, slots * 4))) {
          if (pool.active.size >= deps.concurrency || !running) break;
          if (await deps.leases.acquire(participantLeaseKey(participant), deps.leaseMs)) pool.start(participant);
        }
      } while (again && running);
    } catch (err) {
      deps.logger.error({ err }, 'inbox worker tick failed');
    } finally {
      ticking = false;
    }
  }

  function wake(): void {
    if (running) void tick();
  }

  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, pollMs);
    timer.unref();
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      wake();
      schedule();
    },
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      await pool.settle();
    },
    /** Nudges the worker after new events were stored by this process. */
    wake,
    /** Re-drives entries left pending longer than the lease (Agenda job `inbox-sweeper`). Returns how many were processed. */
    sweep: () => sweepInbox(deps, pool),
  };
}

export type InboxWorker = ReturnType<typeof createInboxWorker>;
