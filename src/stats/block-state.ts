import type { Models } from '../db/index.js';
import { addDays, dayOf } from '../domain/index.js';
import { monthOf, weekOf, type Block } from './blocks.js';

/**
 * The `blocks` record in `rollup_ops` says which week and month blocks the queries may read: every
 * block ending on or before `through`, except those in `dirty`. An operation that adds to a day of a
 * sealed block (an answer applied days late, a late joining) puts the block in `dirty` before it
 * writes anything, so the queries read that block's days until the catch-up seals it again
 * (src/stats/seal.ts).
 */

export const BLOCKS_DOC = 'blocks';

export interface BlockState {
  readonly through: string | null;
  readonly dirty: ReadonlySet<string>;
}

export const dirtyId = (bot: string, b: Block): string => `${bot}|${b.span}|${b.start}`;

export async function blockState(models: Models): Promise<BlockState> {
  const doc = await models.RollupOp.collection.findOne({ _id: BLOCKS_DOC as never }, { projection: { through: 1, dirty: 1 } });
  return { through: (doc?.through as string | undefined) ?? null, dirty: new Set((doc?.dirty as string[] | undefined) ?? []) };
}

/** Whether the queries may read a block of this bot instead of its days. */
export const usable = (state: BlockState, bot: string) => (b: Block) => state.through !== null && b.end <= state.through && !state.dirty.has(dirtyId(bot, b));

/**
 * Before an operation adds to these days: the sealed blocks holding them are marked to be sealed
 * again. Days of the last two days (UTC) are never sealed (the horizon is MARK_KEEP_DAYS + 1 days
 * back in any time zone), so a live answer costs nothing here.
 */
export async function markLateDays(models: Models, clock: () => Date, touched: Iterable<{ bot: string; day: string }>): Promise<void> {
  const recent = addDays(dayOf(clock(), 'UTC'), -2);
  const late = [...touched].filter((t) => t.day < recent);
  if (late.length === 0) return;
  const { through } = await blockState(models);
  if (through === null) return;
  const ids = new Set<string>();
  for (const { bot, day } of late) {
    if (day > through) continue;
    for (const b of [weekOf(day), monthOf(day)]) if (b.end <= through) ids.add(dirtyId(bot, b));
  }
  if (ids.size) await models.RollupOp.collection.updateOne({ _id: BLOCKS_DOC as never }, { $addToSet: { dirty: { $each: [...ids] } } });
}
