import { Schema, type HydratedDocument } from 'mongoose';
import { QUESTION_STATUSES, type Locale, type QuestionStatus } from '../../domain/index.js';

export interface QuestionText {
  question: string;
  options: string[];
  explanation: string;
}

/** Who wrote a question and who checked it against its facts (dates YYYY-MM-DD). */
export interface QuestionReview {
  author: string;
  writtenAt: string;
  reviewer: string | null;
  reviewedAt: string | null;
}

/**
 * A question of the bank as synced from content/questions. `revision` is the hash of its content:
 * a changed question gets a new revision, and answers keep the revision they answered.
 * A question removed from content is retired (`retiredAt`), never deleted. Only a `published`
 * question is live (asked by bots); `facts` are content/facts ids, shown to members as documents.
 */
export interface Question {
  questionId: string;
  revision: string;
  topic: string;
  difficulty: 1 | 2 | 3;
  /** 0-based index of the right option. */
  answer: number;
  vi: QuestionText;
  en: QuestionText | null;
  facts: string[];
  tags: string[];
  /** Province-specific question (seed slug): only that province's bots and the demo ask it. */
  province: string | null;
  review: QuestionReview;
  status: QuestionStatus;
  /** A picture (file name in content/media) sent before the question; null without one. */
  image: string | null;
  /** A picture sent with the explanation, after the answer; null without one. */
  explanationImage: string | null;
  retiredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const reviewSchema = new Schema<QuestionReview>(
  {
    author: { type: String, required: true },
    writtenAt: { type: String, required: true },
    reviewer: { type: String, default: null },
    reviewedAt: { type: String, default: null },
  },
  { _id: false },
);

const textSchema = new Schema<QuestionText>(
  {
    question: { type: String, required: true },
    options: { type: [String], required: true },
    explanation: { type: String, required: true },
  },
  { _id: false },
);

export const questionSchema = new Schema<Question>(
  {
    questionId: { type: String, required: true },
    revision: { type: String, required: true },
    topic: { type: String, required: true },
    difficulty: { type: Number, required: true, min: 1, max: 3 },
    answer: { type: Number, required: true, min: 0, max: 3 },
    vi: { type: textSchema, required: true },
    en: { type: textSchema, default: null },
    facts: { type: [String], default: [] },
    tags: { type: [String], default: [] },
    province: { type: String, default: null },
    review: { type: reviewSchema, required: true },
    status: { type: String, enum: QUESTION_STATUSES, required: true },
    image: { type: String, default: null },
    explanationImage: { type: String, default: null },
    retiredAt: { type: Date, default: null },
  },
  { timestamps: true },
);
questionSchema.index({ questionId: 1 }, { unique: true });
questionSchema.index({ topic: 1, retiredAt: 1, status: 1 });

/** Every revision a question ever had, so an old answer can still show what was asked. */
export type QuestionRevision = Omit<Question, 'retiredAt' | 'updatedAt'>;

export const questionRevisionSchema = new Schema<QuestionRevision>(
  {
    questionId: { type: String, required: true },
    revision: { type: String, required: true },
    topic: { type: String, required: true },
    difficulty: { type: Number, required: true },
    answer: { type: Number, required: true },
    vi: { type: textSchema, required: true },
    en: { type: textSchema, default: null },
    facts: { type: [String], default: [] },
    tags: { type: [String], default: [] },
    province: { type: String, default: null },
    review: { type: reviewSchema, required: true },
    status: { type: String, enum: QUESTION_STATUSES, required: true },
    image: { type: String, default: null },
    explanationImage: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
questionRevisionSchema.index({ questionId: 1, revision: 1 }, { unique: true });

/** The text of a question in a locale, falling back to Vietnamese. */
export function questionText(q: Pick<Question, 'vi' | 'en'>, locale: Locale): QuestionText {
  return locale === 'en' && q.en ? q.en : q.vi;
}

export type QuestionDoc = HydratedDocument<Question>;
