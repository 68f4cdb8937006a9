import { drainParticipant, type DrainDeps } from './drain.js';
import { FairQueue, type Waiting } from './fair-queue.js';
import { participantLeaseKey } from './lease.js';
import { sweepInbox } from './sweep.js';

export interface InboxWorkerDeps extends DrainDeps {
  /** Participants worked on at once by this process. */
  readonly concurrency: number;
  /** How often to look for work other processes (or a crash) left; new local events wake the worker at once. */
  readonly pollMs?: number;
}

/** Entries just stored by this process: the worker learns of them without asking the database. */
export interface InboxArrival {
  readonly participant: string;
  readonly receivedAt: Date;
  readonly eventAt: Date;
}

/**
 * The drains this process runs: one per participant, under its lease, each counted under the
 * delivery it was taken from (fair-queue.ts). `running()` is the worker's state; `ended` is told
 * when a drain ends (the worker then fills the slot).
 */
function drainPool(deps: InboxWorkerDeps, queue: FairQueue, running: () => boolean, ended: () => void) {
  /** Participant → the delivery its drain is counted under (null: a sweep's drain, not counted). */
  const active = new Map<string, number | null>();
  const drains = new Set<Promise<unknown>>();
  /** Participants drained by `sweep`, which works even when the worker is not started. */
  const draining = new Set<string>();
  const drain = (participant: string) => drainParticipant(deps, participant, () => running() || draining.has(participant));

  return {
    active,
    /**
     * Takes a participant's lease for this process. Reserved locally before the database is asked:
     * the lease alone cannot tell two drains of this process apart (both are its owner).
     */
    async claim(participant: string, delivery: number | null): Promise<boolean> {
      if (active.has(participant)) return false;
      active.set(participant, delivery);
      try {
        if (await deps.leases.acquire(participantLeaseKey(participant), deps.leaseMs)) return true;
      } catch (err) {
        deps.logger.error({ err, participant }, 'inbox lease could not be taken');
      }
      active.delete(participant);
      return false;
    },
    /** Drains a claimed participant in the background; a failed drain is logged and its entries stay for later. */
    start(w: Waiting): void {
      queue.started(w.delivery);
      const p = drain(w.participant)
        .catch((err: unknown) => {
          deps.logger.error({ err, participant: w.participant }, 'inbox drain failed');
          return 0;
        })
        .finally(() => {
          active.delete(w.participant);
          queue.ended(w.delivery);
          drains.delete(p);
          ended();
        });
      drains.add(p);
    },
    /** Drains a claimed participant now, whether or not the worker runs (the sweep). */
    async drainNow(participant: string): Promise<number> {
      draining.add(participant);
      try {
        return await drain(participant);
      } finally {
        draining.delete(participant);
        active.delete(participant);
        ended();
      }
    },
    /** Participants with entries due, leaving out those this process is already draining. */
    async candidates(filter: Record<string, unknown>, limit: number): Promise<string[]> {
      // Left out in the query too, so one busy participant cannot crowd the others out of the result.
      const busy = active.size ? { participant: { $nin: [...active.keys()] } } : {};
      const docs = await deps.model.collection
        .find({ status: 'pending', nextAttemptAt: { $lte: deps.clock() }, ...busy, ...filter }, { projection: { participant: 1 }, sort: { eventAt: 1 }, limit })
        .toArray();
      return [...new Set(docs.map((d) => String(d.participant)))].filter((p) => !active.has(p));
    },
    /** Waits for the drains in flight; each stops after its current entry once the worker stops. */
    settle: () => Promise.allSettled([...drains]),
  };
}

/** Reads the oldest due entries into the queue (participants being drained here included: they may have more). */
async function pollInto(deps: InboxWorkerDeps, queue: FairQueue): Promise<void> {
  // Enough to keep every slot busy until the next poll.
  const limit = Math.max(100, deps.concurrency * 25);
  const docs = await deps.model.collection
    .find(
      { status: 'pending', nextAttemptAt: { $lte: deps.clock() } },
      { projection: { participant: 1, receivedAt: 1, eventAt: 1 }, sort: { nextAttemptAt: 1 }, limit },
    )
    .toArray();
  for (const d of docs) {
    queue.add({ participant: String(d.participant), delivery: (d.receivedAt as Date).getTime(), eventAt: (d.eventAt as Date).getTime() });
  }
}

