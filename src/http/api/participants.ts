import { z } from 'zod';
import { scopeBots, type Principal } from '../../admin/index.js';
import type { Models } from '../../db/index.js';
import { CHANNELS } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { botId, escapeRegex, paging, type ApiContext } from './shared.js';
import { requireKnownUnits } from './units.js';

export const participantQuery = z.object({
  bot: botId.optional(),
  channel: z.enum(CHANNELS).optional(),
  unitId: z.string().min(1).max(100).optional(),
  q: z.string().trim().min(1).max(100).optional().describe('part of the display name or platform id'),
  ...paging,
});

/** One page of the participants the caller may see (the list and the export use it). */
export async function participantRows(models: Models, p: Principal, q: z.output<typeof participantQuery>) {
  const bots = scopeBots(p, q.bot);
  const filter: Record<string, unknown> = {};
  if (bots) filter.bot = { $in: [...bots] };
  if (q.channel) filter.channel = q.channel;
  if (q.unitId) filter.unitId = q.unitId;
  if (q.q) filter.$or = [{ displayName: { $regex: escapeRegex(q.q), $options: 'i' } }, { userId: { $regex: escapeRegex(q.q) } }];
  const projection = { state: 0 };
  const [items, total] = await Promise.all([
    models.Participant.collection
      .find(filter, { projection })
      .sort({ _id: 1 })
      .skip((q.page - 1) * q.pageSize)
      .limit(q.pageSize)
      .toArray(),
    models.Participant.collection.countDocuments(filter),
  ]);
  return {
    page: q.page,
    pageSize: q.pageSize,
    total,
    items: items.map((d) => ({
      id: String(d._id),
      bot: d.bot as string,
      channel: d.channel as string,
      userId: d.userId as string,
      displayName: (d.displayName as string | null) ?? null,
      unitId: (d.unitId as string | null) ?? null,
      locale: d.locale as string,
      consentAt: (d.consent as { at: Date } | null)?.at ?? null,
      subscribed: !!d.subscribed,
      answered: Number(d.totals?.answered ?? 0),
      correct: Number(d.totals?.correct ?? 0),
      streakBest: Number(d.streak?.best ?? 0),
      lastInboundAt: (d.lastInboundAt as Date | null) ?? null,
      createdAt: (d.createdAt as Date | null) ?? null,
    })),
  };
}

export type ParticipantRow = Awaited<ReturnType<typeof participantRows>>['items'][number];

/** `GET /participants`: search, paged. */
export function addParticipantRoutes(ctx: ApiContext): void {
  const { api, deps } = ctx;
  api.add({
    method: 'get',
    path: '/participants',
    tag: 'participants',
    summary: 'Search participants (paged)',
    query: participantQuery,
    handler: async ({ query }, req) => {
      requireKnownUnits(ctx, query.unitId ? [query.unitId] : undefined, scopeBots(principalOf(req), query.bot));
      return participantRows(deps.models, principalOf(req), query);
    },
  });
}
