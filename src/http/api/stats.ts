import { z } from 'zod';
import { formatDuration } from '../../conversation/index.js';
import { rankScores, rankUnits, type UnitScoreRow } from '../../quiz/index.js';
import { participantLabel, periodScores, periodUnits, type PeriodScore, type StatsScope } from '../../stats/index.js';
import { principalOf } from '../auth.js';
import { requestLocale } from '../errors.js';
import { namesIn } from './names.js';
import { rangeQuery, type ApiContext } from './shared.js';
import { requireKnownUnits } from './units.js';

const leaderboardQuery = rangeQuery.and(
  z.object({
    unitId: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(20),
  }),
);

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
    summary:
      "Members and units ranked by correct daily answers in the date range, as chat ranks a period (a week here equals chat's weekly leaderboard), with units' names and sizes from each bot's own list",
    query: leaderboardQuery,
    handler: async ({ query }, req) => {
      const scope = range(principalOf(req), query);
      requireKnownUnits(ctx, query.unitId ? [query.unitId] : undefined, scope.bots);
      const board = await periodLeaderboard(deps, scope, query.unitId);
      const unit = await namesIn(requestLocale(req), deps).units(board.participants);
      return {
        from: scope.from,
        to: scope.to,
        participants: board.participants.slice(0, query.limit).map((r) => ({
          rank: r.rank,
          participantId: r.participantId,
          bot: r.bot,
          channel: r.channel,
          name: participantLabel(r.displayName, r.userId),
          unitId: r.unitId,
          unitName: unit(r.bot, r.unitId),
          correct: r.correct,
          answered: r.answered,
        })),
        units: board.units.slice(0, query.limit),
      };
    },
  });
}

/**
 * The leaderboard of a date range: each bot's rows from the functions chat's "today" and "this week"
 * read (src/stats/leaderboard.ts), ranked by the functions chat ranks with (quiz `rankScores`,
 * `rankUnits`), units named and sized from the bot's own list.
 */
export async function periodLeaderboard(deps: ApiContext['deps'], scope: StatsScope, unitId: string | undefined) {
  const bots = scope.bots ?? (await deps.stats.queries.bots());
  const listOf = (bot: string) => deps.bots?.find((b) => b.id === bot)?.units ?? null;
  const people: PeriodScore[] = [];
  const units: Array<UnitScoreRow & { bot: string; listId: string | null }> = [];
  for (const bot of bots) {
    const [scores, unitRows] = await Promise.all([periodScores(deps.models, bot, scope), periodUnits(deps.models, bot, scope)]);
    people.push(...scores.filter((r) => !unitId || r.unitId === unitId));
    const listId = listOf(bot);
    const mine = unitRows.filter((u) => !unitId || u.unitId === unitId);
    const info = listId
      ? await deps.models.Unit.collection
          .find({ listId, unitId: { $in: mine.map((u) => u.unitId) } }, { projection: { unitId: 1, name: 1, size: 1 } })
          .toArray()
      : [];
    const byId = new Map(info.map((u) => [String(u.unitId), u]));
    for (const u of mine) {
      const found = byId.get(u.unitId);
      units.push({ ...u, bot, listId, name: (found?.name as string | undefined) ?? u.unitId, size: (found?.size as number | null | undefined) ?? null });
    }
  }
  return {
    participants: rankScores(people),
    units: rankUnits(units).map((u) => ({
      rank: u.rank,
      bot: u.bot,
      listId: u.listId,
      unitId: u.unitId,
      name: u.name,
      size: u.size,
      participants: u.participants,
      correct: u.correct,
      participationRate: u.participationRate,
    })),
  };
}
