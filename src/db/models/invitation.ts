import { Schema, type Types } from 'mongoose';

/**
 * A member's personal invitation ("Mời đồng nghiệp", src/learning): one per inviter and bot, with
 * the inviter's unit when it was made, and how many colleagues joined through it.
 */
export interface Invitation {
  bot: string;
  /** Eight symbols of src/quiz/code.ts, stored without the dash. */
  code: string;
  inviterId: Types.ObjectId;
  /** The inviter's unit: joins count for the unit leaderboard's invitations. */
  unitId: string | null;
  /** Joins credited (kept equal to the InvitationJoin documents of this code). */
  joins: number;
  createdAt: Date;
  updatedAt: Date;
}

export const invitationSchema = new Schema<Invitation>(
  {
    bot: { type: String, required: true },
    code: { type: String, required: true },
    inviterId: { type: Schema.Types.ObjectId, required: true },
    unitId: { type: String, default: null },
    joins: { type: Number, default: 0 },
  },
  { timestamps: true },
);
invitationSchema.index({ code: 1 }, { unique: true });
invitationSchema.index({ bot: 1, inviterId: 1 }, { unique: true });
invitationSchema.index({ bot: 1, unitId: 1 });

/**
 * One credited join: unique per bot and invitee, so an invitee is credited once, to the first
 * invitation that brought them, however many links they follow.
 */
export interface InvitationJoin {
  bot: string;
  code: string;
  inviterId: Types.ObjectId;
  unitId: string | null;
  inviteeId: Types.ObjectId;
  joinedAt: Date;
}

export const invitationJoinSchema = new Schema<InvitationJoin>({
  bot: { type: String, required: true },
  code: { type: String, required: true },
  inviterId: { type: Schema.Types.ObjectId, required: true },
  unitId: { type: String, default: null },
  inviteeId: { type: Schema.Types.ObjectId, required: true },
  joinedAt: { type: Date, required: true },
});
invitationJoinSchema.index({ bot: 1, inviteeId: 1 }, { unique: true });
invitationJoinSchema.index({ bot: 1, unitId: 1, joinedAt: 1 });
