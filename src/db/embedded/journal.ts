import { closeSync, existsSync, fsync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'bson';
import { crc32 } from './crc32.js';
import type { ChangeRecord, Storage } from './storage.js';
import { lockDataDirectory } from './lock.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './files.js';
import { DESERIALIZE_OPTIONS } from './wire.js';

/**
 * Durability: a snapshot file plus an append-only journal of change records. Each record is
 * `[u32 length][u32 crc32][BSON]`, so a torn or corrupt tail is detected and dropped. Records hold
 * absolute state (whole documents), so replaying one twice is harmless.
 */
export const SNAPSHOT_FILE = 'snapshot.bin';
export const JOURNAL_FILE = 'journal.bin';
const FLUSH_INTERVAL_MS = 100;
/** The journal is compacted again while running once it outgrows this and twice the snapshot. */
const COMPACT_AFTER_BYTES = 64 * 1024 * 1024;
const HEADER = 8;

/**
 * First record of both files. Compaction writes the snapshot of generation N+1, then an empty
 * journal of generation N+1; a journal older than its snapshot (a crash between the two renames)
 * is already inside the snapshot and is not replayed.
 */
interface GenerationHeader {
  o: 'gen';
  gen: number;
}

/** Frames one record. */
export function encodeRecord(record: ChangeRecord | GenerationHeader): Buffer {
  const payload = serialize(record);
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(crc32(payload), 4);
  out.set(payload, HEADER);
  return out;
}

/** Reads the whole records of a file; stops at the first torn or corrupt one. */
export function decodeRecords(buf: Buffer): { records: ChangeRecord[]; generation: number | null; validBytes: number; torn: boolean } {
  const records: ChangeRecord[] = [];
  let generation: number | null = null;
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < HEADER) break;
    const len = buf.readUInt32LE(offset);
    const sum = buf.readUInt32LE(offset + 4);
    if (len < 5 || buf.length - offset - HEADER < len) break;
    const payload = buf.subarray(offset + HEADER, offset + HEADER + len);
    if (crc32(payload) !== sum) break;
    try {
      const r = deserialize(payload, DESERIALIZE_OPTIONS) as ChangeRecord | GenerationHeader;
      if (r.o === 'gen') generation = Number(r.gen);
      else records.push(r);
    } catch {
      break;
    }
    offset += HEADER + len;
  }
  return { records, generation, validBytes: offset, torn: offset < buf.length };
}

export interface ReplayReport {
  readonly snapshotRecords: number;
  readonly journalRecords: number;
  /** Bytes of a torn or corrupt tail that were dropped. */
  readonly droppedBytes: number;
  /** Records that could not be applied (should be 0; each is logged by the caller). */
  readonly failedRecords: number;
  readonly firstFailure?: string;
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/** Writes a file atomically: temp file, fsync, rename. */
function writeAtomically(dir: string, name: string, chunks: Iterable<Buffer>): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    let pending: Buffer[] = [];
    let size = 0;
    for (const c of chunks) {
      pending.push(c);
      size += c.length;
      if (size > 1 << 20) {
        writeAll(fd, Buffer.concat(pending));
        pending = [];
        size = 0;
      }
    }
    if (pending.length) writeAll(fd, Buffer.concat(pending));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
}

/**
 * Compacts: the snapshot first (atomically), then an empty journal. A crash in between replays
 * the old journal over the new snapshot, which is harmless as records are absolute.
 * Returns the snapshot's size.
 */
function compactFiles(dir: string, storage: Storage, generation: number): number {
  let bytes = 0;
  writeAtomically(
    dir,
    SNAPSHOT_FILE,
    (function* () {
      yield encodeRecord({ o: 'gen', gen: generation });
      for (const r of storage.snapshot()) {
        const rec = encodeRecord(r);
        bytes += rec.length;
        yield rec;
      }
    })(),
  );
  writeAtomically(dir, JOURNAL_FILE, [encodeRecord({ o: 'gen', gen: generation })]);
  fsyncDir(dir);
  return bytes;
}

