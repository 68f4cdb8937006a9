import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { parse as csvParser } from 'csv-parse';
import { InvalidError, TooLargeError } from '../../domain/index.js';

/**
 * Limits and checks for a spreadsheet someone hands us (the admin API's upload, the CLI's import),
 * applied before any real work: a 9.6 MB CSV of 33,115 rows once kept the server busy for minutes
 * and an XLSX that inflated to 1 GB took it down. Every refusal says why, with the line where it can.
 */
export const IMPORT_LIMITS = {
  /** The file itself (the API's body limit). */
  bytes: 4 * 1024 * 1024,
  /** Data rows: the whole shipped bank is a few hundred questions. */
  rows: 2000,
  /** What an XLSX (a zip) may unpack to, all entries together; 2,000 real rows take about 5 MB. */
  inflatedBytes: 16 * 1024 * 1024,
  zipEntries: 500,
} as const;

/** Why a file cannot be read, said in the caller's language by the API (errors.json `problem.<code>`). */
export type UnreadableProblem = 'nul' | 'not_utf8' | 'csv_quote' | 'csv' | 'not_xlsx' | 'xlsx_parts' | 'xlsx_damaged' | 'xlsx_compression';

/** An import refused as unreadable: the problem as a code with its line (0: none), and in English for the terminal. */
export const unreadable = (problem: UnreadableProblem, reason: string, line = 0) => new InvalidError('import_unreadable', { problem, line, reason });
const tooManyRows = () => new InvalidError('import_too_many_rows', { max: IMPORT_LIMITS.rows });
/** Lets other requests run between chunks of work. */
const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

const lineAt = (bytes: Buffer, offset: number) => {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
};

/** Offset of the first byte that is not part of valid UTF-8, or -1. */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/**
 * A CSV file's bytes as text: UTF-8 only (with or without BOM), no NUL characters. Text saved in a
 * legacy code page would otherwise be stored as "C�u h�i"; a NUL means it is not a text file.
 */
export function csvText(bytes: Buffer): string {
  if (bytes.length > IMPORT_LIMITS.bytes) throw new TooLargeError('import_too_large', { max: IMPORT_LIMITS.bytes });
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw unreadable('nul', `line ${lineAt(bytes, nul)}: a NUL character; this is not a text file (save the sheet as "CSV UTF-8")`, lineAt(bytes, nul));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    const line = lineAt(bytes, Math.max(0, firstInvalidUtf8(bytes)));
    throw unreadable('not_utf8', `line ${line}: the file is not UTF-8 text (save the sheet as "CSV UTF-8", not in a Windows code page)`, line);
  }
}

/**
 * Parses CSV text into records, 64 KB at a time with a pause between chunks so the server keeps
 * answering; stops as soon as there are more rows than IMPORT_LIMITS.rows (plus the header).
 */
export async function parseCsvRecords(text: string, delimiter: string): Promise<string[][]> {
  const records: string[][] = [];
  const parser = csvParser({ delimiter, relax_column_count: true, skip_empty_lines: false });
  let failure: unknown = null;
  parser.on('readable', () => {
    let r: string[] | null;
    while ((r = parser.read() as string[] | null) !== null) records.push(r);
  });
  parser.on('error', (err) => (failure ??= err));
  const ended = new Promise<void>((resolve) => parser.once('end', resolve).once('error', () => resolve()));
  for (let i = 0; i < text.length && !failure; i += 65_536) {
    parser.write(text.slice(i, i + 65_536));
    await yieldToOthers();
    if (records.length > IMPORT_LIMITS.rows + 1) {
      parser.destroy();
      throw tooManyRows();
    }
  }
  if (!failure) parser.end();
  await ended;
  if (failure) {
    const e = failure as Error & { code?: string; lines?: number };
    throw unreadable(e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'csv_quote' : 'csv', e.message, e.lines ?? 0);
  }
  if (records.length > IMPORT_LIMITS.rows + 1) throw tooManyRows();
  return records;
}

/** Refuses a table with more data rows than allowed (XLSX rows are counted after reading). */
export function checkRowCount(dataRows: number): void {
  if (dataRows > IMPORT_LIMITS.rows) throw tooManyRows();
}

const inflate = promisify(inflateRaw);

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressed: number;
  readonly size: number;
  readonly localHeader: number;
}

/** The entries of a zip's central directory (https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT, 4.3.12 and 4.3.16). */
function zipEntries(zip: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable('not_xlsx', 'not an XLSX workbook (no zip directory); save it again as "Excel Workbook (.xlsx)"');
  const count = zip.readUInt16LE(eocd + 10);
  if (count > IMPORT_LIMITS.zipEntries) throw unreadable('xlsx_parts', `the workbook has ${count} parts; an XLSX of questions has a few dozen`);
  const entries: ZipEntry[] = [];
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw unreadable('xlsx_damaged', 'the workbook’s zip directory is damaged');
    const nameLength = zip.readUInt16LE(at + 28);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      method: zip.readUInt16LE(at + 10),
      compressed: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localHeader: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

/**
 * Checks an XLSX before anything unpacks it: the sizes its zip directory declares add up to at most
 * IMPORT_LIMITS.inflatedBytes, and each part really inflates to no more than it declares (a zip
 * bomb may lie in its directory). Inflating runs on libuv's thread pool, not on the event loop.
 */
export async function checkXlsxSize(zip: Buffer): Promise<void> {
  if (zip.length > IMPORT_LIMITS.bytes) throw new TooLargeError('import_too_large', { max: IMPORT_LIMITS.bytes });
  const entries = zipEntries(zip);
  const declared = entries.reduce((sum, e) => sum + e.size, 0);
  if (declared > IMPORT_LIMITS.inflatedBytes || entries.some((e) => e.size === 0xffffffff)) {
    throw new TooLargeError('import_inflated_too_large', { max: IMPORT_LIMITS.inflatedBytes });
  }
  for (const e of entries) {
    if (e.localHeader + 30 > zip.length || zip.readUInt32LE(e.localHeader) !== 0x04034b50) throw unreadable('xlsx_damaged', `the workbook part ${e.name} is damaged`);
    const start = e.localHeader + 30 + zip.readUInt16LE(e.localHeader + 26) + zip.readUInt16LE(e.localHeader + 28);
    const data = zip.subarray(start, start + e.compressed);
    if (e.method === 0) {
      if (e.compressed !== e.size) throw unreadable('xlsx_damaged', `the workbook part ${e.name} is damaged`);
      continue;
    }
    if (e.method !== 8) throw unreadable('xlsx_compression', `the workbook part ${e.name} uses an unknown compression`);
    try {
      await inflate(data, { maxOutputLength: Math.max(1, e.size) });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new TooLargeError('import_inflated_too_large', { max: IMPORT_LIMITS.inflatedBytes });
      throw unreadable('xlsx_damaged', `the workbook part ${e.name} is damaged (${(err as Error).message})`);
    }
  }
}
