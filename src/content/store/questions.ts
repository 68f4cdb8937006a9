import { z } from 'zod';
import {
  ConflictError,
  dayOf,
  fold,
  ForbiddenError,
  InvalidError,
  matchesSearch,
  NotFoundError,
  type QuestionStatus,
} from '../../domain/index.js';
import { botAsks, questionSchema, reviewSchema, type BotConfig, type QuestionContent } from '../schema.js';
import type { Actor } from './audit.js';
import type { Editor } from './editor.js';
import type { ContentStore } from './live.js';

/**
 * Questions as organisers edit them: create (a draft, in a topic one of their bots asks), change,
 * retire and restore, and the draft → reviewed → published workflow in which someone other than
 * the author reviews. Every save goes through the editor, so content:check's rules hold.
 */

const questionText = questionSchema.pick({ question: true, options: true, explanation: true });

/** `POST /questions`: the fields of a question in content/questions/*.yaml; id, review and status may be left out. */
export const questionInputSchema = questionSchema
  .extend({
    id: questionSchema.shape.id.optional(),
    review: reviewSchema.partial().strict().optional(),
    status: questionSchema.shape.status.optional(),
  })
  .strict();
export type QuestionInput = z.input<typeof questionInputSchema>;

/** `PATCH /questions/:id`: only the fields named change (no defaults here); `en` merges field by field. */
export const questionPatchSchema = z
  .object({
    topic: questionSchema.shape.topic.optional(),
    difficulty: questionSchema.shape.difficulty.optional(),
    question: questionText.shape.question.optional(),
    options: questionText.shape.options.optional(),
    answer: questionSchema.shape.answer.optional(),
    explanation: questionText.shape.explanation.optional(),
    facts: questionSchema.shape.facts.optional(),
    tags: z.array(z.string().min(1)).optional(),
    province: questionSchema.shape.id.nullable().optional(),
    en: questionText.partial().strict().optional(),
    /** A picture of content/media; null takes it away. */
    image: questionSchema.shape.image.unwrap().nullable().optional(),
    explanationImage: questionSchema.shape.explanationImage.unwrap().nullable().optional(),
  })
  .strict();
export type QuestionPatch = z.input<typeof questionPatchSchema>;

/** Fields whose change makes a reviewed text unreviewed again. */
const REVIEWED_FIELDS = ['topic', 'question', 'options', 'answer', 'explanation', 'facts', 'province', 'en', 'image', 'explanationImage'] as const;

/** A question with a PATCH applied: named fields change, `en` merges, an absent optional field is kept and a null one taken away. */
function patched(q: QuestionContent, p: z.output<typeof questionPatchSchema>): QuestionContent {
  const { en, province, image, explanationImage, ...rest } = p;
  const { province: shippedProvince, image: shippedImage, explanationImage: shippedExplanationImage, ...base } = q;
  // Absent: kept as it was; null: taken away.
  const kept = <T>(change: T | null | undefined, was: T | undefined) => (change === undefined ? was : (change ?? undefined));
  const keptProvince = kept(province, shippedProvince);
  const keptImage = kept(image, shippedImage);
  const keptExplanationImage = kept(explanationImage, shippedExplanationImage);
  const next: QuestionContent = {
    ...base,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    en: { ...q.en, ...(en ?? {}) },
    ...(keptProvince ? { province: keptProvince } : {}),
    ...(keptImage ? { image: keptImage } : {}),
    ...(keptExplanationImage ? { explanationImage: keptExplanationImage } : {}),
  };
  return next;
}

/** Whether an actor manages some bot that asks the question (admins manage every bot). */
export function actorAsks(actor: Actor, bots: readonly BotConfig[], q: Pick<QuestionContent, 'topic' | 'tags' | 'province'>): boolean {
  if (actor.role === 'admin') return true;
  return bots.some((b) => actor.bots!.includes(b.id) && botAsks(b, q));
}

