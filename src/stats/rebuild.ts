import type { Models, RollupOp } from '../db/index.js';
import { addDays, dayOf } from '../domain/index.js';
import { answerFacts, BOTS_DOC, MARK_KEEP_DAYS, markExpiry, type AnswerWithId } from './batches.js';
import { storedRollup, withParts } from './parts.js';
import { BLOCKS_DOC } from './block-state.js';
import { packBlocks } from './blocks.js';
import { allBlocks } from './seal.js';
import { joinOpId, parseRollupId, RollupAccumulator, type RollupDoc } from './reduce.js';

/** The rollups' format: 2 = parts instead of `recent` lists, gaps for distinct participants over a range. */
export const ROLLUP_FORMAT = 2;
const CHUNK = 5000;

async function insertChunks(coll: { insertMany(docs: never[], o: { ordered: boolean }): Promise<unknown> }, docs: readonly unknown[]): Promise<void> {
  for (let i = 0; i < docs.length; i += CHUNK) await coll.insertMany(docs.slice(i, i + CHUNK) as never[], { ordered: false });
}

/**
 * Recomputes every rollup from the stored answers, the joinings (their records, or the consent of
 * participants without one) and the residue of deleted members. Reads in any order (no sort), so
 * its cost is one pass over the answers. Finish unfinished operations first (the updater's
 * `rebuild` does); run it while the bot is quiet: answers recorded meanwhile may be missed.
 */
export async function rebuildRollups(models: Models, timeZone: string, clock: () => Date = () => new Date()): Promise<{ answers: number; rollups: number }> {
  const acc = new RollupAccumulator();
  let answers = 0;
  const fields = { participantId: 1, bot: 1, unitId: 1, questionId: 1, day: 1, correct: 1, timeTakenMs: 1 };
  for await (const a of models.Answer.collection.find({}, { projection: fields })) {
    acc.addAnswer(answerFacts(a as unknown as AnswerWithId));
    answers++;
  }
  const joined = new Set<string>();
  for await (const op of models.RollupOp.collection.find({ kind: 'join' })) {
    acc.addJoin(String(op.bot), String(op.day));
    joined.add(String(op._id));
  }
  const newJoins: RollupOp[] = [];
  const now = clock();
  for await (const p of models.Participant.collection.find({ consent: { $ne: null } }, { projection: { bot: 1, consent: 1 } })) {
    const id = joinOpId(String(p.bot), String(p._id));
    if (joined.has(id)) continue;
    const day = dayOf(p.consent.at as Date, timeZone);
    acc.addJoin(String(p.bot), day);
    newJoins.push({ _id: id, kind: 'join', state: 'done', at: now, bot: String(p.bot), day, participantId: String(p._id) });
  }
  for await (const r of models.RollupResidue.collection.find({})) acc.addDocument(withParts(r) as RollupDoc);

  const days = acc.rollups();
  // The week and month blocks whose days are over, as the catch-up would have sealed them.
  const { blocks, through } = allBlocks(days, dayOf(now, timeZone));
  const docs = [...days.map(storedRollup), ...packBlocks(blocks)];
  await models.Rollup.collection.deleteMany({});
  await insertChunks(models.Rollup.collection as never, docs);
  await rewriteMarks(models, acc, timeZone, now);
  // Whatever unfinished operations were doing is inside what was just computed.
  await models.RollupOp.collection.deleteMany({ kind: 'batch' });
  await models.RollupOp.collection.updateMany({ kind: 'join' }, { $set: { state: 'done' } });
  await insertChunks(models.RollupOp.collection as never, newJoins);
  await models.Answer.collection.updateMany({ rolledUp: false }, { $set: { rolledUp: true } });
  const bots = [...new Set(docs.map((d) => parseRollupId(String(d._id)).bot))];
  await models.RollupOp.collection.updateOne({ _id: BOTS_DOC as never }, { $set: { kind: 'format', state: 'done', at: now, bots } }, { upsert: true });
  await models.RollupOp.collection.updateOne(
    { _id: BLOCKS_DOC as never },
    { $set: { kind: 'format', state: 'done', at: now, through, dirty: [] } },
    { upsert: true },
  );
  await models.RollupOp.collection.updateOne(
    { _id: 'format' as never },
    { $set: { kind: 'format', state: 'done', at: now, version: ROLLUP_FORMAT } },
    { upsert: true },
  );
  return { answers, rollups: docs.length };
}

/** The markers of the last days, so an answer arriving after the rebuild is not counted as a first one again. */
async function rewriteMarks(models: Models, acc: RollupAccumulator, timeZone: string, now: Date): Promise<void> {
  const since = addDays(dayOf(now, timeZone), -MARK_KEEP_DAYS);
  const marks = [...acc.marks(since)].map((id) => {
    const day = id.slice(id.lastIndexOf('|') + 1);
    return { _id: id, owner: 'rebuild', expiresAt: markExpiry(day) };
  });
  await models.RollupMark.collection.deleteMany({});
  await insertChunks(models.RollupMark.collection as never, marks);
}
