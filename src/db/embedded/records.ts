import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { deserialize, serialize } from 'bson';
import { crc32 } from './crc32.js';
import type { ChangeRecord } from './storage.js';
import { DESERIALIZE_OPTIONS } from './wire.js';

/**
 * The record format of the snapshot and the journal: `[u32 length][u32 crc32][BSON]`, so a torn
 * or damaged record is detected. Files are read through a sliding window, never whole: a data
 * directory past 2 GiB (the largest Buffer) or past the heap still opens.
 */

/**
 * First record of both files. A journal records the changes from the moment it was started; a
 * snapshot of generation N holds the state at some moment after the journal of generation N
 * started, so replaying that journal over it is right and older journals are not replayed.
 */
export interface GenerationHeader {
  o: 'gen';
  gen: number;
}

export type FileRecord = ChangeRecord | GenerationHeader;

export const HEADER_BYTES = 8;
/**
 * No record is larger: a 16 MiB document plus its envelope, with room for records written before
 * the 16 MiB limit was enforced. A length beyond it can only be damage.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;
/** Bytes read from a file at a time. */
const WINDOW_BYTES = 8 * 1024 * 1024;

/** Frames one record. */
export function encodeRecord(record: FileRecord): Buffer {
  return frame(serialize(record));
}

function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, HEADER_BYTES);
  return out;
}

/** The bytes of `{o: 'put', d, c, doc: ` up to the document, per collection (the same for all its puts). */
const putHeads = new Map<string, Buffer>();

function putHead(d: string, c: string): Buffer {
  const key = `${d}\u0000${c}`;
  let head = putHeads.get(key);
  if (!head) {
    const parts: Buffer[] = [];
    for (const [name, value] of [
      ['o', 'put'],
      ['d', d],
      ['c', c],
    ] as const) {
      const v = Buffer.from(value, 'utf8');
      const len = Buffer.allocUnsafe(4);
      len.writeInt32LE(v.length + 1, 0);
      parts.push(Buffer.from([0x02, name.charCodeAt(0), 0]), len, v, Buffer.from([0]));
    }
    parts.push(Buffer.from([0x03, 0x64, 0x6f, 0x63, 0])); // embedded document "doc"
    head = Buffer.concat(parts);
    if (putHeads.size > 10_000) putHeads.clear();
    putHeads.set(key, head);
  }
  return head;
}

/**
 * The record `{o: 'put', d, c, doc}` around a document already encoded (by the write that
 * measured it against the 16 MiB limit), so a written document is encoded once.
 */
