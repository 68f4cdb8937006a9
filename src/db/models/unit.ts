import { Schema } from 'mongoose';

/** A unit (CĐCS / school / office) of one unit list; bots name the list they use. */
export interface Unit {
  listId: string;
  unitId: string;
  name: string;
  /** Members in the unit, when known: participation rate = participants / size. */
  size: number | null;
  parent: string | null;
  /** Shipped illustrative data, not a real organisation's list. */
  example: boolean;
  retiredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const unitSchema = new Schema<Unit>(
  {
    listId: { type: String, required: true },
    unitId: { type: String, required: true },
    name: { type: String, required: true },
    size: { type: Number, default: null },
    parent: { type: String, default: null },
    example: { type: Boolean, default: false },
    retiredAt: { type: Date, default: null },
  },
  { timestamps: true },
);
unitSchema.index({ listId: 1, unitId: 1 }, { unique: true });
