import { createHash } from 'node:crypto';

/** A stable unsigned 32-bit number for a string: the same everywhere, every run. */
export function hash32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
