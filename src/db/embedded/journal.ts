import {
  closeSync,
  copyFileSync,
  existsSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  write,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { open as openFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './files.js';
import { lockDataDirectory } from './lock.js';
import { encodePut, encodeRecord, fileSource, scanRecords, type Damage, type FileRecord, type PayloadTaker, type ScanReport } from './records.js';
import type { ChangeRecord, Storage } from './storage.js';
import { Yielder } from './yielder.js';

export { decodeRecords, encodeRecord } from './records.js';

/**
 * Durability: a snapshot file plus an append-only journal of change records (records.ts). Records
 * hold absolute state (whole documents), so replaying one twice is harmless.
 *
 * Compaction never stops the clients: it starts a new journal (the old one becomes
 * `journal-prev.bin`), then writes the snapshot from memory in slices between other commands,
 * and only then removes the old journal. Documents changed while the snapshot is written may be
 * in it in either state; the new journal holds every change since it started, so replaying it
 * over the snapshot ends in the right state. A crash at any point leaves files that replay right:
 * snapshot, then the old journal, then the new one, each journal only if it is not older than
 * the snapshot.
 *
 * A damaged record that is not at the end of a file stops the start (JournalDamagedError names
 * its offset); `db repair` keeps the original files in a recovery folder beside the data, reads
 * every intact record around the damage and writes a fresh snapshot.
 */
export const SNAPSHOT_FILE = 'snapshot.bin';
export const JOURNAL_FILE = 'journal.bin';
export const PREVIOUS_JOURNAL_FILE = 'journal-prev.bin';
const SNAPSHOT_TMP = 'snapshot.bin.tmp';
const FLUSH_INTERVAL_MS = 100;
/**
 * The journal is compacted while running once it outgrows this and the snapshot: compaction no
 * longer stops clients, and a start then replays at most about twice the data.
 */
const COMPACT_AFTER_BYTES = 64 * 1024 * 1024;
/** Queued journal records are written once they reach this much, even in the middle of a command. */
const PENDING_WRITE_BYTES = 1024 * 1024;
/** Snapshot bytes written per call while compacting. */
const WRITE_CHUNK_BYTES = 1024 * 1024;

/** The data files of a directory, in replay order. */
export const DATA_FILES = [SNAPSHOT_FILE, PREVIOUS_JOURNAL_FILE, JOURNAL_FILE] as const;
export type DataFile = (typeof DATA_FILES)[number];

/** Bytes of the data files (what replay reads, what the heap must hold the result of). */
export function dataFileBytes(dir: string): number {
  let bytes = 0;
  for (const f of DATA_FILES) {
    try {
      bytes += statSync(join(dir, f)).size;
    } catch {
      // absent
    }
  }
  return bytes;
}

export interface FileReport extends ScanReport {
  readonly file: DataFile;
  /** Whether its records were replayed (a journal older than the snapshot is already in it). */
  readonly replayed: boolean;
}

export interface ReplayReport {
  readonly files: FileReport[];
  readonly snapshotRecords: number;
  readonly journalRecords: number;
  /** Bytes of a torn record at the end of the journal that were dropped (normal after a crash). */
  readonly droppedBytes: number;
  /** Records that could not be applied (should be 0; each is logged by the caller). */
  readonly failedRecords: number;
  readonly firstFailure?: string;
  /** Where the original files were kept before anything was rewritten (repair, a damaged last record). */
  readonly keptAt?: string;
}

/** Damaged records in the middle of a data file: the server does not start on them. */
export class JournalDamagedError extends Error {
  constructor(
    readonly dir: string,
    readonly files: FileReport[],
  ) {
    const parts = files.flatMap((f) =>
      [...f.damage, ...(f.file === SNAPSHOT_FILE && f.tail ? [f.tail] : [])].map(
        (d) => `${f.file} at byte ${d.offset} (${d.length} bytes${d.description ? `, ${d.description}` : ''})`,
      ),
    );
    const after = files.reduce((n, f) => n + (f.damage.length ? f.records : 0), 0);
    super(
      `The embedded database in ${dir} has damaged records: ${parts.join('; ')}. Nothing was changed. ` +
        `${after} intact records around them are readable. Run "npm run cli -- db check --path ${dir}" for the details and ` +
        `"npm run cli -- db repair --path ${dir}" to keep a copy of the files and recover every intact record.`,
    );
    this.name = 'JournalDamagedError';
  }
}

export interface OpenOptions {
  /**
   * Start despite damaged records: the original files are first copied into a recovery folder
   * beside the data, every intact record is replayed and a fresh snapshot written (`db repair`).
   */
  readonly repair?: boolean;
}

/** Records up to this size are written at once when no write is queued (see `enqueue`). */
const SMALL_WRITE_BYTES = 64 * 1024;

/** A write to a journal file waiting for the ones queued before it; `done` when it is on the file. */
interface PendingWrite {
  readonly fd: number;
  readonly bufs: Buffer[];
  bytes: number;
  done: Promise<void>;
}

function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** Appends a buffer to a file (the journal, opened for append) off the event loop. */
function appendAll(fd: number, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = (off: number) => {
      if (off >= buf.length) return resolve();
      write(fd, buf, off, buf.length - off, null, (err, n) => (err ? reject(err) : next(off + n)));
    };
    next(0);
  });
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

async function fsyncDirAsync(dir: string): Promise<void> {
  try {
    const handle = await openFile(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // as fsyncDir
  }
}

/** Writes a small file atomically: temp file, fsync, rename. */
function writeSmallFileAtomically(dir: string, name: string, data: Buffer): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
}

/** Copies the data files into `recovery-<time>/` beside them, with the report; returns the folder. */
function keepOriginals(dir: string, files: FileReport[], why: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const folder = join(dir, `recovery-${stamp}`);
  mkdirSync(folder, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const f of DATA_FILES) if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(folder, f));
  writeFileSync(join(folder, 'report.json'), `${JSON.stringify({ why, at: new Date().toISOString(), files }, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  fsyncDir(folder);
  return folder;
}

/** Reads the data files of a directory without changing anything (`db check`). */
export function checkDataDirectory(dir: string): FileReport[] {
  return readFiles(dir, () => undefined).files;
}

/**
 * Scans the data files in replay order, handing each record of a file that is replayed to `apply`
 * (or, before it is decoded, to `take`, see scanRecords).
 */
function readFiles(
  dir: string,
  apply: (r: ChangeRecord) => void,
  take?: PayloadTaker,
): { files: FileReport[]; generation: number; journalGeneration: number | null } {
  const files: FileReport[] = [];
  let snapshotGeneration = 0;
  let journalGeneration: number | null = null;
  for (const file of DATA_FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const source = fileSource(path);
    // A journal older than the snapshot is already in it. Its generation is its first record; a
    // journal whose first record is damaged is replayed (the current journal is never older).
    let replayed = true;
    let report: ScanReport;
    try {
      report = scanRecords(
        source,
        (record: FileRecord) => {
          if (record.o === 'gen') {
            if (file !== SNAPSHOT_FILE) replayed = Number(record.gen) >= snapshotGeneration;
            return;
          }
          if (replayed) apply(record);
        },
        take && ((payload, start, length) => (replayed ? take(payload, start, length) : false)),
      );
    } finally {
      source.close();
    }
    if (file === SNAPSHOT_FILE) snapshotGeneration = report.generation ?? 0;
    if (file === JOURNAL_FILE) journalGeneration = report.generation;
    files.push({ file, replayed, ...report });
  }
  return { files, generation: Math.max(snapshotGeneration, journalGeneration ?? 0), journalGeneration };
}

/** Writes a whole snapshot of generation `gen` at once (before any client: start-up, repair); returns its size. */
function writeSnapshotSync(dir: string, storage: Storage, gen: number): number {
  const tmp = join(dir, SNAPSHOT_TMP);
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  let bytes = 0;
  try {
    let chunk: Buffer[] = [encodeRecord({ o: 'gen', gen })];
    let chunkBytes = chunk[0]!.length;
    const flush = () => {
      writeAll(fd, Buffer.concat(chunk, chunkBytes));
      bytes += chunkBytes;
      chunk = [];
      chunkBytes = 0;
    };
    for (const record of storage.snapshot()) {
      const encoded = encodeRecord(record);
      chunk.push(encoded);
      chunkBytes += encoded.length;
      if (chunkBytes >= WRITE_CHUNK_BYTES) flush();
    }
    flush();
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, SNAPSHOT_FILE));
  fsyncDir(dir);
  return bytes;
}

/** The append-only journal of a running server. */
export class Journal {
  private fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** The queued write not started yet, which later records to the same file join. */
  private nextWrite: PendingWrite | null = null;
  /** Every journal write, chained: resolves when the last queued one is done. */
  private writes: Promise<void> = Promise.resolve();
  /** True while nothing is queued and the last queued write succeeded: a small record may then be written at once. */
  private idle = true;
  private chainSeq = 0;
  private dirty = false;
  private syncing = false;
  private readonly timer: NodeJS.Timeout;
  private journalBytes: number;
  private snapshotBytes: number;
  private compacting: Promise<void> | null = null;
  private abortCompaction = false;
  private closed = false;
  /** Figures for the status: when the last compaction ended and how long it took. */
  lastCompaction: { at: Date; ms: number; snapshotBytes: number } | null = null;

  private constructor(
    readonly dir: string,
    fd: number,
    private readonly storage: Storage,
    private readonly unlock: () => void,
    snapshotBytes: number,
    journalBytes: number,
    private generation: number,
  ) {
    this.fd = fd;
    this.snapshotBytes = snapshotBytes;
    this.journalBytes = journalBytes;
    this.timer = setInterval(() => this.flushToDisk(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Bytes of the snapshot and of the journal(s) now. */
  get sizes(): { snapshotBytes: number; journalBytes: number } {
    return { snapshotBytes: this.snapshotBytes, journalBytes: this.journalBytes };
  }

  /**
   * Loads the snapshot and journals into storage and starts recording every change of storage.
   * Throws JournalDamagedError on damage in the middle of a file (nothing is changed then),
   * unless `repair`.
   */
  static open(dir: string, storage: Storage, options: OpenOptions = {}): { journal: Journal; report: ReplayReport } {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const unlock = lockDataDirectory(dir);
    try {
      return Journal.load(dir, storage, unlock, options);
    } catch (err) {
      unlock();
      throw err;
    }
  }

  private static load(dir: string, storage: Storage, unlock: () => void, options: OpenOptions): { journal: Journal; report: ReplayReport } {
    rmSync(join(dir, SNAPSHOT_TMP), { force: true }); // an unfinished compaction's: never renamed, never needed
    let failedRecords = 0;
    let firstFailure: string | undefined;
    // One record that cannot be applied must not keep every other document from loading: count it and go on.
    const apply = (r: ChangeRecord) => {
      try {
        storage.apply(r);
      } catch (err) {
        failedRecords++;
        firstFailure ??= `${r.o} ${'d' in r ? r.d : ''}.${'c' in r ? r.c : ''}: ${(err as Error).message}`;
      }
    };
    storage.beginReplay();
    // Documents' BSON is kept as read and decoded once, in its last state, when the indexes are built.
    const { files, generation, journalGeneration } = readFiles(dir, apply, storage.takeRawPut);
    const damaged = files.filter((f) => f.damage.length > 0 || (f.file === SNAPSHOT_FILE && f.tail));
    if (damaged.length && !options.repair) throw new JournalDamagedError(dir, damaged);
    const decoded = storage.endReplay();
    failedRecords += decoded.failed;
    firstFailure ??= decoded.firstFailure;

    const journalFile = files.find((f) => f.file === JOURNAL_FILE);
    const previous = files.find((f) => f.file === PREVIOUS_JOURNAL_FILE);
    const snapshot = files.find((f) => f.file === SNAPSHOT_FILE);
    const badTail = files.find((f) => f.tail?.complete);
    let keptAt: string | undefined;
    if (damaged.length) keptAt = keepOriginals(dir, files, 'db repair: damaged records were skipped, every intact record was kept');
    else if (badTail) keptAt = keepOriginals(dir, files, `the last record of ${badTail.file} was complete but did not check; it was dropped at start`);

    // Rewritten before appending: after a repair or an unfinished compaction, or when the journal
    // is missing, has no header, or is older than the snapshot (a crash of an older version between its two renames).
    // The snapshot first: until it is in place, the old files still replay right.
    const snapshotGeneration = snapshot?.generation ?? 0;
    const rewrite = damaged.length > 0 || !!previous || !journalFile || journalGeneration === null || journalGeneration < snapshotGeneration;
    let journal: Journal;
    if (rewrite) {
      const gen = generation + 1;
      const snapshotBytes = writeSnapshotSync(dir, storage, gen);
      const header = encodeRecord({ o: 'gen', gen });
      writeSmallFileAtomically(dir, JOURNAL_FILE, header);
      rmSync(join(dir, PREVIOUS_JOURNAL_FILE), { force: true });
      fsyncDir(dir);
      journal = new Journal(dir, openSync(join(dir, JOURNAL_FILE), 'a', PRIVATE_FILE_MODE), storage, unlock, snapshotBytes, header.length, gen);
    } else {
      if (journalFile!.tail) {
        // A torn last record (a write cut short by a crash): cut it off before appending.
        const fd = openSync(join(dir, JOURNAL_FILE), 'r+');
        ftruncateSync(fd, journalFile!.validEnd);
        fsyncSync(fd);
        closeSync(fd);
      }
      journal = new Journal(
        dir,
        openSync(join(dir, JOURNAL_FILE), 'a', PRIVATE_FILE_MODE),
        storage,
        unlock,
        snapshot?.bytes ?? 0,
        journalFile!.validEnd,
        generation,
      );
    }
    storage.onChange((r, docBytes) => journal.record(r.o === 'put' && docBytes ? encodePut(r.d, r.c, docBytes) : encodeRecord(r)));
    const report: ReplayReport = {
      files,
      snapshotRecords: snapshot?.replayed ? Math.max(0, snapshot.records - 1) : 0,
      journalRecords: files
        .filter((f) => f.file !== SNAPSHOT_FILE && f.replayed)
        .reduce((n, f) => n + Math.max(0, f.records - (f.generation !== null ? 1 : 0)), 0),
      droppedBytes: files.reduce((n, f) => n + (f.file !== SNAPSHOT_FILE && f.tail ? f.tail.length : 0), 0),
      failedRecords,
      ...(firstFailure ? { firstFailure } : {}),
      ...(keptAt ? { keptAt } : {}),
    };
    return { journal, report };
  }

  /**
   * Queues a record until the command's commit. A command that changes a lot (an updateMany over
   * a million documents) has its records written as they pile up, a megabyte at a time, rather
   * than in one write of hundreds of megabytes at its end.
   */
  private record(buf: Buffer): void {
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    // A failed write fails the command's commit, which waits on the same queue.
    if (this.pendingBytes >= PENDING_WRITE_BYTES) this.writePending().catch(() => undefined);
  }

  /**
   * Writes the changes of the last command; resolves once they are written, before its reply.
   * `sync` (j: true) also waits for the disk. The writes are queued and done off the event loop
   * (a write can block for long when the file system is busy), in order.
   */
  async commit(sync: boolean): Promise<void> {
    if (this.closed) return;
    await this.writePending();
    if (sync && this.dirty) {
      const fd = this.fd;
      this.dirty = false;
      // In the queue too, so closing waits for it.
      await this.chain(this.writes.then(() => new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())))));
    }
    if (!this.compacting && this.journalBytes > Math.max(COMPACT_AFTER_BYTES, this.snapshotBytes)) void this.compact();
  }

  /**
   * Compacts while clients keep working: a new journal first, then the snapshot in slices that
   * give the event loop back, then the old journal goes. Resolves when done (or abandoned by close).
   */
  compact(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!this.compacting) {
      const run = async () => {
        await Promise.resolve(); // `compacting` is set before any work starts
        await this.runCompaction(new Yielder());
      };
      this.compacting = run().finally(() => {
        this.compacting = null;
      });
    }
    return this.compacting;
  }

  /** Queues the pending records for writing to the current journal; resolves when every queued write is done. */
  private writePending(): Promise<void> {
    if (!this.pending.length) return this.writes;
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    return this.enqueue(this.fd, buf);
  }

  /**
   * Appends to a journal file after every write queued before (records stay in order). Records
   * queued while a write is under way go out together in the next one (a group commit): under a
   * burst, eight clients' commits cost one write instead of eight (docs/embedded-db.md).
   */
  private enqueue(fd: number, buf: Buffer): Promise<void> {
    this.dirty = true;
    this.journalBytes += buf.length;
    if (this.idle && buf.length <= SMALL_WRITE_BYTES) {
      // Nothing queued: a small record goes to the file at once (the page cache, tens of
      // microseconds), which keeps a lone client's insert rate; big ones and busy moments queue
      // off the event loop, where a slow file system cannot stall every client.
      try {
        writeAll(fd, buf);
        return Promise.resolve();
      } catch {
        // the queued way below meets the same failure and reports it in order
      }
    }
    const waiting = this.nextWrite;
    if (waiting && waiting.fd === fd) {
      waiting.bufs.push(buf);
      waiting.bytes += buf.length;
      return waiting.done;
    }
    const batch: PendingWrite = { fd, bufs: [buf], bytes: buf.length, done: Promise.resolve() };
    this.nextWrite = batch;
    batch.done = this.writes.then(() => {
      // From here on, new records wait for the next write.
      if (this.nextWrite === batch) this.nextWrite = null;
      return appendAll(fd, batch.bufs.length === 1 ? batch.bufs[0]! : Buffer.concat(batch.bufs, batch.bytes));
    });
    return this.chain(batch.done);
  }

  /** Makes `p` the end of the write chain; the journal is idle again once it succeeds and nothing was chained after it. */
  private chain(p: Promise<void>): Promise<void> {
    const seq = ++this.chainSeq;
    this.idle = false;
    this.writes = p;
    p.then(
      () => {
        if (this.chainSeq === seq) this.idle = true;
      },
      () => undefined,
    );
    return p;
  }

  /**
   * Starts a new journal; the old one becomes journal-prev.bin. Nothing here waits for the disk
   * (an fsync on a busy file system can take seconds): the old journal is flushed in the
   * background, the new one like any journal. A crash before they reach the disk leaves states
   * the start replays right (no new journal, or one without its header yet, is replayed whole).
   */
  private rotate(): void {
    // Queued writes to the old journal still land in it after the rename (same file, same descriptor).
    this.writePending().catch(() => undefined);
    const old = this.fd;
    renameSync(join(this.dir, JOURNAL_FILE), join(this.dir, PREVIOUS_JOURNAL_FILE));
    this.generation += 1;
    this.fd = openSync(join(this.dir, JOURNAL_FILE), 'a', PRIVATE_FILE_MODE);
    this.journalBytes = 0;
    this.enqueue(this.fd, encodeRecord({ o: 'gen', gen: this.generation })).catch(() => undefined);
    this.chain(this.writes.then(() => new Promise<void>((resolve) => fsync(old, () => (closeSync(old), resolve())))));
  }

  private async runCompaction(y: Yielder): Promise<void> {
    const started = performance.now();
    if (!existsSync(join(this.dir, PREVIOUS_JOURNAL_FILE))) this.rotate();
    const tmp = join(this.dir, SNAPSHOT_TMP);
    const file = await openFile(tmp, 'w', PRIVATE_FILE_MODE);
    let bytes = 0;
    let complete = false;
    try {
      let chunk: Buffer[] = [encodeRecord({ o: 'gen', gen: this.generation })];
      let chunkBytes = chunk[0]!.length;
      const flush = async () => {
        const data = Buffer.concat(chunk, chunkBytes);
        chunk = [];
        chunkBytes = 0;
        let off = 0;
        while (off < data.length) off += (await file.write(data, off, data.length - off)).bytesWritten;
        bytes += data.length;
      };
      for (const record of this.storage.snapshot()) {
        const encoded = encodeRecord(record);
        chunk.push(encoded);
        chunkBytes += encoded.length;
        if (chunkBytes >= WRITE_CHUNK_BYTES) await flush();
        if (y.due()) await y.pause();
        if (this.abortCompaction) return;
      }
      await flush();
      await file.sync();
      complete = true;
    } finally {
      await file.close();
      if (!complete) rmSync(tmp, { force: true });
    }
    if (this.closed && this.abortCompaction) return;
    renameSync(tmp, join(this.dir, SNAPSHOT_FILE));
    await fsyncDirAsync(this.dir);
    // Only now is the old journal inside a snapshot on disk. Unlinking a large file takes a while: not on the event loop.
    await rm(join(this.dir, PREVIOUS_JOURNAL_FILE), { force: true });
    this.snapshotBytes = bytes;
    this.lastCompaction = { at: new Date(), ms: Math.round(performance.now() - started), snapshotBytes: bytes };
  }

  /** Every 100 ms: the written records reach the disk (after the writes queued so far). */
  private flushToDisk(): void {
    if (!this.dirty || this.syncing || this.closed) return;
    this.dirty = false;
    this.syncing = true;
    const fd = this.fd;
    void this.writes.catch(() => undefined).then(() => fsync(fd, () => (this.syncing = false)));
  }

  /** Flushes and releases the directory; a compaction under way is abandoned (its files replay right). */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.commit(true);
    this.closed = true;
    if (this.compacting) {
      this.abortCompaction = true;
      await this.compacting.catch(() => undefined);
    }
    await this.writes.catch(() => undefined);
    closeSync(this.fd);
    this.fd = -1;
    this.unlock();
  }
}

export type { Damage };
