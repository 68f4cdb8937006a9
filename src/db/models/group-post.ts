import { Schema } from 'mongoose';

export const GROUP_POST_STATUSES = ['sending', 'sent', 'failed'] as const;
export type GroupPostStatus = (typeof GROUP_POST_STATUSES)[number];

/**
 * One broadcast posted once into one Zalo group (zca-js), whoever in the audience it reaches. The
 * `_id` `<broadcastId>:<bot>:<groupId>` is the exactly-once key: the first delivery that inserts it
 * posts; the others wait for its result.
 */
export interface GroupPost {
  _id: string;
  broadcastId: string;
  bot: string;
  groupId: string;
  status: GroupPostStatus;
  /** The batch run posting it, and when it claimed it: a claim older than the batch lease was interrupted by a crash. */
  owner: string;
  claimedAt: Date;
  attempts: number;
  messageIds: string[];
  sentAt: Date | null;
  error: string | null;
}

export const groupPostSchema = new Schema<GroupPost>(
  {
    _id: { type: String, required: true },
    broadcastId: { type: String, required: true },
    bot: { type: String, required: true },
    groupId: { type: String, required: true },
    status: { type: String, required: true, enum: GROUP_POST_STATUSES },
    owner: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    messageIds: { type: [String], default: [] },
    sentAt: { type: Date, default: null },
    error: { type: String, default: null },
  },
  { collection: 'groupposts', versionKey: false },
);
groupPostSchema.index({ broadcastId: 1, status: 1 });
