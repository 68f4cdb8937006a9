import { chmodSync, closeSync, fchmodSync, fstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The data directory belongs to one user: the directory is 0700 and every file in it 0600, so
 * no other local account can read the journal (admin password hashes, members' names), the
 * published URI or the password, nor reach the Unix socket inside it.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates the data directory with mode 0700, or tightens an existing one: the directory to 0700
 * and every regular file in it to 0600 (files written by older versions were 0644). Returns a
 * warning when the directory belongs to another user (its owner, not us, decides who reads it).
 */
export function securePrivateDirectory(dir: string): string | null {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const st = statSync(dir);
  if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(dir, entry.name);
    if ((statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    return `${dir} belongs to user ${st.uid}, not to this process (user ${uid}): that user can read the data and reach the database socket`;
  }
  return null;
}

/** Writes a whole file readable by its owner only (0600, also when it existed with another mode). */
export function writePrivateFile(file: string, content: string): void {
  const fd = openSync(file, 'w', PRIVATE_FILE_MODE);
  try {
    if ((fstatSync(fd).mode & 0o777) !== PRIVATE_FILE_MODE) fchmodSync(fd, PRIVATE_FILE_MODE);
    const buf = Buffer.from(content, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
  } finally {
    closeSync(fd);
  }
}

/** A fresh directory only this user can enter (mkdtemp creates it 0700), for a socket of an in-memory server. */
export function privateTempDirectory(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'cds-db-'));
  chmodSync(path, PRIVATE_DIR_MODE);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