/** The append-only journal of a running server. */
export class Journal {
  private fd: number;
  private pending: Buffer[] = [];
  private dirty = false;
  private syncing = false;
  private readonly timer: NodeJS.Timeout;
  private journalBytes = 0;
  private snapshotBytes: number;

  private constructor(
    readonly dir: string,
    fd: number,
    private readonly storage: Storage,
    private readonly unlock: () => void,
    snapshotBytes: number,
    private generation: number,
  ) {
    this.fd = fd;
    this.snapshotBytes = snapshotBytes;
    this.timer = setInterval(() => this.flushToDisk(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /**
   * Loads the snapshot and journal into storage, compacts them into a fresh snapshot and an
   * empty journal, and starts recording every change of storage.
   */
  static open(dir: string, storage: Storage): { journal: Journal; report: ReplayReport } {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const unlock = lockDataDirectory(dir);
    try {
      return Journal.load(dir, storage, unlock);
    } catch (err) {
      unlock();
      throw err;
    }
  }

  private static load(dir: string, storage: Storage, unlock: () => void): { journal: Journal; report: ReplayReport } {
    const snapshotPath = join(dir, SNAPSHOT_FILE);
    const journalPath = join(dir, JOURNAL_FILE);
    let snapshotRecords = 0;
    let journalRecords = 0;
    let droppedBytes = 0;
    let generation = 0;
    let failedRecords = 0;
    let firstFailure: string | undefined;
    // One bad record must not keep every other document from loading: count it and go on.
    const apply = (r: ChangeRecord) => {
      try {
        storage.apply(r);
      } catch (err) {
        failedRecords++;
        firstFailure ??= `${r.o} ${'d' in r ? r.d : ''}.${'c' in r ? r.c : ''}: ${(err as Error).message}`;
      }
    };
    if (existsSync(snapshotPath)) {
      const snap = decodeRecords(readFileSync(snapshotPath));
      for (const r of snap.records) apply(r);
      snapshotRecords = snap.records.length;
      generation = snap.generation ?? 0;
    }
    if (existsSync(journalPath)) {
      const buf = readFileSync(journalPath);
      const { records, generation: journalGeneration, validBytes } = decodeRecords(buf);
      if ((journalGeneration ?? generation) >= generation) {
        for (const r of records) apply(r);
        journalRecords = records.length;
      }
      droppedBytes = buf.length - validBytes;
    }
    generation += 1;
    const snapshotBytes = compactFiles(dir, storage, generation);
    const fd = openSync(journalPath, 'a', PRIVATE_FILE_MODE);
    const journal = new Journal(dir, fd, storage, unlock, snapshotBytes, generation);
    storage.onChange((r) => journal.pending.push(encodeRecord(r)));
    const report: ReplayReport = { snapshotRecords, journalRecords, droppedBytes, failedRecords, ...(firstFailure ? { firstFailure } : {}) };
    return { journal, report };
  }

  /** Writes the changes of the last command before its reply; `sync` (j: true) also fsyncs now. */
  commit(sync: boolean): void {
    if (this.pending.length) {
      const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
      this.pending = [];
      writeAll(this.fd, buf);
      this.dirty = true;
      this.journalBytes += buf.length;
    }
    if (sync && this.dirty) {
      fsyncSync(this.fd);
      this.dirty = false;
    }
    if (this.journalBytes > Math.max(COMPACT_AFTER_BYTES, 2 * this.snapshotBytes)) this.compact();
  }

  /** Rewrites the snapshot from memory and starts an empty journal (synchronously, between commands). */
  compact(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.generation += 1;
    this.snapshotBytes = compactFiles(this.dir, this.storage, this.generation);
    this.fd = openSync(join(this.dir, JOURNAL_FILE), 'a', PRIVATE_FILE_MODE);
    this.journalBytes = 0;
    this.dirty = false;
  }

  private flushToDisk(): void {
    if (!this.dirty || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    fsync(this.fd, () => {
      this.syncing = false;
    });
  }

  close(): void {
    clearInterval(this.timer);
    this.commit(true);
    closeSync(this.fd);
    this.fd = -1;
    this.unlock();
  }
}
