import type { Request } from 'express';
import { z } from 'zod';
import { requireBot, scopeBots } from '../../admin/index.js';
import { contestInputSchema, contestPatchSchema } from '../../content/index.js';
import { NotFoundError } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { requestLocale } from '../errors.js';
import { actorOf, botId, idParam, type ApiContext } from './shared.js';

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
  addContestEditRoutes(ctx);
}

/** Contests as organisers set them up (src/content's contest editor): every contest, past and future, create, change. */
function addContestEditRoutes(ctx: ApiContext): void {
  const { api } = ctx;
  const content = () => ctx.part('content');
  api.add({
    method: 'get',
    path: '/contests/setup',
    tag: 'contests',
    summary: 'Every contest of your bots (past, current and future) with all its settings, as the contest form edits them',
    query: z.object({ bot: botId.optional() }),
    handler: async ({ query }, req) => ({
      items: content()
        .contests.list(actorOf(principalOf(req)))
        .filter((c) => !query.bot || c.bot === query.bot),
    }),
  });
  api.add({
    method: 'get',
    path: '/contests/:id/setup',
    tag: 'contests',
    summary: 'One contest with all its settings',
    params: idParam,
    handler: async ({ params }, req) => content().contests.find(params.id, actorOf(principalOf(req))),
  });
  api.add({
    method: 'post',
    path: '/contests',
    tag: 'contests',
    summary:
      'Create a contest (the fields under `contest:` in bots/*.yaml, and its bot): window, rounds, questions per attempt, time limit, attempts, topics, prizes, prediction',
    body: contestInputSchema,
    handler: async ({ body }, req) => content().contests.create(body, actorOf(principalOf(req))),
  });
  api.add({
    method: 'patch',
    path: '/contests/:id',
    tag: 'contests',
    summary: 'Change a contest: only the fields named change (null takes `topics` or `awards` away)',
    params: idParam,
    body: contestPatchSchema,
    handler: async ({ params, body }, req) => content().contests.patch(params.id, body, actorOf(principalOf(req))),
  });
}