export function encodePut(d: string, c: string, docBytes: Uint8Array): Buffer {
  const head = putHead(d, c);
  const length = 4 + head.length + docBytes.length + 1;
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  const payload = out.subarray(HEADER_BYTES);
  payload.writeInt32LE(length, 0);
  head.copy(payload, 4);
  payload.set(docBytes, 4 + head.length);
  payload[length - 1] = 0;
  out.writeUInt32LE(length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  return out;
}

/** Where records are read from: a file or (tests) a buffer. */
export interface RecordSource {
  readonly size: number;
  /** Reads up to `length` bytes at `position` into `buf` at `offset`; returns how many were read. */
  read(buf: Buffer, offset: number, length: number, position: number): number;
}

export function bufferSource(data: Buffer): RecordSource {
  return { size: data.length, read: (buf, offset, length, position) => data.copy(buf, offset, position, Math.min(data.length, position + length)) };
}

/** Opens a file as a record source; `close()` when done. */
export function fileSource(path: string): RecordSource & { close(): void } {
  const fd = openSync(path, 'r');
  return {
    size: fstatSync(fd).size,
    read: (buf, offset, length, position) => readSync(fd, buf, offset, length, position),
    close: () => closeSync(fd),
  };
}

/**
 * A window of a source's bytes, moved as reading advances. A `retaining` window reads into a new
 * buffer each time it moves, so the bytes it handed out stay valid after it moved on.
 */
class Window {
  private buf = Buffer.allocUnsafe(0);
  private start = 0;
  private end = 0;

  constructor(
    private readonly source: RecordSource,
    private readonly retaining = false,
  ) {}

  /** Makes [offset, offset + length) readable; false when the source ends first. */
  ensure(offset: number, length: number): boolean {
    if (offset + length > this.source.size) return false;
    if (offset >= this.start && offset + length <= this.end) return true;
    const want = Math.min(Math.max(WINDOW_BYTES, length), this.source.size - offset);
    if (this.buf.length < want || this.retaining) this.buf = Buffer.allocUnsafe(Math.max(want, Math.min(WINDOW_BYTES, this.source.size - offset)));
    let got = 0;
    while (got < want) {
      const n = this.source.read(this.buf, got, want - got, offset + got);
      if (n <= 0) break;
      got += n;
    }
    this.start = offset;
    this.end = offset + got;
    return got >= length;
  }

  /** Bytes made readable by `ensure` (a view: valid until the next `ensure`). */
  at(offset: number, length: number): Buffer {
    return this.buf.subarray(offset - this.start, offset - this.start + length);
  }
}

type Attempt = { ok: true; size: number; record: FileRecord | null } | { ok: false; short: boolean; complete: boolean };

/**
 * Takes an intact record's BSON before it is decoded: `payload[start, start + length)`, valid for
 * as long as the caller keeps it (the window does not reuse its buffers then). Returns false to
 * have the record decoded and handed to `onRecord` as usual.
 */
export type PayloadTaker = (payload: Buffer, start: number, length: number) => boolean;

/** Reads the record at `offset`: whole and intact, short (the source ends inside it) or bad. */
function readRecordAt(w: Window, offset: number, take?: PayloadTaker): Attempt {
  if (!w.ensure(offset, HEADER_BYTES)) return { ok: false, short: true, complete: false };
  const head = w.at(offset, HEADER_BYTES);
  const len = head.readUInt32LE(0);
  const sum = head.readUInt32LE(4);
  if (len < 5 || len > MAX_RECORD_BYTES) return { ok: false, short: false, complete: false };
  if (!w.ensure(offset, HEADER_BYTES + len)) return { ok: false, short: true, complete: false };
  const payload = w.at(offset + HEADER_BYTES, len);
  if (payload.readInt32LE(0) !== len || payload[len - 1] !== 0 || crc32(payload) !== sum) return { ok: false, short: false, complete: true };
  if (take && take(payload, 0, len)) return { ok: true, size: HEADER_BYTES + len, record: null };
  try {
    return { ok: true, size: HEADER_BYTES + len, record: deserialize(payload, DESERIALIZE_OPTIONS) as FileRecord };
  } catch {
    return { ok: false, short: false, complete: true };
  }
}

/** The first offset after `from` where an intact record starts, or null. */
function nextRecord(w: Window, from: number, size: number): { offset: number } | null {
  for (let q = from; q + HEADER_BYTES + 5 <= size; q++) {
    // Cheap tests first: a plausible length, repeated as the BSON document's own length.
    if (!w.ensure(q, HEADER_BYTES + 4)) return null;
    const head = w.at(q, HEADER_BYTES + 4);
    const len = head.readUInt32LE(0);
    if (len < 5 || len > MAX_RECORD_BYTES || head.readInt32LE(HEADER_BYTES) !== len) continue;
    const attempt = readRecordAt(w, q);
    if (attempt.ok) return { offset: q };
  }
  return null;
}

/**
 * What a damaged record seems to have been, for the report: decoded without trusting its checksum
 * when it still decodes, else the readable text in its bytes.
 */
function describeDamaged(w: Window, offset: number, length: number): string | undefined {
  const shown = Math.min(length, 4096);
  if (length < HEADER_BYTES + 5 || !w.ensure(offset, shown)) return undefined;
  try {
    const len = w.at(offset, 4).readUInt32LE(0);
    if (len + HEADER_BYTES <= shown) {
      const r = deserialize(w.at(offset + HEADER_BYTES, len), { ...DESERIALIZE_OPTIONS, validation: { utf8: false } }) as Record<string, unknown>;
      const id = r.o === 'put' ? (r.doc as Record<string, unknown> | undefined)?._id : r.id;
      if (id !== undefined || (r.o !== 'put' && r.o !== 'del')) {
        return [r.o, r.d && r.c ? `${String(r.d)}.${String(r.c)}` : r.d, id !== undefined ? `_id ${String(id)}` : undefined].filter(Boolean).join(' ');
      }
    }
  } catch {
    // not decodable: fall back to its text
  }
  const text = (
    w
      .at(offset, shown)
      .toString('latin1')
      .match(/[\x20-\x7e]{3,}/g) ?? []
  )
    .join(' ')
    .slice(0, 120);
  return text ? `its readable bytes: "${text}"` : undefined;
}

/** Bytes that are not records: damage in the middle of a file, or a torn end. */
export interface Damage {
  readonly offset: number;
  readonly length: number;
  /** What the damaged record seems to have been, when its bytes still decode. */
  readonly description?: string;
}

export interface ScanReport {
  readonly bytes: number;
  /** Intact change records (the generation header not counted). */
  readonly records: number;
  readonly generation: number | null;
  /** Damaged stretches followed by intact records: every record after them was still read. */
  readonly damage: Damage[];
  /**
   * A bad stretch at the end with no intact record after it: a write cut short by a crash (normal
   * recovery), or, when `complete`, a last record whose bytes are all there but do not check.
   */
  readonly tail: (Damage & { readonly complete: boolean }) | null;
  /** Where the intact part ends (the file is cut there before appending again). */
  readonly validEnd: number;
}

/**
 * Reads every intact record of a source in order (the generation header first), resynchronising
 * after damage: the next intact record is found by its length, repeated BSON length and checksum,
 * so one bad byte costs one record. `take` may claim records before they are decoded (the start
 * keeps documents' BSON and decodes only the last state of each).
 */
export function scanRecords(source: RecordSource, onRecord: (record: FileRecord, offset: number) => void, take?: PayloadTaker): ScanReport {
  const w = new Window(source, take !== undefined);
  const size = source.size;
  const damage: Damage[] = [];
  let tail: ScanReport['tail'] = null;
  let records = 0;
  let generation: number | null = null;
  let offset = 0;
  let validEnd = 0;
  while (offset < size) {
    const attempt = readRecordAt(w, offset, take);
    if (attempt.ok) {
      if (attempt.record === null) records++;
      else {
        if (attempt.record.o === 'gen') {
          if (offset === 0) generation = Number(attempt.record.gen);
        } else records++;
        onRecord(attempt.record, offset);
      }
      offset += attempt.size;
      validEnd = offset;
      continue;
    }
    const next = nextRecord(w, offset + 1, size);
    const description = describeDamaged(w, offset, (next?.offset ?? size) - offset);
    if (!next) {
      tail = { offset, length: size - offset, complete: attempt.complete, ...(description ? { description } : {}) };
      break;
    }
    damage.push({ offset, length: next.offset - offset, ...(description ? { description } : {}) });
    offset = next.offset;
  }
  return { bytes: size, records, generation, damage, tail, validEnd };
}

/** Reads the intact records of a buffer (tests, small files). */
export function decodeRecords(buf: Buffer): { records: ChangeRecord[]; generation: number | null; report: ScanReport } {
  const records: ChangeRecord[] = [];
  const report = scanRecords(bufferSource(buf), (r) => {
    if (r.o !== 'gen') records.push(r);
  });
  return { records, generation: report.generation, report };
}
