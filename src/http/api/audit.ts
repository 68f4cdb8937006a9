import { z } from 'zod';
import { addDays, localMidnight } from '../../domain/index.js';
import { day, paging, type ApiContext } from './shared.js';

/** `GET /audit`: every change of content made in the pages or the API (who, when, what, before and after), admins only. */
export function addAuditRoutes(ctx: ApiContext): void {
  const { api, deps } = ctx;
  // `to` is inclusive in the store ($lte): the last millisecond of the local day.
  const localDay = (d: string, end: boolean) => (end ? new Date(localMidnight(addDays(d, 1), deps.timeZone).getTime() - 1) : localMidnight(d, deps.timeZone));
  api.add({
    method: 'get',
    path: '/audit',
    tag: 'content',
    summary: 'The audit log of content changes, newest first (paged); days are local (Asia/Ho_Chi_Minh)',
    adminOnly: true,
    query: z.object({
      kind: z.enum(['question', 'campaign', 'contest', 'unitList']).optional(),
      key: z.string().min(1).max(100).optional().describe('the item: a question id, a campaign id…'),
      actor: z.string().min(1).max(100).optional(),
      from: day.optional(),
      to: day.optional(),
      ...paging,
    }),
    handler: async ({ query }) => {
      const { from, to, ...q } = query;
      const found = await ctx.part('content').audit({ ...q, from: from ? localDay(from, false) : undefined, to: to ? localDay(to, true) : undefined });
      return { page: query.page, pageSize: query.pageSize, ...found };
    },
  });
}
