import { Schema } from 'mongoose';

/**
 * A lease held by one process until `expiresAt`: per-participant inbox ordering and the Zalo token
 * refresh lock. In the database, never in memory, so it holds across processes on one database.
 */
export interface Lease {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export const leaseSchema = new Schema<Lease>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'leases', versionKey: false },
);