/**
 * Fills free slots from the queue, asking the database once when the queue has nothing to start
 * (unless the caller just did); a call during a fill makes it run again.
 */
function slotFiller(deps: InboxWorkerDeps, queue: FairQueue, pool: ReturnType<typeof drainPool>, running: () => boolean) {
  let filling = false;
  let again = false;
  const busy = (participant: string) => pool.active.has(participant);
  return async function fill(justPolled = false): Promise<void> {
    if (!running()) return;
    if (filling) {
      again = true;
      return;
    }
    filling = true;
    let polled = justPolled;
    try {
      do {
        again = false;
        while (running() && pool.active.size < deps.concurrency) {
          let next = queue.take(busy);
          if (!next && !polled) {
            polled = true;
            await pollInto(deps, queue);
            next = queue.take(busy);
          }
          if (!next) break;
          // Held elsewhere: that process is working on it (or crashed; the poll finds it after the lease).
          if (await pool.claim(next.participant, next.delivery)) pool.start(next);
        }
      } while (again && running());
    } catch (err) {
      deps.logger.error({ err }, 'inbox worker could not start work');
    } finally {
      filling = false;
    }
  };
}

/**
 * Processes inbox entries **in order per participant** and concurrently across participants.
 * A participant's entries are worked on only by the process holding that participant's lease in the
 * database (lease.ts), so ordering holds across processes; drain.ts works through one participant's
 * entries, process.ts does one entry, sweep.ts re-drives what a crash left.
 *
 * Which participant gets a free slot is decided by the fair queue (fair-queue.ts): deliveries take
 * turns, so a burst does not starve what arrives after it. The queue learns of this process's new
 * entries as they are stored (`enqueue`) and of everything else (other processes, retries whose
 * time came, entries a crash left) from a poll of the database every `pollMs`, or at once when it
 * runs out of work.
 */
export function createInboxWorker(deps: InboxWorkerDeps) {
  const pollMs = deps.pollMs ?? 500;
  const queue = new FairQueue();
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  const pool = drainPool(
    deps,
    queue,
    () => running,
    () => wake(),
  );
  const fill = slotFiller(deps, queue, pool, () => running);
  /** Fills and polls under way: `stop` waits for them, so none reaches a database that is closing. */
  const inFlight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>): void => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  function wake(): void {
    if (running) track(fill());
  }

  /** Every `pollMs`: a poll (skipped while the queue holds more than enough to keep the slots busy), then a fill. */
  function schedule(): void {
    if (!running) return;
    timer = setTimeout(() => {
      const look = queue.size < 2 * deps.concurrency ? pollInto(deps, queue).then(() => true) : Promise.resolve(false);
      track(
        look
          .catch((err: unknown) => {
            deps.logger.error({ err }, 'inbox worker poll failed');
            return true;
          })
          .then((polled) => fill(polled))
          .finally(schedule),
      );
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
      // A fill may still be taking a lease and start a drain (which then stops at once): first the
      // fills and polls, then every drain.
      while (inFlight.size) await Promise.allSettled([...inFlight]);
      await pool.settle();
    },
    /** Nudges the worker (new events were stored by this process). */
    wake,
    /** Tells the worker which participants this process just stored entries for, then fills free slots. */
    enqueue(arrivals: readonly InboxArrival[]): void {
      for (const a of arrivals) queue.add({ participant: a.participant, delivery: a.receivedAt.getTime(), eventAt: a.eventAt.getTime() });
      wake();
    },
    /** Re-drives entries left pending longer than the lease (Agenda job `inbox-sweeper`). Returns how many were processed. */
    sweep: () => sweepInbox(deps, pool),
  };
}

export type InboxWorker = ReturnType<typeof createInboxWorker>;
