import { Types } from 'mongoose';
import type { Answer, Models, RollupOp } from '../db/index.js';
import { addDays } from '../domain/index.js';
import { foldParts, writeParts } from './parts.js';
import { markLateDays } from './block-state.js';
import {
  answerDeltas,
  dayMarkId,
  firstOfDayDeltas,
  gapKey,
  MAX_GAP,
  mergeDeltas,
  unitDayMarkId,
  type AnswerFacts,
  type FirstScope,
  type RollupDelta,
} from './reduce.js';

/**
 * A batch of answers applied to the rollups as one operation (src/stats/parts.ts):
 *   create the operation (state open, the answer ids it may take)
 *   → take the answers still free (`rolledUp: false` → true, `rollupBatch` = its id)
 *   → plan: counts of its members, first answers of a day (markers) and their gaps
 *   → write parts → state applied → fold → remove the operation.
 * Every step is idempotent and the plan is the same when redone (the members are fixed once taken,
 * markers remember their owner, gaps come from the stored answers), so `resumeBatch` may redo an
 * interrupted batch from its state at any time.
 */

export type AnswerWithId = Pick<Answer, 'participantId' | 'bot' | 'unitId' | 'questionId' | 'day' | 'correct' | 'timeTakenMs'> & { _id: unknown };

/** Named steps, so crash tests can stop an operation between any two of them. */
export type RollupStep = 'created' | 'claimed' | 'marked' | 'written' | 'applied' | 'folded';
export type StepHook = (step: RollupStep, opId: string) => void | Promise<void>;

/** Markers are kept this many days past their day: long enough for any re-driven answer of that day. */
export const MARK_KEEP_DAYS = 3;

export function answerFacts(a: AnswerWithId): AnswerFacts {
  return {
    id: String(a._id),
    participantId: String(a.participantId),
    bot: a.bot,
    unitId: a.unitId ?? null,
    questionId: a.questionId,
    day: a.day,
    correct: a.correct,
    timeTakenMs: a.timeTakenMs ?? null,
  };
}

/** When a marker of this day may go: MARK_KEEP_DAYS after the end of its day. */
export const markExpiry = (day: string): Date => new Date(`${addDays(day, 1 + MARK_KEEP_DAYS)}T00:00:00Z`);

export interface BatchDeps {
  readonly models: Models;
  readonly clock: () => Date;
  readonly step?: StepHook | undefined;
  /** Bots this process has recorded in the `bots` list already. */
  readonly knownBots: Set<string>;
}

/** The id of the document listing every bot with statistics (the dashboard's "all bots"). */
export const BOTS_DOC = 'bots';

/** Adds bots to the list of bots with statistics, once per process and bot. */
export async function noteBots(deps: BatchDeps, bots: Iterable<string>): Promise<void> {
  for (const bot of new Set(bots)) {
    if (deps.knownBots.has(bot)) continue;
    const list = { kind: 'format', state: 'done', at: deps.clock() };
    await deps.models.RollupOp.collection.updateOne({ _id: BOTS_DOC as never }, { $setOnInsert: list, $addToSet: { bots: bot } }, { upsert: true });
    deps.knownBots.add(bot);
  }
}

/** Creates a batch for these answers and applies it; answers another batch took already are left to it. */
export async function applyBatch(deps: BatchDeps, answerIds: readonly unknown[]): Promise<void> {
  if (answerIds.length === 0) return;
  const op: RollupOp = {
    _id: new Types.ObjectId().toHexString(),
    kind: 'batch',
    state: 'open',
    at: deps.clock(),
    answers: answerIds.map((id) => new Types.ObjectId(String(id))),
  };
  await deps.models.RollupOp.collection.insertOne(op as never);
  await deps.step?.('created', op._id);
  await resumeBatch(deps, op);
}

