import type { Model } from 'mongoose';
import type { Lease } from '../db/index.js';
import type { Clock } from '../domain/index.js';

/**
 * Leases in the database: whoever holds `key` until `expiresAt` is the only one working on it,
 * across every process on the database. An expired lease may be taken over (its holder crashed).
 */
export interface Leases {
  readonly owner: string;
  acquire(key: string, ms: number): Promise<boolean>;
  /** Extends a lease we hold; false when we lost it. */
  renew(key: string, ms: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

const isDuplicate = (err: unknown) => (err as { code?: number })?.code === 11000;

export function createLeases(model: Model<Lease>, owner: string, clock: Clock): Leases {
  const coll = model.collection;
  return {
    owner,
    async acquire(key, ms) {
      const now = clock();
      try {
        // Upsert: takes a free, expired or own lease; a live lease of another owner makes the
        // filter miss and the insert collide on _id, which means "held".
        const res = await coll.findOneAndUpdate(
          { _id: key as never, $or: [{ expiresAt: { $lte: now } }, { owner }] },
          { $set: { owner, expiresAt: new Date(now.getTime() + ms) } },
          { upsert: true, returnDocument: 'after' },
        );
        return (res as { owner?: string } | null)?.owner === owner;
      } catch (err) {
        if (isDuplicate(err)) return false;
        throw err;
      }
    },
    async renew(key, ms) {
      const res = await coll.updateOne({ _id: key as never, owner }, { $set: { expiresAt: new Date(clock().getTime() + ms) } });
      return res.matchedCount === 1;
    },
    async release(key) {
      await coll.deleteOne({ _id: key as never, owner });
    },
  };
}
