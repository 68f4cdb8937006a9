import type { Models } from '../db/index.js';
import { addDays } from '../domain/index.js';
import { BOTS_DOC, MARK_KEEP_DAYS } from './batches.js';
import { blockState, BLOCKS_DOC } from './block-state.js';
import { blockDocs, blocksEndingIn, DAY_KINDS, packBlocks, monthOf, sealHorizon, weekOf, type Block, type Span } from './blocks.js';
import { withParts } from './parts.js';
import type { RollupDoc } from './reduce.js';

/**
 * Sealing: week and month blocks (src/stats/blocks.ts) are written from the day documents once
 * their days are over, by the catch-up (every minute) and by `stats rebuild`. So an answer still
 * writes only its day documents (issue 16's bounded write cost); a block costs one write per unit,
 * question and bot, once. Which blocks the queries may read: src/stats/block-state.ts.
 */

/** The day documents of one bot from `from` to `to`, unfolded parts included. */
async function dayDocs(models: Models, bot: string, from: string, to: string): Promise<RollupDoc[]> {
  const found = await Promise.all(
    DAY_KINDS.map((k) => models.Rollup.collection.find({ _id: { $gte: `${k}|${bot}|${from}|`, $lte: `${k}|${bot}|${to}|\uffff` } } as never).toArray()),
  );
  return found.flat().map((d) => withParts(d) as RollupDoc);
}

/** Writes a block's documents, packed (replacing what an earlier sealing wrote: sealing again is harmless). */
async function writeBlock(models: Models, docs: readonly RollupDoc[]): Promise<void> {
  const packed = packBlocks(docs);
  const CHUNK = 100;
  for (let i = 0; i < packed.length; i += CHUNK) {
    const ops = packed.slice(i, i + CHUNK).map((stored) => ({
      replaceOne: { filter: { _id: stored._id as never }, replacement: stored, upsert: true },
    }));
    await models.Rollup.collection.bulkWrite(ops as never, { ordered: false });
  }
}

/** Seals one bot's blocks of one month (all in it), from one read of the month's days. */
async function sealMonth(models: Models, bot: string, blocks: readonly Block[]): Promise<void> {
  const from = blocks.reduce((m, b) => (b.start < m ? b.start : m), blocks[0]!.start);
  const to = blocks.reduce((m, b) => (b.end > m ? b.end : m), blocks[0]!.end);
  const days = await dayDocs(models, bot, from, to);
  if (days.length === 0) return;
  for (const b of blocks) await writeBlock(models, blockDocs(b, days));
}

async function botsWithStats(models: Models): Promise<string[]> {
  const list = await models.RollupOp.collection.findOne({ _id: BOTS_DOC as never }, { projection: { bots: 1 } });
  return (list?.bots as string[] | undefined) ?? [];
}

/** The first day with a rollup (the sealing of a database that never sealed starts there). */
async function firstDay(models: Models, bots: readonly string[]): Promise<string | null> {
  let first: string | null = null;
  for (const bot of bots) {
    const [doc] = await models.Rollup.collection
      .find({ _id: { $gte: `day-bot|${bot}|`, $lt: `day-bot|${bot}|\uffff` } } as never, { projection: { _id: 1 } })
      .sort({ _id: 1 })
      .limit(1)
      .toArray();
    const day = doc ? String(doc._id).split('|')[2]! : null;
    if (day && (first === null || day < first)) first = day;
  }
  return first;
}

/** Runs one step where no operation of this process runs at the same time (the updater's queue). */
export type Exclusive = <T>(job: () => Promise<T>) => Promise<T>;

/**
 * Seals the blocks that ended since the last sealing (up to the horizon of `today`), then the dirty
 * ones again. Each month (every bot) and each dirty block is one step of `run`, so answers recorded
 * meanwhile wait for one step, not for a year's first sealing; `through` moves with each month.
 */
export async function sealBlocks(models: Models, today: string, run: Exclusive = (job) => job()): Promise<{ sealed: number; resealed: number }> {
  const horizon = sealHorizon(today, MARK_KEEP_DAYS);
  const state = await blockState(models);
  const bots = await botsWithStats(models);
  let sealed = 0;
  const first = state.through === null ? await firstDay(models, bots) : null;
  const after: string = state.through ?? (first ? addDays(first, -1) : horizon);
  const setThrough = (through: string) =>
    models.RollupOp.collection.updateOne({ _id: BLOCKS_DOC as never }, { $set: { kind: 'format', state: 'done', at: new Date(), through } }, { upsert: true });
  if (after < horizon) {
    const byMonth = new Map<string, Block[]>();
    for (const b of blocksEndingIn(after, horizon)) byMonth.set(b.start.slice(0, 7), [...(byMonth.get(b.start.slice(0, 7)) ?? []), b]);
    for (const blocks of byMonth.values()) {
      await run(async () => {
        for (const bot of bots) await sealMonth(models, bot, blocks);
        await setThrough(blocks[blocks.length - 1]!.end);
      });
      sealed += blocks.length;
    }
  }
  if (state.through === null || after < horizon) await run(() => setThrough(horizon));
  for (const id of state.dirty) {
    const [bot, span, start] = id.split('|') as [string, Span, string];
    const block = span === 'week' ? weekOf(start) : monthOf(start);
    await run(async () => {
      await writeBlock(models, blockDocs(block, await dayDocs(models, bot, block.start, block.end)));
      await models.RollupOp.collection.updateOne({ _id: BLOCKS_DOC as never }, { $pull: { dirty: id } } as never);
    });
  }
  return { sealed, resealed: state.dirty.size };
}

/** What `stats rebuild` writes: the blocks of every day up to the horizon, from the documents it computed. */
export function allBlocks(docs: readonly RollupDoc[], today: string): { blocks: RollupDoc[]; through: string } {
  const horizon = sealHorizon(today, MARK_KEEP_DAYS);
  const byMonth = new Map<string, RollupDoc[]>();
  let first: string | null = null;
  for (const d of docs) {
    if (d.kind === 'day-bot' && (first === null || d.day < first)) first = d.day;
    if (!(DAY_KINDS as readonly string[]).includes(d.kind) || d.day > horizon) continue;
    const m = d.day.slice(0, 7);
    const list = byMonth.get(m);
    if (list) list.push(d);
    else byMonth.set(m, [d]);
  }
  const out: RollupDoc[] = [];
  if (first !== null && first <= horizon) {
    for (const b of blocksEndingIn(addDays(first, -1), horizon)) out.push(...blockDocs(b, byMonth.get(b.start.slice(0, 7)) ?? []));
  }
  return { blocks: out, through: horizon };
}
