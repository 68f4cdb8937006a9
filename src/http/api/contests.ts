import type { Request } from 'express';
import { z } from 'zod';
import { requireBot, scopeBots } from '../../admin/index.js';
import type { ContestsView } from '../../conversation/index.js';
import { NotFoundError } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { botId, idParam, type ApiContext } from './shared.js';

/** A contest's results or prize winners, when the caller may see its bot (the export uses it too). */
export async function contestTable(contests: ContestsView, req: Request, id: string, what: 'results' | 'prizes') {
  const r = await contests[what](id);
  if (!r) throw new NotFoundError('contest_not_found', { id });
  requireBot(principalOf(req), r.contest.bot);
  return r;
}

/** `/contests`: the rounds, their ranked results and prize winners. */
export function addContestRoutes(ctx: ApiContext): void {
  const { api } = ctx;
  api.add({
    method: 'get',
    path: '/contests',
    tag: 'contests',
    summary: 'Contest rounds',
    query: z.object({ bot: botId.optional() }),
    handler: async ({ query }, req) => ({ items: await ctx.part('contests').list({ bots: scopeBots(principalOf(req), query.bot) }) }),
  });
  api.add({
    method: 'get',
    path: '/contests/:id/results',
    tag: 'contests',
    summary: 'Ranked results of a contest round',
    params: idParam,
    handler: async ({ params }, req) => contestTable(ctx.part('contests'), req, params.id, 'results'),
  });
  api.add({
    method: 'get',
    path: '/contests/:id/prizes',
    tag: 'contests',
    summary: 'Prize winners of a contest round',
    params: idParam,
    handler: async ({ params }, req) => contestTable(ctx.part('contests'), req, params.id, 'prizes'),
  });
}
