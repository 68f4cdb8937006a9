import type { Request } from 'express';
import { z } from 'zod';
import { requireBot, scopeBots } from '../../admin/index.js';
import { NotFoundError } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { requestLocale } from '../errors.js';
import { botId, idParam, type ApiContext } from './shared.js';

/** A contest's results (or prizes, or workbook), when the caller may see its bot (the export uses it too). */
export async function contestFor<T extends { readonly contest: { readonly bot: string } }>(
  req: Request,
  id: string,
  load: (id: string) => Promise<T | null>,
): Promise<T> {
  const r = await load(id);
  if (!r) throw new NotFoundError('contest_not_found', { id });
  requireBot(principalOf(req), r.contest.bot);
  return r;
}

/** `/contests`: the rounds, their ranked results and prize winners, in the caller's language (`Accept-Language`). */
export function addContestRoutes(ctx: ApiContext): void {
  const { api } = ctx;
  const contests = () => ctx.part('contests');
  api.add({
    method: 'get',
    path: '/contests',
    tag: 'contests',
    summary: 'Contest rounds',
    query: z.object({ bot: botId.optional() }),
    handler: async ({ query }, req) => ({ items: await contests().list({ bots: scopeBots(principalOf(req), query.bot), locale: requestLocale(req) }) }),
  });
  api.add({
    method: 'get',
    path: '/contests/:id/results',
    tag: 'contests',
    summary:
      "Results of a contest: per round the ranking (names, unit names, durations in minutes and seconds, local times, prizes) and the units; column labels in the caller's language",
    params: idParam,
    handler: async ({ params }, req) => contestFor(req, params.id, (id) => contests().results(id, requestLocale(req))),
  });
  api.add({
    method: 'get',
    path: '/contests/:id/prizes',
    tag: 'contests',
    summary: 'Prize winners of a contest, individual and collective, per round',
    params: idParam,
    handler: async ({ params }, req) => contestFor(req, params.id, (id) => contests().prizes(id, requestLocale(req))),
  });
}
