import { z } from 'zod';
import { scopeBots } from '../../admin/index.js';
import { listUnanswered } from '../../learning/index.js';
import { principalOf } from '../auth.js';
import { botId, type ApiContext } from './shared.js';

/**
 * Issue 19's lists for organisers: the questions members asked in their own words that Hỏi đáp
 * could not answer from the fact base (text only, no participant), so content writers can add a
 * fact or keywords.
 */
export function addLearningRoutes({ api, deps }: ApiContext): void {
  api.add({
    method: 'get',
    path: '/unanswered-questions',
    tag: 'learning',
    summary: 'Questions members asked that no fact answered (your bots; most asked first)',
    query: z.object({ bot: botId.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
    handler: async ({ query }, req) => {
      const bots = scopeBots(principalOf(req), query.bot);
      const rows = await listUnanswered(deps.models, bots, query.limit);
      return {
        items: rows.map((r) => ({
          bot: r.bot,
          text: r.text,
          count: r.count,
          firstAskedAt: r.firstAskedAt.toISOString(),
          lastAskedAt: r.lastAskedAt.toISOString(),
        })),
      };
    },
  });
}
