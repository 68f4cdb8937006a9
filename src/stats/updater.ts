import type { Models, RollupOp } from '../db/index.js';
import { deleteInChunks } from '../db/index.js';
import type { Logger } from '../log/index.js';
import { applyBatch, resumeBatch, type AnswerWithId, type StepHook } from './batches.js';
import { applyJoin, eraseParticipant, resumeJoin, type OpDeps, type ParticipantWithId } from './ops.js';
import { rebuildRollups, ROLLUP_FORMAT } from './rebuild.js';
import { sealBlocks } from './seal.js';
import { dayOf } from '../domain/index.js';

/**
 * Incremental rollups, exactly once across crashes, at a bounded cost per answer. Answers recorded
 * close together are applied as one batch (group commit: each caller waits for its batch), so under
 * load a rollup document is written once per batch, not once per answer. How each operation stays
 * exact: src/stats/parts.ts and src/stats/batches.ts; the figures: docs/statistics.md.
 */

/** Most answers in one batch. */
export const MAX_BATCH = 500;

export interface RollupUpdater {
  /** Applies one answer (with whatever else is waiting); resolves once it is counted. */
  applyAnswer(answer: AnswerWithId): Promise<void>;
  /** Counts a participant as joined on the day of their consent (idempotent). */
  applyParticipant(participant: ParticipantWithId): Promise<void>;
  /** Deletes a member's answers, keeping their contribution as anonymous counts (see docs/statistics.md). */
  eraseParticipant(participantId: string, bot: string): Promise<void>;
  /** Finishes operations older than `olderThanMs` and applies answers left out; returns how many answers it applied. */
  catchUp(options?: { olderThanMs?: number; batch?: number }): Promise<number>;
  /** Recomputes every rollup from the answers, joinings and residue. Run it while the bot is quiet. */
  rebuild(): Promise<{ answers: number; rollups: number }>;
  /** Rebuilds rollups kept in an older format (before the first start of this version); true if it did. */
  ensureFormat(): Promise<boolean>;
  /** Waits for everything queued in this process. */
  idle(): Promise<void>;
}

export interface UpdaterOptions {
  readonly timeZone: string;
  readonly logger?: Logger | undefined;
  readonly clock?: () => Date;
  /** Called after each step of an operation; crash tests throw here to stop an operation midway. */
  readonly step?: StepHook;
}

/** Runs jobs one after another: this process never works on two rollup operations at once. */
function serial() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const run = tail.then(job);
    tail = run.catch(() => undefined);
    return run;
  };
}

type Exclusive = ReturnType<typeof serial>;

/**
 * Group commit: answers recorded while a batch is being applied wait for the next one, which takes
 * them all (up to MAX_BATCH); each caller's promise settles with its own batch.
 */
function groupCommit(exclusive: Exclusive, apply: (ids: unknown[]) => Promise<void>): (id: unknown) => Promise<void> {
  const waiting: Array<{ id: unknown; resolve: () => void; reject: (err: unknown) => void }> = [];
  let scheduled = false;
  async function drain(): Promise<void> {
    scheduled = false;
    const take = waiting.splice(0, MAX_BATCH);
    try {
      await apply(take.map((w) => w.id));
      for (const w of take) w.resolve();
    } catch (err) {
      for (const w of take) w.reject(err);
    }
  }
  return (id) =>
    new Promise((resolve, reject) => {
      waiting.push({ id, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        void exclusive(drain);
      }
    });
}

/** Resumes an operation from its state as stored now (another job may have finished it meanwhile). */
async function resume(deps: OpDeps, id: string): Promise<void> {
  const op = (await deps.models.RollupOp.collection.findOne({ _id: id as never })) as RollupOp | null;
  if (!op || op.state === 'done') return;
  if (op.kind === 'batch') await resumeBatch(deps, op);
  else if (op.kind === 'join') await resumeJoin(deps, op);
  else if (op.kind === 'erase') await eraseParticipant(deps, op.participantId!, op.bot!);
}

/** Finishes operations older than the cutoff, applies answers no batch took, drops markers past their days, seals blocks. */
async function catchUp(deps: OpDeps, exclusive: Exclusive, logger: Logger | undefined, { olderThanMs = 60_000, batch = MAX_BATCH } = {}): Promise<number> {
  const { models } = deps;
  const cutoff = new Date(deps.clock().getTime() - olderThanMs);
  const unfinished = await models.RollupOp.collection.find({ state: { $in: ['open', 'applied'] }, at: { $lte: cutoff } }, { projection: { _id: 1 } }).toArray();
  for (const op of unfinished) await exclusive(() => resume(deps, String(op._id)));
  let total = 0;
  for (;;) {
    const free = await models.Answer.collection
      .find({ rolledUp: false, answeredAt: { $lte: cutoff } }, { projection: { _id: 1 } })
      .limit(batch)
      .toArray();
    await exclusive(() =>
      applyBatch(
        deps,
        free.map((a) => a._id),
      ),
    );
    total += free.length;
    if (free.length < batch) break;
  }
  await deleteInChunks(models.RollupMark.collection as never, { expiresAt: { $lt: deps.clock() } });
  // Week and month blocks whose days are over (and those a late operation touched) are written now.
  await sealBlocks(models, dayOf(deps.clock(), deps.timeZone), exclusive);
  if (total > 0 || unfinished.length > 0) logger?.info({ answers: total, operations: unfinished.length }, 'stats: applied what the rollups had missed');
  return total;
}

/** Rebuilds rollups kept in an older format once; an empty database just gets the format record. */
async function ensureFormat(deps: OpDeps, rebuild: () => Promise<unknown>, logger: Logger | undefined): Promise<boolean> {
  const { models } = deps;
  const format = await models.RollupOp.collection.findOne({ _id: 'format' as never });
  if (format?.version === ROLLUP_FORMAT) return false;
  const [rollups, answers] = await Promise.all([models.Rollup.collection.estimatedDocumentCount(), models.Answer.collection.estimatedDocumentCount()]);
  if (rollups === 0 && answers === 0) {
    const record = { kind: 'format', state: 'done', at: deps.clock(), version: ROLLUP_FORMAT };
    await models.RollupOp.collection.updateOne({ _id: 'format' as never }, { $set: record }, { upsert: true });
    return false;
  }
  logger?.warn({ answers, rollups }, 'stats: the rollups are in an older format; rebuilding them once from the answers');
  await rebuild();
  return true;
}

export function createRollupUpdater(models: Models, options: UpdaterOptions): RollupUpdater {
  const deps: OpDeps = { models, timeZone: options.timeZone, clock: options.clock ?? (() => new Date()), step: options.step, knownBots: new Set() };
  const exclusive = serial();
  const enqueue = groupCommit(exclusive, (ids) => applyBatch(deps, ids));
  const runCatchUp = (o?: { olderThanMs?: number; batch?: number }) => catchUp(deps, exclusive, options.logger, o);
  const rebuild = async () => {
    await runCatchUp({ olderThanMs: 0 });
    return exclusive(() => rebuildRollups(models, options.timeZone, deps.clock));
  };
  return {
    applyAnswer: (answer) => enqueue(answer._id),
    applyParticipant: (p) => exclusive(() => applyJoin(deps, p)),
    eraseParticipant: (participantId, bot) => exclusive(() => eraseParticipant(deps, participantId, bot)),
    catchUp: runCatchUp,
    rebuild,
    ensureFormat: () => ensureFormat(deps, rebuild, options.logger),
    idle: () => exclusive(async () => undefined),
  };
}
