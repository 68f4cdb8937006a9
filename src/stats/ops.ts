import { Types } from 'mongoose';
import type { Models, Participant, RollupOp } from '../db/index.js';
import { dayOf } from '../domain/index.js';
import { answerFacts, applyBatch, noteBots, resumeBatch, type AnswerWithId, type BatchDeps } from './batches.js';
import { foldParts, writeParts } from './parts.js';
import { markLateDays } from './block-state.js';
import { joinedDeltas, joinOpId, RollupAccumulator, type RollupDelta, type RollupDoc } from './reduce.js';

/**
 * The other operations on the rollups, with the same open → applied → done states as a batch of
 * answers (src/stats/batches.ts): a participant joining, and the erasure of a deleted member, whose
 * contribution moves to the anonymous residue that `stats rebuild` adds back.
 */

export type ParticipantWithId = Pick<Participant, 'bot' | 'consent'> & { _id: unknown };
export interface OpDeps extends BatchDeps {
  readonly timeZone: string;
}

const ANSWER_FIELDS = { participantId: 1, bot: 1, unitId: 1, questionId: 1, day: 1, correct: 1, timeTakenMs: 1 } as const;

/** Counts a participant as joined on the day of their consent, once (the operation stays as the record). */
export async function applyJoin(deps: OpDeps, p: ParticipantWithId): Promise<void> {
  if (!p.consent) return;
  const pid = String(p._id);
  const day = dayOf(p.consent.at, deps.timeZone);
  const insert = { kind: 'join', state: 'open', at: deps.clock(), bot: p.bot, day, participantId: pid };
  const filter = { _id: joinOpId(p.bot, pid) as never };
  let op: RollupOp | null;
  try {
    op = (await deps.models.RollupOp.collection.findOneAndUpdate(
      filter,
      { $setOnInsert: insert },
      { upsert: true, returnDocument: 'after' },
    )) as RollupOp | null;
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    op = (await deps.models.RollupOp.collection.findOne(filter)) as RollupOp | null;
  }
  if (op && op.state !== 'done') await resumeJoin(deps, op);
}

export async function resumeJoin(deps: BatchDeps, op: Pick<RollupOp, '_id' | 'state' | 'bot' | 'day'>): Promise<void> {
  const rollups = deps.models.Rollup.collection as never;
  const ops = deps.models.RollupOp.collection;
  if (op.state === 'open') {
    await noteBots(deps, [op.bot!]);
    await markLateDays(deps.models, deps.clock, [{ bot: op.bot!, day: op.day! }]);
    await writeParts(rollups, joinedDeltas(op.bot!, op.day!), op._id);
    await deps.step?.('written', op._id);
    await ops.updateOne({ _id: op._id as never }, { $set: { state: 'applied' } });
    await deps.step?.('applied', op._id);
  }
  await foldParts(rollups, op._id);
  await deps.step?.('folded', op._id);
  await ops.updateOne({ _id: op._id as never }, { $set: { state: 'done' } });
}

/** Everything of this participant counted: free answers applied, their unfinished operations finished. */
export async function flushParticipant(deps: OpDeps, participantId: string, bot: string): Promise<void> {
  const { models } = deps;
  const pid = new Types.ObjectId(participantId);
  const free = await models.Answer.collection.find({ participantId: pid, rolledUp: false }, { projection: { _id: 1 } }).toArray();
  await applyBatch(
    deps,
    free.map((a) => a._id),
  );
  const batches = (await models.Answer.collection.distinct('rollupBatch', { participantId: pid })).filter((b): b is string => typeof b === 'string');
  const unfinished = batches.length ? await models.RollupOp.collection.find({ _id: { $in: batches as never[] } }).toArray() : [];
  for (const op of unfinished as unknown as RollupOp[]) await resumeBatch(deps, op);
  const join = (await models.RollupOp.collection.findOne({ _id: joinOpId(bot, participantId) as never })) as RollupOp | null;
  if (join && join.state !== 'done') await resumeJoin(deps, join);
}

/** A finished rollup document as a delta (to write it as a part). */
export const docDelta = (d: RollupDoc): RollupDelta => ({ kind: d.kind, bot: d.bot, day: d.day, key: d.key, inc: d, ...(d.gaps ? { gaps: d.gaps } : {}) });

/**
 * "Delete my data", the statistics' side: the member's contribution (answers, first answers of each
 * day with their gaps, joining) moves into the anonymous residue, then their answers, markers and
 * joining record are deleted. The rollups themselves do not change: published figures stay.
 */
export async function eraseParticipant(deps: OpDeps, participantId: string, bot: string): Promise<void> {
  const { models } = deps;
  await flushParticipant(deps, participantId, bot);
  const id = `x|${participantId}`;
  const insert = { kind: 'erase', state: 'open', at: deps.clock(), bot, participantId };
  const op = (await models.RollupOp.collection.findOneAndUpdate(
    { _id: id as never },
    { $setOnInsert: insert },
    { upsert: true, returnDocument: 'after' },
  )) as unknown as RollupOp;
  const residue = models.RollupResidue.collection as never;
  if (op.state === 'open') {
    const acc = new RollupAccumulator();
    const pid = new Types.ObjectId(participantId);
    for await (const a of models.Answer.collection.find({ participantId: pid }, { projection: ANSWER_FIELDS }))
      acc.addAnswer(answerFacts(a as unknown as AnswerWithId));
    const join = (await models.RollupOp.collection.findOne({ _id: joinOpId(bot, participantId) as never })) as RollupOp | null;
    if (join?.state === 'done') acc.addJoin(join.bot!, join.day!);
    await writeParts(residue, acc.rollups().map(docDelta), id);
    await deps.step?.('written', id);
    await models.RollupOp.collection.updateOne({ _id: id as never }, { $set: { state: 'applied' } });
    await deps.step?.('applied', id);
  }
  await deleteTraces(models, participantId, bot);
  await foldParts(residue, id);
  await deps.step?.('folded', id);
  await models.RollupOp.collection.deleteOne({ _id: id as never });
}

/** The member's answers, first-answer markers and joining record. */
async function deleteTraces(models: Models, participantId: string, bot: string): Promise<void> {
  await models.Answer.collection.deleteMany({ participantId: new Types.ObjectId(participantId) });
  for (const prefix of [`d|${bot}|${participantId}|`, `e|${bot}|${participantId}|`]) {
    await models.RollupMark.collection.deleteMany({ _id: { $gte: prefix, $lt: `${prefix}\uffff` } as never });
  }
  await models.RollupOp.collection.deleteOne({ _id: joinOpId(bot, participantId) as never });
}
