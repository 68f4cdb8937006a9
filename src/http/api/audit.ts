import { z } from 'zod';
import { day, paging, type ApiContext } from './shared.js';
import { DateTime } from 'luxon';

/** `GET /audit`: every change of content made in the pages or the API (who, when, what, before and after), admins only. */
export function addAuditRoutes(ctx: ApiContext): void {
  const { api, deps } = ctx;
  const localDay = (d: string, end: boolean) => {
    const start = DateTime.fromISO(d, { zone: deps.timeZone }).startOf('day');
    return (end ? start.endOf('day') : start).toJSDate();
  };
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
