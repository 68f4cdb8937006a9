import { Schema } from 'mongoose';

/**
 * What fairness keeps after a member deletes their data, and nothing else: under a keyed hash of
 * the platform id (no name, no unit, no answers), that today's question was answered, or how many
 * attempts were used in an open contest round. Each mark expires on its own (`expiresAt`, a TTL
 * index): a daily mark when the day is over, a contest mark when the contest closes. Rejoining
 * with the same account finds them, so deleting and rejoining cannot replay today's question or
 * reset contest attempts.
 */
export interface FairnessMark {
  /** `<member hash>|daily|<day>` or `<member hash>|contest|<contest id>|<round>`. */
  _id: string;
  bot: string;
  kind: 'daily' | 'contest';
  /** Contest attempts used in the round (0 for a daily mark). */
  attempts: number;
  expiresAt: Date;
}

export const fairnessMarkSchema = new Schema<FairnessMark>(
  {
    _id: { type: String, required: true },
    bot: { type: String, required: true },
    kind: { type: String, enum: ['daily', 'contest'], required: true },
    attempts: { type: Number, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'fairness_marks', versionKey: false },
);
fairnessMarkSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
