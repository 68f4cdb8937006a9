import type { AnyBulkWriteOperation } from 'mongodb';
import type { Answer, Models, Participant } from '../db/index.js';
import { dayOf } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import { answerDeltas, joinedDeltas, joinedMarkId, markIds, RollupAccumulator, type AnswerFacts, type RollupDelta, zeroCounts } from './reduce.js';

/**
 * Incremental rollups (every counter is `$inc`-ed, zero included, so documents have the same fields
 * as rebuilt ones). Each answer is applied with `$inc` on five small documents, then flagged
 * `rolledUp`. Exactly once, even across crashes:
 * - "first answer of this participant today / in this unit / ever" is decided by a marker document
 *   owned by the answer that created it, so a retried answer makes the same decision;
 * - each rollup update is conditional on the operation id not being in the document's `recent`
 *   list (kept to the last RECENT ids), so a retried `$inc` is a no-op;
 * - only then is the answer flagged; answers left unflagged by a crash are re-applied by `catchUp`.
 */

/** How many recent operation ids each rollup remembers; a retry older than this would count twice. */
export const RECENT = 500;

type AnswerWithId = Pick<Answer, 'participantId' | 'bot' | 'unitId' | 'questionId' | 'day' | 'correct' | 'timeTakenMs'> & {
  _id: unknown;
};
type ParticipantWithId = Pick<Participant, 'bot' | 'unitId' | 'consent'> & { _id: unknown };

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

const isDuplicateKey = (err: unknown): boolean => {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number }>; result?: unknown };
  if (e?.code === 11000) return !e.writeErrors || e.writeErrors.every((w) => w.code === 11000);
  return Array.isArray(e?.writeErrors) && e.writeErrors.length > 0 && e.writeErrors.every((w) => w.code === 11000);
};

export interface RollupUpdater {
  /** Applies one answer to the rollups (idempotent) and flags it rolledUp. */
  applyAnswer(answer: AnswerWithId): Promise<void>;
  /** Counts a participant as joined on the day of their consent (idempotent). */
  applyParticipant(participant: ParticipantWithId): Promise<void>;
  /** Applies answers left with rolledUp=false older than `olderThanMs`; returns how many. */
  catchUp(options?: { olderThanMs?: number; batch?: number }): Promise<number>;
  /** Recomputes every rollup from the raw answers and participants. Run it while the bot is quiet. */
  rebuild(): Promise<{ answers: number; rollups: number }>;
}

