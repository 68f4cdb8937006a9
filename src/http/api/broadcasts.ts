import { requireBot, visibleBots, type Principal } from '../../admin/index.js';
import { ForbiddenError } from '../../domain/index.js';
import { broadcastInputSchema, broadcastListFilterSchema, broadcastPatchSchema, type BroadcastService } from '../../outreach/index.js';
import { principalOf } from '../auth.js';
import { requestLocale } from '../errors.js';
import { idParam, type ApiContext } from './shared.js';
import { requireKnownUnits } from './units.js';

/** An organiser's audience stays within their bots; a patch that names no bots keeps the stored ones (already checked). */
function restrictAudience<T extends { audience?: { bots?: string[] | undefined } | undefined }>(
  p: Principal,
  input: T,
  mode: 'create' | 'patch' = 'create',
): T {
  const visible = visibleBots(p);
  const audience = input.audience;
  if (!visible || !audience) return input;
  if (mode === 'patch' && audience.bots === undefined) return input;
  if (!audience.bots || audience.bots.length === 0) audience.bots = [...visible];
  for (const b of audience.bots) requireBot(p, b);
  return input;
}

/** The broadcast, when every bot it reaches is one the caller manages. */
async function accessibleBroadcast(broadcasts: BroadcastService, p: Principal, id: string) {
  const b = await broadcasts.get(id);
  const visible = visibleBots(p);
  if (visible) {
    const bots = b.audience.bots;
    if (bots.length === 0 || bots.some((x) => !visible.includes(x))) throw new ForbiddenError('broadcast_forbidden');
  }
  return b;
}

/** `/broadcasts`: list, preview, create, read, change, cancel and report, through outreach's service. */
export function addBroadcastRoutes(ctx: ApiContext): void {
  const { api } = ctx;
  const broadcasts = () => ctx.part('broadcasts');
  api.add({
    method: 'get',
    path: '/broadcasts',
    tag: 'broadcasts',
    summary: 'List broadcasts',
    query: broadcastListFilterSchema,
    handler: async ({ query }, req) => {
      const items = await broadcasts().list(query);
      const visible = visibleBots(principalOf(req));
      return { items: visible ? items.filter((b) => b.audience.bots.length > 0 && b.audience.bots.every((x) => visible.includes(x))) : items };
    },
  });
  api.add({
    method: 'post',
    path: '/broadcasts/preview',
    tag: 'broadcasts',
    summary: 'Preview a broadcast: rendered text per locale, the audience size, and the expected reach per path (who will be skipped and why)',
    body: broadcastInputSchema,
    handler: async ({ body }, req) => {
      const input = restrictAudience(principalOf(req), body);
      requireKnownUnits(ctx, input.audience.units, input.audience.bots);
      return broadcasts().preview(input, requestLocale(req));
    },
  });
  api.add({
    method: 'post',
    path: '/broadcasts',
    tag: 'broadcasts',
    summary: 'Create and schedule a broadcast (sendAt "now" or a local time in Asia/Ho_Chi_Minh)',
    body: broadcastInputSchema,
    handler: async ({ body }, req) => {
      const input = restrictAudience(principalOf(req), body);
      requireKnownUnits(ctx, input.audience.units, input.audience.bots);
      return broadcasts().create(input, principalOf(req).name);
    },
  });
  addBroadcastRoutesById(ctx, broadcasts);
}

/** `/broadcasts/:id`: read, change, cancel, report; each first checks the caller may see the broadcast. */
function addBroadcastRoutesById(ctx: ApiContext, broadcasts: () => BroadcastService): void {
  const { api } = ctx;
  api.add({
    method: 'get',
    path: '/broadcasts/:id',
    tag: 'broadcasts',
    summary: 'One broadcast',
    params: idParam,
    handler: async ({ params }, req) => accessibleBroadcast(broadcasts(), principalOf(req), params.id),
  });
  api.add({
    method: 'patch',
    path: '/broadcasts/:id',
    tag: 'broadcasts',
    summary: 'Change a scheduled broadcast: only the fields named change (audience merges field by field; sendAt reschedules)',
    params: idParam,
    body: broadcastPatchSchema,
    handler: async ({ params, body }, req) => {
      const stored = await accessibleBroadcast(broadcasts(), principalOf(req), params.id);
      requireKnownUnits(ctx, body.audience?.units, body.audience?.bots ?? stored.audience.bots);
      return broadcasts().update(params.id, restrictAudience(principalOf(req), body, 'patch'));
    },
  });
  api.add({
    method: 'post',
    path: '/broadcasts/:id/cancel',
    tag: 'broadcasts',
    summary: 'Cancel a broadcast: deliveries not yet sent are dropped',
    params: idParam,
    handler: async ({ params }, req) => {
      await accessibleBroadcast(broadcasts(), principalOf(req), params.id);
      return broadcasts().cancel(params.id);
    },
  });
  api.add({
    method: 'get',
    path: '/broadcasts/:id/report',
    tag: 'broadcasts',
    summary:
      "Delivery report: sent, read, skipped and failed per channel, unit and reach path (with the unit's name), and the reasons in words in the caller's language with what to do",
    params: idParam,
    handler: async ({ params }, req) => {
      await accessibleBroadcast(broadcasts(), principalOf(req), params.id);
      return broadcasts().report(params.id, requestLocale(req));
    },
  });
}
