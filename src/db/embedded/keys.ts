import { EJSON } from 'bson';
import { toNumber, typeRank } from './compare.js';

/**
 * Canonical string keys for index entries and `_id` lookups: two values that MongoDB considers
 * equal (1, 1.0 and Long(1); two ObjectIds with the same hex) get the same key.
 */
export function valueKey(v: unknown): string {
  const rank = typeRank(v);
  switch (rank) {
    case 2:
      return '2';
    case 3: {
      const n = toNumber(v);
      return `3:${Object.is(n, -0) ? 0 : n}`;
    }
    case 4:
      return `4:${String(v)}`;
    case 8:
      return `8:${(v as { toHexString(): string }).toHexString()}`;
    case 9:
      return `9:${v ? 1 : 0}`;
    case 10:
      return `10:${(v as Date).getTime()}`;
    case 1:
    case 13:
      return String(rank);
    default:
      return `${rank}:${EJSON.stringify(v as never, { relaxed: true })}`;
  }
}

/** Whether a value is one an index can look up by equality (not an array, object or regex). */
export function isIndexableScalar(v: unknown): boolean {
  const r = typeRank(v);
  return r !== 5 && r !== 6 && r !== 12;
}
