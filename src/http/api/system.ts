import type { ApiContext } from './shared.js';

/**
 * `/system/database` (admins only): the embedded database's size against its limits (documents,
 * data files, heap, thresholds, warnings and how to move to MongoDB), for the dashboard's banner.
 * `embedded: null` when the product runs on a real MongoDB (MONGODB_URI).
 */
export function addSystemRoutes(ctx: ApiContext): void {
  ctx.api.add({
    method: 'get',
    path: '/system/database',
    tag: 'system',
    summary: "The embedded database's size against its limits (null on a real MongoDB)",
    adminOnly: true,
    handler: async () => ({ embedded: ctx.deps.databaseStatus?.() ?? null }),
  });
}
