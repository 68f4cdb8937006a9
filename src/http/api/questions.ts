import type { Request } from 'express';
import { z } from 'zod';
import { scopeBots, type Principal } from '../../admin/index.js';
import { renderFor } from '../../channels/index.js';
import { calibrate, filterQuestions, mediaUrl, questionInputSchema, questionPatchSchema, type QuestionContent, type QuestionRow } from '../../content/index.js';
import { questionMessage } from '../../conversation/index.js';
import { ForbiddenError, LOCALES, type Locale } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { requestLocale } from '../errors.js';
import { answerFigures, calibrationDays, CALIBRATION_DAYS } from './calibration.js';
import { actorOf, botId, idParam, paging, uploadOf, type ApiContext } from './shared.js';

const questionQuery = z.object({
  q: z.string().trim().min(1).max(100).optional().describe('words of the question, options or explanation, with or without diacritics; or an id'),
  topic: z.string().min(1).max(100).optional(),
  bot: botId.optional().describe('only questions this bot asks'),
  difficulty: z.coerce.number().int().min(1).max(3).optional(),
  status: z.enum(['draft', 'reviewed', 'published', 'retired']).optional(),
  minAccuracy: z.coerce.number().min(0).max(1).optional().describe(`0–1, from the answers of the last ${CALIBRATION_DAYS} days`),
  maxAccuracy: z.coerce.number().min(0).max(1).optional(),
  miscalibrated: z.enum(['true', 'false']).optional().describe('only questions whose answers contradict their difficulty'),
  ...paging,
});

/** The platforms a question preview shows: Messenger, a Zalo OA, and a Zalo group (zca-js). */
const PREVIEW_CHANNELS = ['messenger', 'zalo_oa', 'zalo_personal'] as const;

/** Answers and accuracy per question over the days that calibrate difficulty (the calibration export reads the same). */
function accuracyOf(ctx: ApiContext, p: Principal, bot: string | undefined) {
  return answerFigures(ctx.deps.stats.queries, { bots: scopeBots(p, bot), ...calibrationDays(ctx.today()) });
}

/** A row of the list: the question, where it stands, and its figures (with the difficulty they suggest). */
function rowView(r: QuestionRow, figures: { answers: number; accuracy: number | null } | undefined) {
  return {
    ...r.question,
    retired: r.retired,
    edited: r.owned,
    createdBy: r.createdBy,
    answers: figures?.answers ?? 0,
    accuracy: figures?.accuracy ?? null,
    suggestedDifficulty: figures ? calibrate(r.question.difficulty, figures.answers, figures.accuracy) : null,
  };
}

/** Where this server is reached from outside: PUBLIC_URL, else the address the request came to. */
const publicBase = (ctx: ApiContext, req: Request) => ctx.deps.publicUrl ?? `${req.protocol}://${req.get('host')}`;

/** A question as members will get it on each platform, in each language (the conversation's own message). */
function previews(ctx: ApiContext, q: QuestionContent, base: string) {
  const quiz = {
    questionId: q.id,
    revision: 'preview',
    topic: q.topic,
    answer: 0,
    vi: { question: q.question, options: q.options, explanation: q.explanation },
    en: { question: q.en.question, options: q.en.options, explanation: q.en.explanation },
    source: { vi: '', en: '' },
    // At the address the platforms would fetch (this server's, when PUBLIC_URL is not set).
    image: q.image ? (mediaUrl(base, q.image) ?? undefined) : undefined,
  };
  return Object.fromEntries(
    LOCALES.map((locale: Locale) => {
      const message = questionMessage(ctx.deps.t, locale, quiz, ctx.deps.t(locale, 'conversation:question.practice'), 'practice', ctx.today());
      return [locale, Object.fromEntries(PREVIEW_CHANNELS.map((c) => [c, renderFor(c, message)]))];
    }),
  );
}

/**
 * `/questions`: the bank as organisers edit it (src/content's question editor): list and search,
 * create, change, preview, retire and restore, review and publish, import a table, the history.
 */
