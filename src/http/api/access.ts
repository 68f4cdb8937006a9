import { visibleBots } from '../../admin/index.js';
import { principalOf } from '../auth.js';
import type { ApiContext } from './shared.js';

/** `GET /me`: who is calling. */
export function addAccessRoutes({ api }: ApiContext): void {
  api.add({
    method: 'get',
    path: '/me',
    tag: 'access',
    summary: 'The caller: role and the bots it may see',
    handler: async (_i, req) => {
      const p = principalOf(req);
      return { kind: p.kind, name: p.name, role: p.role, bots: visibleBots(p) ?? 'all', mustChangePassword: p.mustChangePassword };
    },
  });
}
