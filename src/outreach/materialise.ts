import { Types } from 'mongoose';
import type { JobContext } from '../jobs/index.js';
import { answeredToday, participantFilter, recapAudience } from './audience.js';
import { enqueueBatch, maybeFinish } from './batch-report.js';
import type { BroadcastLean, FanoutDeps, ParticipantLean } from './fanout-deps.js';

/**
 * The `broadcast` job: materialise deliveries page by page from a cursor stored on the broadcast
 * and start a batch job per page. Running it twice re-inserts nothing (unique broadcast +
 * participant) and re-creates no job (unique batch key).
 */
export async function materialise(deps: FanoutDeps, broadcastId: string, ctx: JobContext): Promise<void> {
  const { models, clock, options } = deps;
  const now = clock();
  const started = await models.Broadcast.findOneAndUpdate(
    { _id: broadcastId, status: { $in: ['scheduled', 'sending'] }, sendAt: { $lte: new Date(now.getTime() + 1000) } },
    { $set: { status: 'sending' } },
    { returnDocument: 'after' },
  ).lean<BroadcastLean>();
  if (!started) return;
  if (!started.startedAt) await models.Broadcast.updateOne({ _id: broadcastId, startedAt: null }, { $set: { startedAt: now } });
  if (started.cursor.complete) return maybeFinish(deps, broadcastId);
  const filter = participantFilter(started.audience, now, await answeredToday(deps, started.audience));
  if (started.kind === 'recap' && started.recap) Object.assign(filter, await recapAudience(deps, started.recap));
  if (started.cursor.lastParticipantId) {
    filter._id = { ...(filter._id as object | undefined), $gt: new Types.ObjectId(started.cursor.lastParticipantId) };
  }
  // One query streamed in pages (resumable from the stored cursor), not one query per page.
  const stream = models.Participant.collection.find(filter, {
    sort: { _id: 1 },
    projection: { bot: 1, channel: 1, unitId: 1, locale: 1 },
    batchSize: options.batchSize,
  });
  let cursor = started.cursor;
  let page: ParticipantLean[] = [];
  const flush = async (): Promise<boolean> => {
    const still = await writeBatch(deps, broadcastId, cursor.batches, page, now);
    cursor = { ...cursor, lastParticipantId: String(page[page.length - 1]!._id), batches: cursor.batches + 1 };
    page = [];
    await ctx.touch();
    return still; // cancelled meanwhile: its batches skip what is left
  };
  try {
    for await (const p of stream) {
      page.push(p as unknown as ParticipantLean);
      if (page.length >= options.batchSize && !(await flush())) return;
    }
    if (page.length > 0 && !(await flush())) return;
  } finally {
    await stream.close();
  }
  const size = await models.Delivery.countDocuments({ broadcastId });
  await models.Broadcast.updateOne({ _id: broadcastId, status: 'sending' }, { $set: { 'cursor.complete': true, audienceSize: size } });
  await maybeFinish(deps, broadcastId);
}

/**
 * One page of the audience as batch `batch`: its deliveries inserted (again: no-op), its job
 * scheduled, the cursor moved past it. False when the broadcast was cancelled meanwhile.
 */
async function writeBatch(deps: FanoutDeps, broadcastId: string, batch: number, page: readonly ParticipantLean[], now: Date): Promise<boolean> {
  const { models } = deps;
  const batchKey = `${broadcastId}:${batch}`;
  const docs = page.map((p) => ({
    broadcastId,
    participantId: p._id,
    bot: p.bot,
    channel: p.channel,
    unitId: p.unitId ?? null,
    locale: p.locale ?? 'vi',
    batch,
    batchKey,
    status: 'pending',
    attempts: 0,
    notBefore: null,
    claimedAt: null,
    errorClass: null,
    reason: null,
    path: null,
    pathClaimedAt: null,
    groupPostId: null,
    messageIds: [],
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    createdAt: now,
    updatedAt: now,
  }));
  await insertIgnoringDuplicates(models.Delivery.collection, docs);
  await enqueueBatch(deps, broadcastId, batch, 0, deps.clock());
  const still = await models.Broadcast.updateOne(
    { _id: broadcastId, status: 'sending' },
    { $set: { 'cursor.lastParticipantId': String(page[page.length - 1]!._id), 'cursor.batches': batch + 1 } },
  );
  return still.matchedCount > 0;
}

interface InsertableCollection {
  insertMany(docs: Record<string, unknown>[], options: { ordered: boolean }): Promise<unknown>;
}

/** insertMany that treats "already there" (duplicate key) as success: materialising again is a no-op. */
async function insertIgnoringDuplicates(collection: InsertableCollection, docs: Record<string, unknown>[]): Promise<void> {
  try {
    await collection.insertMany(docs, { ordered: false });
  } catch (err) {
    type WriteError = { code?: number; err?: { code?: number } };
    const e = err as { code?: number; writeErrors?: WriteError[] | WriteError };
    const writeErrors = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
    const onlyDuplicates = writeErrors.length > 0 ? writeErrors.every((w) => (w.code ?? w.err?.code) === 11000) : e.code === 11000;
    if (!onlyDuplicates) throw err;
  }
}
