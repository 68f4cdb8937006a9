import { z } from 'zod';
import { requireBot } from '../../admin/index.js';
import { searchBotUnits, unitListPatchSchema, unknownUnits } from '../../content/index.js';
import { InvalidError } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { unitListFilter } from './content-scope.js';
import { actorOf, botId, idParam, uploadOf, type ApiContext } from './shared.js';

/**
 * An unknown unit anywhere in the API is a 400 naming it (`unit_unknown`), never a filter or an
 * audience that silently matches nobody: a unit belongs to the list of one of the bots concerned
 * (every bot when none is named).
 */
export function requireKnownUnits(ctx: ApiContext, unitIds: readonly string[] | undefined, bots: readonly string[] | null | undefined): void {
  const content = ctx.deps.content;
  if (!content || !unitIds?.length) return;
  const unknown = unknownUnits(content.live, unitIds, bots ?? null);
  if (unknown.length) throw new InvalidError('unit_unknown', { unit: unknown.join(', ') });
}

/** `/units` (the units of a bot's own list, searched by name) and `/unit-lists` (import, edit). */
export function addUnitRoutes(ctx: ApiContext): void {
  const { api, deps } = ctx;
  const content = () => ctx.part('content');
  api.add({
    method: 'get',
    path: '/units',
    tag: 'content',
    summary: 'Units (CĐCS): with `bot`, those of that bot’s own list matching `q` (names with or without diacritics); without, every list as synced',
    query: z.object({
      bot: botId.optional(),
      q: z.string().trim().min(1).max(100).optional(),
      listId: z.string().min(1).max(100).optional(),
      includeRetired: z.enum(['true', 'false']).default('false'),
    }),
    handler: async ({ query }, req) => {
      if (query.bot) {
        requireBot(principalOf(req), query.bot);
        const listId = content().live.bots.find((b) => b.id === query.bot)?.units;
        const list = content().live.unitLists.find((l) => l.id === listId);
        return { items: searchBotUnits(list, query.q).map((u) => ({ listId, unitId: u.id, name: u.name, size: u.size ?? null, parent: u.parent ?? null })) };
      }
      // An organiser reads the lists of their bots only (a unit list names an organisation's branches).
      const filter: Record<string, unknown> = unitListFilter(principalOf(req), deps.bots ?? [], query.listId);
      if (query.includeRetired === 'false') filter.retiredAt = null;
      const docs = await deps.models.Unit.collection
        .find(filter, { projection: { _id: 0, listId: 1, unitId: 1, name: 1, size: 1, parent: 1, example: 1, retiredAt: 1 } })
        .sort({ listId: 1, unitId: 1 })
        .toArray();
      return { items: docs };
    },
  });
  api.add({
    method: 'get',
    path: '/unit-lists',
    tag: 'content',
    summary: 'The unit lists of your bots, with their units and the bots that use each',
    handler: async (_i, req) => ({ items: content().units.lists(actorOf(principalOf(req))) }),
  });
  api.add({
    method: 'patch',
    path: '/unit-lists/:id',
    tag: 'content',
    summary: 'Change a list’s label, units’ names and sizes (size null forgets it), or add units (no id)',
    params: idParam,
    body: unitListPatchSchema,
    handler: async ({ params, body }, req) => content().units.patch(params.id, body, actorOf(principalOf(req))),
  });
  api.add({
    method: 'post',
    path: '/unit-lists/:id/import',
    tag: 'content',
    summary:
      'Replace a list’s units with a CSV or XLSX table (columns name, size, parent; a unit whose name is kept keeps its id); all rows or none. `label` names the list from then on (required when it replaces a sample list)',
    params: idParam,
    query: z.object({ label: z.string().trim().min(1).max(200).optional().describe('the list’s name from now on, e.g. the file’s name') }),
    handler: async ({ params, query }, req) => content().importUnits(params.id, uploadOf(req), actorOf(principalOf(req)), query.label),
  });
}
