import { z } from 'zod';
import type { Models } from '../../db/index.js';
import { InvalidError } from '../../domain/index.js';
import type { Principal } from '../../admin/index.js';
import { principalOf } from '../auth.js';
import { questionScopeFilter, type BotContent } from './content-scope.js';
import { escapeRegex, paging, type ApiContext } from './shared.js';

const questionQuery = z.object({
  topic: z.string().min(1).max(100).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  includeRetired: z.enum(['true', 'false']).default('false'),
  ...paging,
});

async function questionRows(models: Models, query: z.output<typeof questionQuery>, p: Principal, bots: readonly BotContent[]) {
  const filter: Record<string, unknown> = { $and: [questionScopeFilter(p, bots)] };
  if (query.topic) filter.topic = query.topic;
  if (query.includeRetired === 'false') filter.retiredAt = null;
  if (query.q)
    filter.$or = [{ questionId: { $regex: escapeRegex(query.q), $options: 'i' } }, { 'vi.question': { $regex: escapeRegex(query.q), $options: 'i' } }];
  const [items, total] = await Promise.all([
    models.Question.collection
      .find(filter, { projection: { _id: 0 } })
      .sort({ questionId: 1 })
      .skip((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .toArray(),
    models.Question.collection.countDocuments(filter),
  ]);
  return { page: query.page, pageSize: query.pageSize, total, items };
}

/** `GET /questions` (paged) and `POST /questions/import` (a CSV or XLSX table). */
export function addQuestionRoutes(ctx: ApiContext): void {
  const { api, deps } = ctx;
  api.add({
    method: 'get',
    path: '/questions',
    tag: 'content',
    summary: 'Questions of the bank your bots ask (admins: every question), paged',
    query: questionQuery,
    handler: async ({ query }, req) => questionRows(deps.models, query, principalOf(req), deps.bots ?? []),
  });
  api.add({
    method: 'post',
    path: '/questions/import',
    tag: 'content',
    summary: 'Import questions from a CSV or XLSX table (body: the file, Content-Type text/csv or the XLSX type)',
    adminOnly: true,
    handler: async (_i, req) => {
      const importQuestions = ctx.part('importQuestions');
      const type = String(req.headers['content-type'] ?? '');
      const fmt = type.includes('spreadsheetml') ? 'xlsx' : type.startsWith('text/csv') ? 'csv' : null;
      if (!fmt || !Buffer.isBuffer(req.body)) throw new InvalidError('import_file_type');
      const result = await importQuestions({ format: fmt, data: req.body });
      // Nothing was written: the caller gets every bad row, as the CLI prints them.
      if (result.ok === false) throw new InvalidError('import_rejected', {}, { problems: result.problems });
      return result;
    },
  });
}
