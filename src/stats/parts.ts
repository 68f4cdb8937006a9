import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { RollupCounters, RollupPart } from '../db/index.js';
import { COUNTERS, parseRollupId, rollupId, zeroCounts, type Gaps, type RollupDelta, type RollupDoc } from './reduce.js';

/**
 * Exactly-once arithmetic on rollup documents without transactions, in two idempotent steps:
 * 1. `writeParts`: each document gets the operation's part `{b: opId, ...counts}` unless it already
 *    has one with that id (written again after a crash: a no-op);
 * 2. `foldParts`, once every part is written: in one atomic update per document, the part's counts
 *    are added to the counters and the part is removed (folded again: it is no longer there).
 * A figure is counters + parts, so an operation counts exactly once at every moment. The caller
 * records between the two steps that every part is written (its operation's state `applied`), so
 * after a crash it knows which step to redo; a folded operation is never written again.
 */

const isDuplicateKey = (err: unknown): boolean => {
  const e = err as { code?: number; writeErrors?: Array<{ code?: number }> };
  if (e?.code === 11000) return !e.writeErrors || e.writeErrors.every((w) => w.code === 11000);
  return Array.isArray(e?.writeErrors) && e.writeErrors.length > 0 && e.writeErrors.every((w) => w.code === 11000);
};
const failedIndexes = (err: unknown): Set<number> => new Set(((err as { writeErrors?: Array<{ index: number }> }).writeErrors ?? []).map((w) => w.index));

/** The part a delta writes: only non-zero counts, so documents stay small. */
export function partOf(d: RollupDelta, opId: string): RollupPart {
  const part: RollupPart = { b: opId };
  for (const c of COUNTERS) if (d.inc[c]) part[c] = d.inc[c];
  if (d.gaps && Object.keys(d.gaps).length) part.gaps = { ...d.gaps };
  return part;
}

/** Writes the operation's part into every document it touches (creating missing documents). */
export async function writeParts(coll: Collection<Document>, deltas: readonly RollupDelta[], opId: string): Promise<void> {
  let todo = [...deltas];
  for (let attempt = 0; todo.length > 0 && attempt < 5; attempt++) {
    const ops = todo.map((d): AnyBulkWriteOperation => ({
      updateOne: {
        filter: { _id: rollupId(d) as never, 'pending.b': { $ne: opId } },
        update: { $setOnInsert: zeroCounts(), $push: { pending: partOf(d, opId) } } as never,
        upsert: true,
      },
    }));
    try {
      await coll.bulkWrite(ops, { ordered: false });
      return;
    } catch (err) {
      // A duplicate key means the document exists but did not match: it has the part already
      // (written before a crash), or another operation created it at the same moment (write again).
      if (!isDuplicateKey(err)) throw err;
      const failed = failedIndexes(err);
      const written = new Set((await coll.find({ 'pending.b': opId }, { projection: { _id: 1 } }).toArray()).map((r) => String(r._id)));
      todo = todo.filter((d, i) => (failed.size === 0 || failed.has(i)) && !written.has(rollupId(d)));
    }
  }
  if (todo.length > 0) throw new Error(`stats: could not write ${todo.length} rollup parts of ${opId}`);
}

/** `$inc` of a part: its counters and `gaps.<g>`. */
function incOf(part: RollupPart): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const c of COUNTERS) if (part[c]) inc[c] = part[c];
  for (const [g, n] of Object.entries(part.gaps ?? {})) if (n) inc[`gaps.${g}`] = n;
  return inc;
}

/** Adds the operation's parts to the counters and removes them; returns how many documents it folded. */
export async function foldParts(coll: Collection<Document>, opId: string): Promise<number> {
  const docs = await coll.find({ 'pending.b': opId }, { projection: { pending: 1 } }).toArray();
  const ops: AnyBulkWriteOperation[] = [];
  for (const doc of docs) {
    const part = (doc.pending as RollupPart[]).find((p) => p.b === opId);
    if (!part) continue;
    const inc = incOf(part);
    const update = { $pull: { pending: { b: opId } }, ...(Object.keys(inc).length ? { $inc: inc } : {}) };
    ops.push({ updateOne: { filter: { _id: doc._id, 'pending.b': opId }, update: update as never } });
  }
  if (ops.length) await coll.bulkWrite(ops, { ordered: false });
  return ops.length;
}

/** A rollup document as read by the queries: its identity, counters and gaps with any unfolded parts added. */
export interface RollupTotals extends RollupCounters {
  kind: string;
  bot: string;
  day: string;
  key: string;
  gaps?: Gaps;
}

function addInto(out: RollupTotals, gaps: Gaps, p: Document): boolean {
  for (const c of COUNTERS) out[c] += (p[c] as number | undefined) ?? 0;
  const g = p.gaps as Gaps | undefined;
  if (!g) return false;
  for (const k in g) gaps[k] = (gaps[k] ?? 0) + g[k]!;
  return true;
}

export function withParts(doc: Document): RollupTotals {
  const key = parseRollupId(String(doc._id));
  const out: RollupTotals = { kind: key.kind, bot: key.bot, day: key.day, key: key.key, ...zeroCounts() };
  const gaps: Gaps = {};
  let hasGaps = addInto(out, gaps, doc);
  for (const p of (doc.pending as RollupPart[] | undefined) ?? []) hasGaps = addInto(out, gaps, p) || hasGaps;
  if (hasGaps) out.gaps = gaps;
  return out;
}

/** A computed document as stored (by `stats rebuild` and by the sealing of blocks): its id, counters, gaps and no parts. */
export function storedRollup(r: RollupDoc): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: rollupId(r) };
  for (const c of COUNTERS) doc[c] = r[c];
  if (r.gaps) doc.gaps = r.gaps;
  doc.pending = [];
  return doc;
}
