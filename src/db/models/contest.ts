import { Schema, type Types } from 'mongoose';
import { CHANNELS, type ChannelName } from '../../domain/index.js';

export const CONTEST_ATTEMPT_STATUSES = ['open', 'finished', 'expired'] as const;
export type ContestAttemptStatus = (typeof CONTEST_ATTEMPT_STATUSES)[number];

/**
 * One attempt at a contest round (src/conversation). Rounds are computed from the bot's contest
 * configuration (single, or weekly blocks of the window), so they need no collection of their own;
 * a finished or expired attempt is an entry of its round, and the best entry per participant counts.
 */
export interface ContestAttempt {
  bot: string;
  contestId: string;
  /** "1" for a single round, "1", "2"... for weekly rounds. */
  round: string;
  participantId: Types.ObjectId;
  channel: ChannelName;
  unitId: string | null;
  displayName: string | null;
  /** The questions drawn for this attempt, in order, with the revision shown. */
  questions: Array<{ questionId: string; revision: string }>;
  status: ContestAttemptStatus;
  startedAt: Date;
  /** startedAt + the time limit: the server ignores answers after it. */
  deadline: Date;
  finishedAt: Date | null;
  answered: number;
  correct: number;
  prediction: number | null;
  timeTakenMs: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export const contestAttemptSchema = new Schema<ContestAttempt>(
  {
    bot: { type: String, required: true },
    contestId: { type: String, required: true },
    round: { type: String, required: true },
    participantId: { type: Schema.Types.ObjectId, required: true },
    channel: { type: String, required: true, enum: CHANNELS },
    unitId: { type: String, default: null },
    displayName: { type: String, default: null },
    questions: {
      type: [new Schema({ questionId: { type: String, required: true }, revision: { type: String, required: true } }, { _id: false })],
      default: [],
    },
    status: { type: String, required: true, enum: CONTEST_ATTEMPT_STATUSES, default: 'open' },
    startedAt: { type: Date, required: true },
    deadline: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    answered: { type: Number, default: 0 },
    correct: { type: Number, default: 0 },
    prediction: { type: Number, default: null },
    timeTakenMs: { type: Number, default: null },
  },
  { timestamps: true },
);
contestAttemptSchema.index({ bot: 1, contestId: 1, round: 1, status: 1 });
contestAttemptSchema.index({ participantId: 1, contestId: 1, round: 1 });
contestAttemptSchema.index({ status: 1, deadline: 1 });
