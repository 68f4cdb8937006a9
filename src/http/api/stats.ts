import { z } from 'zod';
import { scopeBots } from '../../admin/index.js';
import { formatDuration } from '../../conversation/index.js';
import { principalOf } from '../auth.js';
import { requestLocale } from '../errors.js';
import { namesIn } from './names.js';
import { botId, rangeQuery, type ApiContext } from './shared.js';
import { requireKnownUnits } from './units.js';

const leaderboardQuery = z.object({
  bot: botId.optional(),
  unitId: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(20),
});

/** `GET /stats/...`: totals, series, units, questions and the leaderboard, from the rollups. */
export function addStatsRoutes(ctx: ApiContext): void {
  const { api, deps, range } = ctx;
  const { stats } = deps;
  api.add({
    method: 'get',
    path: '/stats/overview',
    tag: 'stats',
    summary: 'Totals for a date range (from rollups only)',
    query: rangeQuery,
    handler: async ({ query }, req) => stats.queries.overview(range(principalOf(req), query)),
  });
  api.add({
    method: 'get',
    path: '/stats/series',
    tag: 'stats',
    summary: 'Participants, new participants, answers and correct answers per day',
    query: rangeQuery,
    handler: async ({ query }, req) => ({ items: await stats.queries.series(range(principalOf(req), query)) }),
  });
  api.add({
    method: 'get',
    path: '/stats/units',
    tag: 'stats',
    summary: "Per unit of the bot's own unit list: participants in the range, participation rate, answers and correct answers",
    query: rangeQuery,
    handler: async ({ query }, req) => ({ items: await stats.queries.units(range(principalOf(req), query)) }),
  });
  api.add({
    method: 'get',
    path: '/stats/questions',
    tag: 'stats',
    summary: 'Per question: answers, accuracy and the average answer time (`averageTime` in words, in `locale`)',
    query: rangeQuery.and(z.object({ locale: z.enum(['vi', 'en']).default('vi') })),
    handler: async ({ query }, req) => {
      const items = await stats.queries.questions(range(principalOf(req), query), query.locale);
      const said = (ms: number | null) => (ms === null ? null : formatDuration(deps.t, query.locale, ms));
      return { items: items.map((q) => ({ ...q, averageTime: said(q.averageTimeMs) })) };
    },
  });
  api.add({
    method: 'get',
    path: '/stats/leaderboard',
    tag: 'stats',
    summary: "Participants with the most correct answers (all time), with their unit's name from their bot's own list",
    query: leaderboardQuery,
    handler: async ({ query }, req) => {
      const bots = scopeBots(principalOf(req), query.bot);
      requireKnownUnits(ctx, query.unitId ? [query.unitId] : undefined, bots);
      const rows = await stats.leaderboard({ bots, unitId: query.unitId, limit: query.limit });
      const unit = await namesIn(requestLocale(req), deps).units(rows);
      return { participants: rows.map((r) => ({ ...r, unitName: unit(r.bot, r.unitId) })) };
    },
  });
}