export function createRollupUpdater(models: Models, options: { timeZone: string; logger?: Logger }): RollupUpdater {
  const rollups = () => models.Rollup.collection;
  const marks = () => models.RollupMark.collection;

  async function claim(id: string, owner: string): Promise<boolean> {
    const doc = await marks().findOneAndUpdate({ _id: id as never }, { $setOnInsert: { owner } }, { upsert: true, returnDocument: 'after' });
    return doc?.owner === owner;
  }

  async function applyDeltas(deltas: RollupDelta[], opId: string): Promise<void> {
    let ops: AnyBulkWriteOperation[] = deltas.map((d) => ({
      updateOne: {
        filter: { kind: d.kind, bot: d.bot, day: d.day, key: d.key, recent: { $ne: opId } },
        update: { $inc: { ...zeroCounts(), ...d.inc }, $push: { recent: { $each: [opId], $slice: -RECENT } } } as never,
        upsert: true,
      },
    }));
    // A duplicate key has two meanings: the document already lists opId (applied before: done), or
    // another operation created the document at the same moment (retry: the update now matches).
    for (let attempt = 0; attempt < 3 && ops.length > 0; attempt++) {
      try {
        await rollups().bulkWrite(ops, { ordered: false });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const failed = new Set(((err as { writeErrors?: Array<{ index: number }> }).writeErrors ?? []).map((w) => w.index));
        ops = failed.size ? ops.filter((_op, i) => failed.has(i)) : ops;
      }
    }
  }

  async function applyAnswer(answer: AnswerWithId): Promise<void> {
    const a = answerFacts(answer);
    const ids = markIds(a);
    const [firstOfDay, firstInUnit, firstInBot] = await Promise.all([claim(ids.day, a.id), claim(ids.unit, a.id), claim(ids.bot, a.id)]);
    await applyDeltas(answerDeltas(a, { firstOfDay, firstInUnit, firstInBot }), a.id);
    await models.Answer.collection.updateOne({ _id: answer._id as never }, { $set: { rolledUp: true } });
  }

  async function applyParticipant(p: ParticipantWithId): Promise<void> {
    if (!p.consent) return;
    const pid = String(p._id);
    const id = joinedMarkId(p.bot, pid);
    // Marker: {owner, done}. done=false after a crash means "inc may or may not have happened": the
    // conditional $inc (op id j:<pid>) sorts that out.
    const mark = await marks().findOneAndUpdate({ _id: id as never }, { $setOnInsert: { owner: pid, done: false } }, { upsert: true, returnDocument: 'after' });
    if (mark?.done === true) return;
    const day = dayOf(p.consent.at, options.timeZone);
    await applyDeltas(joinedDeltas(p.bot, day, p.unitId ?? null), `j:${pid}`);
    await marks().updateOne({ _id: id as never }, { $set: { done: true } });
  }

  async function catchUp({ olderThanMs = 30_000, batch = 500 } = {}): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    let total = 0;
    for (;;) {
      const left = await models.Answer.collection
        .find({ rolledUp: false, answeredAt: { $lte: cutoff } })
        .sort({ _id: 1 })
        .limit(batch)
        .toArray();
      for (const a of left) await applyAnswer(a as unknown as AnswerWithId);
      total += left.length;
      if (left.length < batch) break;
    }
    if (total > 0) options.logger?.info({ answers: total }, 'stats: applied answers left out of the rollups');
    return total;
  }

  return { applyAnswer, applyParticipant, catchUp, rebuild: () => rebuildRollups(models, options.timeZone) };
}

/** Recomputes every rollup and marker from the raw answers and participants (`stats rebuild`). */
async function rebuildRollups(models: Models, timeZone: string): Promise<{ answers: number; rollups: number }> {
  const rollups = () => models.Rollup.collection;
  const marks = () => models.RollupMark.collection;
  const acc = new RollupAccumulator();
  let answers = 0;
  const cursor = models.Answer.collection
    .find({}, { projection: { participantId: 1, bot: 1, unitId: 1, questionId: 1, day: 1, correct: 1, timeTakenMs: 1, answeredAt: 1 } })
    .sort({ answeredAt: 1, _id: 1 });
  for await (const a of cursor) {
    acc.addAnswer(answerFacts(a as unknown as AnswerWithId));
    answers++;
  }
  for await (const p of models.Participant.collection.find({ consent: { $ne: null } }, { projection: { bot: 1, unitId: 1, consent: 1 } })) {
    const day = dayOf(p.consent.at, timeZone);
    acc.addJoin(p.bot, String(p._id), day, p.unitId ?? null);
  }
  await rollups().deleteMany({});
  await marks().deleteMany({});
  const docs = acc.rollups().map((r) => ({ ...r, recent: [] as string[] }));
  for (let i = 0; i < docs.length; i += 5000) await rollups().insertMany(docs.slice(i, i + 5000), { ordered: false });
  const markDocs = [...acc.marks].map(([id, owner]) => ({ _id: id, owner, ...(id.startsWith('j|') ? { done: true } : {}) }));
  for (let i = 0; i < markDocs.length; i += 5000) await marks().insertMany(markDocs.slice(i, i + 5000) as never[], { ordered: false });
  await models.Answer.collection.updateMany({ rolledUp: false }, { $set: { rolledUp: true } });
  return { answers, rollups: docs.length };
}
