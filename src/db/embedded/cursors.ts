import { randomInt } from 'node:crypto';
import { calculateObjectSize, Long } from 'bson';
import { CommandError } from './errors.js';
import type { Doc } from './indexes.js';

/** The most a reply batch carries, under MongoDB's 16 MiB document limit with room for the envelope. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024 - 16 * 1024;
/** MongoDB's default first batch for find and aggregate. */
export const DEFAULT_FIRST_BATCH = 101;

interface OpenCursor {
  readonly ns: string;
  readonly docs: Doc[];
  position: number;
  lastUsed: number;
}

/** Open cursors: the remainder of a result, handed out batch by batch through getMore. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();

  /**
   * Takes a first batch (`batchSize` 0 from the client: an empty one, as MongoDB does; `null`: no
   * limit but size); returns it and the cursor id (0 when nothing is left).
   */
  open(ns: string, docs: Doc[], batchSize: number | null): { batch: Doc[]; id: Long } {
    const batch = batchSize === 0 ? [] : takeBatch(docs, 0, batchSize ?? 0);
    if (batch.length >= docs.length && !(batchSize === 0 && docs.length > 0)) return { batch, id: Long.ZERO };
    const id = Long.fromNumber(randomInt(1, 2 ** 47));
    this.cursors.set(id.toString(), { ns, docs, position: batch.length, lastUsed: Date.now() });
    return { batch, id };
  }

  /** The next batch of an open cursor. */
  next(id: Long, ns: string, batchSize: number): { batch: Doc[]; id: Long } {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor || cursor.ns !== ns) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    const batch = takeBatch(cursor.docs, cursor.position, batchSize);
    cursor.position += batch.length;
    cursor.lastUsed = Date.now();
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(key);
      return { batch, id: Long.ZERO };
    }
    return { batch, id };
  }

  /** Closes cursors; returns which were found. */
  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(String(id)) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  /** Drops cursors idle for longer than MongoDB's 10-minute cursor timeout. */
  sweep(now = Date.now(), idleMs = 10 * 60_000): void {
    for (const [k, c] of this.cursors) if (now - c.lastUsed > idleMs) this.cursors.delete(k);
  }

  get size(): number {
    return this.cursors.size;
  }
}

function takeBatch(docs: Doc[], from: number, batchSize: number): Doc[] {
  const limit = batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER;
  const out: Doc[] = [];
  let bytes = 0;
  for (let i = from; i < docs.length && out.length < limit; i++) {
    const doc = docs[i]!;
    if (docs.length - from > 100) {
      bytes += calculateObjectSize(doc);
      if (bytes > MAX_BATCH_BYTES && out.length > 0) break;
    }
    out.push(doc);
  }
  return out;
}
