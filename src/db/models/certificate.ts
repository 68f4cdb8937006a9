import { Schema, type Types } from 'mongoose';
import { LOCALES, type Locale } from '../../domain/index.js';

export const CERTIFICATE_KINDS = ['contest', 'streak'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/**
 * A certificate as issued (src/learning): what the card says, so `GET /verify/<code>` can confirm it
 * and the PNG can be drawn again at any time. One per subject (a contest attempt, a streak milestone
 * of a participant), so a redelivered event never issues two. Deleted with its participant.
 */
export interface Certificate {
  /** Eight symbols of src/quiz/code.ts, stored without the dash. */
  code: string;
  /** `contest:<attemptId>` or `streak:<participantId>:<days>`: what it certifies, once. */
  subject: string;
  kind: CertificateKind;
  bot: string;
  participantId: Types.ObjectId;
  locale: Locale;
  /** The organisation that runs the bot, as printed. */
  organisation: string;
  /** Display name and unit as printed (sanitised). */
  name: string;
  unit: string | null;
  /** Asia/Ho_Chi_Minh day the card is dated, YYYY-MM-DD. */
  day: string;
  contest: {
    contestId: string;
    name: string;
    round: string;
    correct: number;
    questionCount: number;
    /** Only once the results are final; null before. */
    rank: number | null;
    of: number | null;
  } | null;
  streak: { days: number } | null;
  issuedAt: Date;
}

export const certificateSchema = new Schema<Certificate>(
  {
    code: { type: String, required: true },
    subject: { type: String, required: true },
    kind: { type: String, required: true, enum: CERTIFICATE_KINDS },
    bot: { type: String, required: true },
    participantId: { type: Schema.Types.ObjectId, required: true },
    locale: { type: String, enum: LOCALES, default: 'vi' },
    organisation: { type: String, required: true },
    name: { type: String, required: true },
    unit: { type: String, default: null },
    day: { type: String, required: true },
    contest: {
      type: new Schema(
        {
          contestId: { type: String, required: true },
          name: { type: String, required: true },
          round: { type: String, required: true },
          correct: { type: Number, required: true },
          questionCount: { type: Number, required: true },
          rank: { type: Number, default: null },
          of: { type: Number, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    streak: { type: new Schema({ days: { type: Number, required: true } }, { _id: false }), default: null },
    issuedAt: { type: Date, required: true },
  },
  { minimize: false },
);
certificateSchema.index({ code: 1 }, { unique: true });
certificateSchema.index({ subject: 1 }, { unique: true });
certificateSchema.index({ participantId: 1 });
