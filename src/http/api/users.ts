import type { Request } from 'express';
import { z } from 'zod';
import { ADMIN_ROLES } from '../../db/index.js';
import { FIELD_RULES } from '../../domain/index.js';
import { principalOf } from '../auth.js';
import { botId, idParam, type ApiContext } from './shared.js';

/** A user or a token has a role, and an organiser the bots it may see (at least one). */
export const roleFields = z.object({
  role: z.enum(ADMIN_ROLES),
  bots: z.array(botId).max(100).default([]).describe('the bots an organiser may see (admins see all)'),
});
export const hasBots = (u: { role: string; bots: string[] }) => u.role === 'admin' || u.bots.length > 0;
export const organiserNeedsBots = { message: FIELD_RULES.organiser_needs_bot, path: ['bots'] };
const newUser = roleFields.extend({ email: z.email().max(200) }).refine(hasBots, organiserNeedsBots);

/** The logged-in user asking, or null for an API token (which is nobody's account). */
const actingUserId = (req: Request) => {
  const p = principalOf(req);
  return p.kind === 'user' ? p.id : null;
};

/** `/users` (admins only): the users of the web pages. */
export function addUserRoutes(ctx: ApiContext): void {
  const { api } = ctx;
  const users = () => ctx.part('users');
  api.add({
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'Users of the admin pages',
    adminOnly: true,
    handler: async () => ({ items: await users().listUsers() }),
  });
  api.add({
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create a user; the answer holds a one-time password, shown only this once and changed at the first login',
    adminOnly: true,
    body: newUser,
    handler: async ({ body }, _req, res) => {
      const u = await users().createUser({ email: body.email, role: body.role, bots: body.role === 'admin' ? [] : body.bots });
      res.status(201);
      return { id: u.id, email: u.email, password: u.password };
    },
  });
  for (const [action, summary] of [
    ['disable', 'Disable a user and end their sessions (not yourself, not the last admin)'],
    ['enable', 'Enable a disabled user'],
  ] as const) {
    api.add({
      method: 'post',
      path: `/users/:id/${action}`,
      tag: 'users',
      summary,
      adminOnly: true,
      params: idParam,
      handler: async ({ params }, req) => {
        await users().setDisabled(params.id, action === 'disable', actingUserId(req));
        return { ok: true };
      },
    });
  }
  api.add({
    method: 'post',
    path: '/users/:id/reset-password',
    tag: 'users',
    summary: 'A new one-time password for a user, shown only this once; their sessions end',
    adminOnly: true,
    params: idParam,
    handler: async ({ params }) => users().resetPassword(params.id),
  });
}
