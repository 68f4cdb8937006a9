import { Schema } from 'mongoose';

/**
 * A paid path's daily quota of one bot, e.g. `demo:zalo_promotion:2026-10-10` (local day): a slot is
 * taken before each send with a conditional `$inc`, so concurrent batches never exceed `limit`. The
 * platform stays the authority: its "out of quota" (-211) sets `exhausted`.
 */
export interface ReachQuota {
  _id: string;
  used: number;
  limit: number;
  exhausted: boolean;
  updatedAt: Date | null;
}

export const reachQuotaSchema = new Schema<ReachQuota>(
  {
    _id: { type: String, required: true },
    used: { type: Number, default: 0 },
    limit: { type: Number, required: true },
    exhausted: { type: Boolean, default: false },
    updatedAt: { type: Date, default: null },
  },
  { collection: 'reachquotas', versionKey: false },
);