/** The next free id in a topic: its usual prefix ("ds" for ds-001…) and the next number. */
export function nextQuestionId(topic: string, existing: ReadonlyArray<{ id: string; topic: string }>): string {
  const counts = new Map<string, number>();
  for (const q of existing) {
    const m = /^(.*)-(\d+)$/.exec(q.id);
    if (q.topic === topic && m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  const prefix =
    [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ??
    topic
      .split('-')
      .map((w) => w[0])
      .join('');
  const taken = existing.flatMap((q) => {
    const m = new RegExp(`^${prefix}-(\\d+)$`).exec(q.id);
    return m ? [Number(m[1])] : [];
  });
  const next = Math.max(0, ...taken) + 1;
  return `${prefix}-${String(next).padStart(3, '0')}`;
}

export interface QuestionRow {
  readonly question: QuestionContent;
  readonly retired: boolean;
  /** Edited in the pages (owned by the database) rather than as shipped. */
  readonly owned: boolean;
  readonly createdBy: string | null;
}

export function createQuestionEditor(deps: { editor: Editor; store: ContentStore; timeZone: string; clock: () => Date }) {
  const { editor, store } = deps;
  const today = () => dayOf(deps.clock(), deps.timeZone);

  /** Every question an actor may see: the live bank's and the retired ones the pages keep. */
  function rows(actor: Actor): QuestionRow[] {
    const owned = new Map(store.items().filter((i) => i.kind === 'question').map((i) => [i.key, i]));
    const live = store.live.questions.map((q) => ({ question: q, retired: false, owned: owned.has(q.id), createdBy: owned.get(q.id)?.createdBy ?? null }));
    const retired = [...owned.values()]
      .filter((i) => i.retired)
      .map((i) => ({ question: i.value as QuestionContent, retired: true, owned: true, createdBy: i.createdBy ?? null }));
    return [...live, ...retired].filter((r) => actorAsks(actor, store.live.bots, r.question));
  }

  function find(id: string): QuestionRow {
    const item = store.items().find((i) => i.kind === 'question' && i.key === id);
    if (item) return { question: item.value as QuestionContent, retired: item.retired, owned: true, createdBy: item.createdBy ?? null };
    const q = store.live.questions.find((x) => x.id === id);
    if (!q) throw new NotFoundError('question_not_found', { id });
    return { question: q, retired: false, owned: false, createdBy: null };
  }

  /** An organiser changes only questions they created for topics their bots ask; admins change any. */
  function requireEditable(actor: Actor, row: QuestionRow): void {
    if (actor.role === 'admin') return;
    if (row.createdBy !== actor.name || !actorAsks(actor, store.live.bots, row.question)) throw new ForbiddenError('question_forbidden', { id: row.question.id });
  }

  function requireTopic(actor: Actor, q: Pick<QuestionContent, 'topic' | 'tags' | 'province'>): void {
    if (!actorAsks(actor, store.live.bots, q)) throw new ForbiddenError('topic_forbidden', { topic: q.topic });
  }

  async function create(raw: QuestionInput, actor: Actor) {
    const input = questionInputSchema.parse(raw);
    requireTopic(actor, { topic: input.topic, tags: input.tags, province: input.province });
    if (input.status && input.status !== 'draft' && actor.role !== 'admin') throw new InvalidError('question_status_set_by_workflow');
    const known = [...store.live.questions, ...store.items().filter((i) => i.kind === 'question').map((i) => i.value as QuestionContent)];
    const id = input.id ?? nextQuestionId(input.topic, known);
    if (known.some((q) => q.id === id)) throw new ConflictError('content_item_exists', { kind: 'question', id });
    const question: QuestionContent = questionSchema.parse({
      ...input,
      id,
      review: { author: input.review?.author ?? actor.name, writtenAt: input.review?.writtenAt ?? today(), ...input.review },
      status: input.status ?? 'draft',
    });
    return editor.save({ kind: 'question', key: id, value: question, actor, action: 'create' });
  }

  async function patch(id: string, raw: QuestionPatch, actor: Actor) {
    const p = questionPatchSchema.parse(raw);
    const row = find(id);
    if (row.retired) throw new ConflictError('question_retired', { id });
    requireEditable(actor, row);
    const q = row.question;
    const next = patched(q, p);
    requireTopic(actor, next);
    // A text changed after its review is unreviewed again: it goes back to draft until someone reviews it.
    const changedText = REVIEWED_FIELDS.some((f) => JSON.stringify(next[f] ?? null) !== JSON.stringify(q[f] ?? null));
    const value = changedText && q.status !== 'draft' ? { ...next, status: 'draft' as const, review: { author: q.review.author, writtenAt: q.review.writtenAt } } : next;
    return editor.save({ kind: 'question', key: id, value: questionSchema.parse(value), actor, action: 'update' });
  }

  async function setRetired(id: string, actor: Actor, retired: boolean) {
    const row = find(id);
    requireEditable(actor, row);
    return editor.save({ kind: 'question', key: id, value: row.question, actor, action: retired ? 'retire' : 'restore', retired });
  }

  /** Review (draft → reviewed, by someone other than the author) or publish (reviewed → published). */
  async function advance(id: string, actor: Actor, step: 'review' | 'publish') {
    const row = find(id);
    return editor.save({ kind: 'question', key: id, value: advanced(row, actor, step, today(), store.live.bots), actor, action: step });
  }

  return {
    rows,
    find,
    create,
    patch,
    retire: (id: string, actor: Actor) => setRetired(id, actor, true),
    restore: (id: string, actor: Actor) => setRetired(id, actor, false),
    review: (id: string, actor: Actor) => advance(id, actor, 'review'),
    publish: (id: string, actor: Actor) => advance(id, actor, 'publish'),
  };
}

export type QuestionEditor = ReturnType<typeof createQuestionEditor>;

/** The question after a review or a publish step, checked: its status, the reviewer, who may. */
function advanced(row: QuestionRow, actor: Actor, step: 'review' | 'publish', today: string, bots: readonly BotConfig[]): QuestionContent {
  const id = row.question.id;
  if (row.retired) throw new ConflictError('question_retired', { id });
  if (!actorAsks(actor, bots, row.question)) throw new ForbiddenError('question_forbidden', { id });
  const q = row.question;
  const needed: QuestionStatus = step === 'review' ? 'draft' : 'reviewed';
  if (q.status !== needed) throw new ConflictError('question_wrong_status', { id, status: q.status, action: step, needed });
  if (step === 'publish') return { ...q, status: 'published' };
  if (fold(q.review.author) === fold(actor.name) || row.createdBy === actor.name) throw new ForbiddenError('reviewer_is_author', { id });
  return { ...q, status: 'reviewed', review: { ...q.review, reviewer: actor.name, reviewedAt: today } };
}

// ---------------------------------------------------------------------------------- search

export interface QuestionFilter {
  readonly q?: string | undefined;
  readonly topic?: string | undefined;
  /** Only questions this bot asks. */
  readonly bot?: string | undefined;
  readonly difficulty?: 1 | 2 | 3 | undefined;
  /** A status, or `retired`. */
  readonly status?: QuestionStatus | 'retired' | undefined;
  /** Accuracy bounds, 0–1: questions without answers are left out when either is given. */
  readonly minAccuracy?: number | undefined;
  readonly maxAccuracy?: number | undefined;
  /** Only questions whose answers contradict their difficulty (see `calibrate`). */
  readonly miscalibrated?: boolean | undefined;
}

/** The words of a question a search looks in: both languages, the options and the explanation. */
const searchable = (q: QuestionContent) => [q.question, ...q.options, q.explanation, q.en.question, ...q.en.options].join(' \n ');

/** Rows matching a filter; `accuracy` gives a question's figures (from the statistics room). */
export function filterQuestions<R extends QuestionRow>(
  rows: readonly R[],
  f: QuestionFilter,
  ctx: { bots: readonly BotConfig[]; accuracy: (id: string) => { answers: number; accuracy: number | null } | undefined },
): R[] {
  const bot = f.bot ? ctx.bots.find((b) => b.id === f.bot) : undefined;
  return rows.filter(({ question: q, retired }) => {
    if (f.status === 'retired' ? !retired : retired || (f.status && q.status !== f.status)) return false;
    if (f.topic && q.topic !== f.topic) return false;
    if (f.bot && (!bot || !botAsks(bot, q))) return false;
    if (f.difficulty && q.difficulty !== f.difficulty) return false;
    if (f.q && !matchesSearch(`${q.id} ${searchable(q)}`, f.q)) return false;
    const a = ctx.accuracy(q.id);
    if (f.minAccuracy !== undefined || f.maxAccuracy !== undefined) {
      if (a?.accuracy === null || a?.accuracy === undefined) return false;
      if (f.minAccuracy !== undefined && a.accuracy < f.minAccuracy) return false;
      if (f.maxAccuracy !== undefined && a.accuracy > f.maxAccuracy) return false;
    }
    if (f.miscalibrated && (!a || calibrate(q.difficulty, a.answers, a.accuracy) === null)) return false;
    return true;
  });
}

// ---------------------------------------------------------------------------------- calibration

/** Answers needed before a question's accuracy says anything about its difficulty. */
export const CALIBRATION_MIN_ANSWERS = 30;
/**
 * The accuracy each difficulty label is expected to fall in: an easy question is answered right by
 * at least 70% of members, a hard one by at most 50%; a medium one in between, give or take.
 */
export const DIFFICULTY_BANDS: Readonly<Record<1 | 2 | 3, { min: number; max: number }>> = {
  1: { min: 0.7, max: 1 },
  2: { min: 0.4, max: 0.85 },
  3: { min: 0, max: 0.5 },
};

/**
 * The difficulty a question's answers suggest when they contradict its label (null when they do
 * not, or when there are too few answers to tell): accuracy ≥ 70% reads as easy, ≤ 50% as hard.
 */
export function calibrate(label: 1 | 2 | 3, answers: number, accuracy: number | null): 1 | 2 | 3 | null {
  if (answers < CALIBRATION_MIN_ANSWERS || accuracy === null) return null;
  const band = DIFFICULTY_BANDS[label];
  if (accuracy >= band.min && accuracy <= band.max) return null;
  return accuracy > 0.85 ? 1 : accuracy >= 0.7 ? (label === 3 ? 2 : 1) : accuracy < 0.4 ? 3 : 2;
}
