import { z } from 'zod';
import { scopeBots } from '../../admin/index.js';
import { joinsByUnit, listUnanswered } from '../../learning/index.js';
import { principalOf } from '../auth.js';
import { requestLocale } from '../errors.js';
import { namesIn } from './names.js';
import { dayRangeInstants } from '../../domain/index.js';
import { botId, rangeQuery, type ApiContext } from './shared.js';

/**
 * Issue 19's lists for organisers: the questions members asked in their own words that Hỏi đáp
 * could not answer from the fact base (text only, no participant), so content writers can add a
 * fact or keywords; and the joins credited to members' invitations, per unit.
 */
export function addLearningRoutes({ api, deps, range }: ApiContext): void {
  api.add({
    method: 'get',
    path: '/unanswered-questions',
    tag: 'learning',
    summary: 'Questions members asked that no fact answered (your bots; most asked first)',
    query: z.object({ bot: botId.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    handler: async ({ query }, req) => {
      const bots = scopeBots(principalOf(req), query.bot);
      const rows = await listUnanswered(deps.models, bots, query.limit);
      const names = namesIn(requestLocale(req), deps);
      return {
        items: rows.map((r) => ({
          bot: r.bot,
          botName: names.bot(r.bot),
          text: r.text,
          count: r.count,
          firstAskedAt: r.firstAskedAt.toISOString(),
          lastAskedAt: r.lastAskedAt.toISOString(),
        })),
      };
    },
  });

  api.add({
    method: 'get',
    path: '/invitations',
    tag: 'learning',
    summary:
      'Colleagues who joined through members’ invitations, per bot and unit of the inviter (your bots); with `from`/`to`, those who joined in those days (Asia/Ho_Chi_Minh), else every join so far',
    query: rangeQuery,
    handler: async ({ query }, req) => {
      const bots = scopeBots(principalOf(req), query.bot) ?? ((await deps.models.InvitationJoin.distinct('bot')) as string[]);
      // Without dates: every join so far, as the chat's unit leaderboard counts them; with dates, as every dashboard card reads them.
      const days = query.from || query.to ? range(principalOf(req), query) : null;
      const instants = days ? dayRangeInstants(days.from, days.to, deps.timeZone) : undefined;
      const items: Array<{ bot: string; unitId: string; joins: number }> = [];
      for (const bot of [...bots].sort()) {
        for (const [unitId, joins] of await joinsByUnit(deps.models, bot, instants)) items.push({ bot, unitId, joins });
      }
      // Names as the dashboard shows them (organisers read names, not ids).
      const names = namesIn(requestLocale(req), deps);
      const unit = await names.units(items);
      const sorted = items.sort((a, b) => b.joins - a.joins || a.bot.localeCompare(b.bot) || a.unitId.localeCompare(b.unitId));
      return { items: sorted.map((i) => ({ ...i, botName: names.bot(i.bot), unitName: unit(i.bot, i.unitId) })) };
    },
  });
}
