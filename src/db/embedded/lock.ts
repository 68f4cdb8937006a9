import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from './files.js';

/** The lock file in the data directory, named as mongod names its own. */
export const LOCK_FILE = 'mongod.lock';

/** Whether a process with this pid is alive (EPERM means alive but not ours). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Thrown when another live process (or this one) already holds the data directory. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`${path} is in use by process ${pid}`);
    this.name = 'DataDirectoryInUseError';
  }
}

/**
 * Takes the data directory for this process: `mongod.lock` created exclusively with our pid, so
 * two processes never append to one journal. A lock left by a dead process is taken over.
 * Returns the release function.
 */
export function lockDataDirectory(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      } catch {
        // vanished between open and read: try again
      }
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) throw new DataDirectoryInUseError(dir, owner);
      try {
        unlinkSync(file); // stale: its owner is dead
      } catch {
        // someone else removed it first
      }
    }
  }
  throw new Error(`could not lock ${dir}`);
}
