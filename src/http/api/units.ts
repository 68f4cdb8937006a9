import { z } from 'zod';
import { principalOf } from '../auth.js';
import { unitListFilter } from './content-scope.js';
import type { ApiContext } from './shared.js';

/** `GET /units`: the units (CĐCS) of every unit list the caller may see (an organiser: their bots' lists). */
export function addUnitRoutes({ api, deps }: ApiContext): void {
  api.add({
    method: 'get',
    path: '/units',
    tag: 'content',
    summary: 'Units (CĐCS) of the unit lists of your bots (admins: every list)',
    query: z.object({ listId: z.string().min(1).max(100).optional(), includeRetired: z.enum(['true', 'false']).default('false') }),
    handler: async ({ query }, req) => {
      const filter: Record<string, unknown> = unitListFilter(principalOf(req), deps.bots ?? [], query.listId);
      if (query.includeRetired === 'false') filter.retiredAt = null;
      const docs = await deps.models.Unit.collection
        .find(filter, { projection: { _id: 0, listId: 1, unitId: 1, name: 1, size: 1, parent: 1, example: 1, retiredAt: 1 } })
        .sort({ listId: 1, unitId: 1 })
        .toArray();
      return { items: docs };
    },
  });
}