/** Carries an open or applied batch through to the end. */
export async function resumeBatch(deps: BatchDeps, op: Pick<RollupOp, '_id' | 'state' | 'answers'>): Promise<void> {
  const { models } = deps;
  const ops = models.RollupOp.collection;
  const rollups = models.Rollup.collection as never;
  if (op.state === 'open') {
    const ids = op.answers ?? [];
    await models.Answer.collection.updateMany({ _id: { $in: ids }, rolledUp: false }, { $set: { rolledUp: true, rollupBatch: op._id } });
    await deps.step?.('claimed', op._id);
    const members = (await models.Answer.collection
      .find(
        { _id: { $in: ids }, rollupBatch: op._id },
        { projection: { participantId: 1, bot: 1, unitId: 1, questionId: 1, day: 1, correct: 1, timeTakenMs: 1 } },
      )
      .toArray()) as unknown as AnswerWithId[];
    const deltas = await planBatch(deps, members.map(answerFacts), op._id);
    await deps.step?.('marked', op._id);
    await markLateDays(models, deps.clock, deltas);
    await noteBots(
      deps,
      deltas.map((d) => d.bot),
    );
    await writeParts(rollups, deltas, op._id);
    await deps.step?.('written', op._id);
    await ops.updateOne({ _id: op._id as never }, { $set: { state: 'applied' } });
    await deps.step?.('applied', op._id);
  }
  await foldParts(rollups, op._id);
  await deps.step?.('folded', op._id);
  await ops.deleteOne({ _id: op._id as never });
}

/** The rollup parts of a batch: its answers' counts, plus each first answer of a day with its gap. */
export async function planBatch(deps: BatchDeps, facts: readonly AnswerFacts[], opId: string): Promise<RollupDelta[]> {
  const firsts = new Map<string, { scope: FirstScope; participantId: string; day: string }>();
  for (const a of facts) {
    firsts.set(dayMarkId(a.bot, a.participantId, a.day), { scope: { bot: a.bot }, participantId: a.participantId, day: a.day });
    const unitScope = { bot: a.bot, unitId: a.unitId };
    firsts.set(unitDayMarkId(a.bot, a.participantId, a.unitId, a.day), { scope: unitScope, participantId: a.participantId, day: a.day });
  }
  const owners = await claimMarks(
    deps.models,
    [...firsts].map(([id, f]) => ({ id, day: f.day })),
    opId,
  );
  const mine = [...firsts].filter(([id]) => owners.get(id) === opId).map(([, f]) => f);
  const gaps = await Promise.all(mine.map(async (f) => gapKey(f.day, await previousDay(deps.models, f.participantId, f.day, f.scope))));
  return mergeDeltas([...facts.flatMap(answerDeltas), ...mine.flatMap((f, i) => firstOfDayDeltas(f.scope, f.day, gaps[i]!))]);
}

/** Creates the markers that do not exist yet, owned by `owner`; returns every marker's owner. */
async function claimMarks(models: Models, marks: ReadonlyArray<{ id: string; day: string }>, owner: string): Promise<Map<string, string>> {
  if (marks.length === 0) return new Map();
  const coll = models.RollupMark.collection;
  try {
    await coll.insertMany(marks.map((m) => ({ _id: m.id, owner, expiresAt: markExpiry(m.day) })) as never[], { ordered: false });
  } catch (err) {
    const e = err as { code?: number; writeErrors?: Array<{ code?: number }> };
    const codes = e.writeErrors?.map((w) => w.code) ?? [e.code];
    if (!codes.every((c) => c === 11000)) throw err;
  }
  const found = await coll.find({ _id: { $in: marks.map((m) => m.id) as never[] } }, { projection: { owner: 1 } }).toArray();
  return new Map(found.map((d) => [String(d._id), String(d.owner)]));
}

/**
 * The participant's latest answer day before `day` (in the scope's unit, when it has one), from the
 * stored answers: the same whatever order batches are applied in. Only the last MAX_GAP days matter.
 */
async function previousDay(models: Models, participantId: string, day: string, scope: FirstScope): Promise<string | null> {
  const filter: Record<string, unknown> = {
    participantId: new Types.ObjectId(participantId),
    bot: scope.bot,
    day: { $lt: day, $gte: addDays(day, -MAX_GAP) },
  };
  if (scope.unitId !== undefined) filter.unitId = scope.unitId;
  const [prev] = await models.Answer.collection
    .find(filter, { projection: { day: 1 } })
    .sort({ day: -1 })
    .limit(1)
    .toArray();
  return prev ? String(prev.day) : null;
}
