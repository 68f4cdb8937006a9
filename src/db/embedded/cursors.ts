import { randomInt } from 'node:crypto';
import { calculateObjectSize, Long } from 'bson';
import { CommandError } from './errors.js';
import type { Doc } from './indexes.js';

/** MongoDB's largest document: 16 MiB (`maxBsonObjectSize` in hello). */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
/** The largest document MongoDB builds internally, e.g. a reply: 16 MiB + 16 KiB. */
export const MAX_INTERNAL_OBJECT_SIZE = MAX_BSON_OBJECT_SIZE + 16 * 1024;
/**
 * The most a reply batch carries, as MongoDB: a batch never makes its reply document larger than
 * 16 MiB, except that a batch always holds at least one document (a document of up to 16 MiB,
 * whose reply then fits in the 16 MiB + 16 KiB a server may build).
 */
export const MAX_BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 1024;
/**
 * A getMore without a batchSize stops at 1 MiB rather than 16: MongoDB promises no batch size, the
 * driver simply asks again, and building and encoding a smaller reply holds the event loop less.
 */
export const DEFAULT_BATCH_BYTES = 1024 * 1024;
/** MongoDB's default first batch for find and aggregate. */
export const DEFAULT_FIRST_BATCH = 101;

/** Turns a stored document into what the client receives (a projection); applied batch by batch. */
export type BatchTransform = (docs: Doc[]) => Doc[];

interface OpenCursor {
  readonly ns: string;
  readonly docs: Doc[];
  readonly transform: BatchTransform | undefined;
  position: number;
  lastUsed: number;
}

/** Open cursors: the remainder of a result, handed out batch by batch through getMore. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();

  /**
   * Takes a first batch (`batchSize` 0 from the client: an empty one, as MongoDB does; `null`: no
   * limit but size); returns it and the cursor id (0 when nothing is left). `transform` (a
   * projection) runs on each batch as it is handed out, so a million results are never all
   * projected at once.
   */
  open(ns: string, docs: Doc[], batchSize: number | null, transform?: BatchTransform): { batch: Doc[]; id: Long } {
    const { batch, taken } = batchSize === 0 ? { batch: [], taken: 0 } : takeBatch(docs, 0, batchSize ?? 0, transform);
    if (taken >= docs.length && !(batchSize === 0 && docs.length > 0)) return { batch, id: Long.ZERO };
    const id = Long.fromNumber(randomInt(1, 2 ** 47));
    this.cursors.set(id.toString(), { ns, docs, transform, position: taken, lastUsed: Date.now() });
    return { batch, id };
  }

  /** The next batch of an open cursor. */
  next(id: Long, ns: string, batchSize: number): { batch: Doc[]; id: Long } {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (!cursor || cursor.ns !== ns) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    const { batch, taken } = takeBatch(cursor.docs, cursor.position, batchSize, cursor.transform);
    cursor.position += taken;
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

/** MongoDB's refusal of a result document it cannot send (e.g. a `$group` that pushed too much). */
export function objectTooLarge(size: number): CommandError {
  return new CommandError(
    'BSONObjectTooLarge',
    `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and 16793600(16MB)`,
  );
}

/**
 * Up to `batchSize` documents (0: no count limit, and DEFAULT_BATCH_BYTES) whose total size stays within MAX_BATCH_BYTES;
 * the first always goes, unless it is larger than any reply may be. `taken` counts source documents.
 */
export function takeBatch(docs: Doc[], from: number, batchSize: number, transform?: BatchTransform): { batch: Doc[]; taken: number } {
  const limit = batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER;
  const maxBytes = batchSize > 0 ? MAX_BATCH_BYTES : DEFAULT_BATCH_BYTES;
  const out: Doc[] = [];
  let bytes = 0;
  let i = from;
  // Projected in groups, so a small projection does not cost one call per document.
  const GROUP = 64;
  while (i < docs.length && out.length < limit) {
    const slice = docs.slice(i, Math.min(docs.length, i + Math.min(GROUP, limit - out.length)));
    const shaped = transform ? transform(slice) : slice;
    let stop = false;
    for (let j = 0; j < shaped.length; j++) {
      const size = calculateObjectSize(shaped[j]!);
      if (size > MAX_INTERNAL_OBJECT_SIZE) throw objectTooLarge(size);
      if (out.length > 0 && bytes + size > maxBytes) {
        stop = true;
        break;
      }
      bytes += size;
      out.push(shaped[j]!);
      i++;
    }
    if (stop) break;
  }
  return { batch: out, taken: i - from };
}