export function addQuestionRoutes(ctx: ApiContext): void {
  const { api } = ctx;
  const content = () => ctx.part('content');
  api.add({
    method: 'get',
    path: '/questions',
    tag: 'content',
    summary: 'Questions you may see: search (with or without diacritics) and filters, with accuracy and the difficulty the answers suggest (paged)',
    query: questionQuery,
    handler: async ({ query }, req) => {
      const p = principalOf(req);
      const accuracy = await accuracyOf(ctx, p, query.bot);
      const { page, pageSize, miscalibrated, ...f } = query;
      const filter = { ...f, difficulty: f.difficulty as 1 | 2 | 3 | undefined, miscalibrated: miscalibrated === 'true' };
      const rows = filterQuestions(content().questions.rows(actorOf(p)), filter, { bots: content().live.bots, accuracy });
      const items = rows.slice((page - 1) * pageSize, page * pageSize).map((r) => rowView(r, accuracy(r.question.id)));
      return { page, pageSize, total: rows.length, items };
    },
  });
  api.add({
    method: 'post',
    path: '/questions',
    tag: 'content',
    summary: 'Create a question (the fields of a question in content/questions/*.yaml; id, review and status may be left out: a draft by you)',
    body: questionInputSchema,
    handler: async ({ body }, req) => content().questions.create(body, actorOf(principalOf(req))),
  });
  api.add({
    method: 'post',
    path: '/questions/preview',
    tag: 'content',
    summary: 'How a question (saved or not) will look on Messenger, a Zalo OA and a Zalo group, in Vietnamese and English',
    body: questionInputSchema,
    handler: async ({ body }, req) => ({
      previews: previews(ctx, { id: body.id ?? 'preview', ...body } as QuestionContent, publicBase(ctx, req)),
      // The explanation's picture, sent with the feedback after the answer.
      explanationImage: body.explanationImage ? mediaUrl(publicBase(ctx, req), body.explanationImage) : null,
    }),
  });
  api.add({
    method: 'post',
    path: '/questions/import',
    tag: 'content',
    summary:
      'Import questions from a CSV or XLSX table (the columns of `questions export`; body: the file, Content-Type text/csv or the XLSX type); all rows or none',
    handler: async (_i, req) => content().importQuestions(uploadOf(req), actorOf(principalOf(req))),
  });
  api.add({
    method: 'get',
    path: '/questions/:id',
    tag: 'content',
    summary: 'One question, with its figures and previews',
    params: idParam,
    handler: async ({ params }, req) => {
      const p = principalOf(req);
      const row = content().questions.find(params.id);
      if (
        !content()
          .questions.rows(actorOf(p))
          .some((r) => r.question.id === params.id)
      )
        throw new ForbiddenError('question_forbidden', { id: params.id });
      const accuracy = await accuracyOf(ctx, p, undefined);
      return { ...rowView(row, accuracy(params.id)), previews: previews(ctx, row.question, publicBase(ctx, req)), locale: requestLocale(req) };
    },
  });
  api.add({
    method: 'patch',
    path: '/questions/:id',
    tag: 'content',
    summary: 'Change a question: only the fields named change (a reviewed text changed goes back to draft)',
    params: idParam,
    body: questionPatchSchema,
    handler: async ({ params, body }, req) => content().questions.patch(params.id, body, actorOf(principalOf(req))),
  });
  addQuestionActionRoutes(ctx);
}

/** Retire, restore, review, publish, and the history of a question. */
function addQuestionActionRoutes(ctx: ApiContext): void {
  const { api } = ctx;
  const content = () => ctx.part('content');
  for (const action of ['retire', 'restore', 'review', 'publish'] as const) {
    api.add({
      method: 'post',
      path: `/questions/:id/${action}`,
      tag: 'content',
      summary: {
        retire: 'Retire a question (members no longer get it; it stays in the history)',
        restore: 'Bring a retired question back',
        review: 'Review a draft (draft → reviewed): the reviewer must be someone other than the author',
        publish: 'Publish a reviewed question (reviewed → published): content:check’s rules apply',
      }[action],
      params: idParam,
      handler: async ({ params }, req) => content().questions[action](params.id, actorOf(principalOf(req))),
    });
  }
  api.add({
    method: 'get',
    path: '/questions/:id/history',
    tag: 'content',
    summary: 'Every change of a question: who, when, what, before and after',
    params: idParam,
    query: z.object(paging),
    handler: async ({ params, query }, req) => {
      content().questions.find(params.id);
      const visible = content()
        .questions.rows(actorOf(principalOf(req)))
        .some((r) => r.question.id === params.id);
      if (!visible) return { page: query.page, pageSize: query.pageSize, total: 0, items: [] };
      return { page: query.page, pageSize: query.pageSize, ...(await content().audit({ kind: 'question', key: params.id, ...query })) };
    },
  });
}
