import { z } from 'zod';
import { NotFoundError } from '../../domain/index.js';
import { idParam, type ApiContext } from './shared.js';
import { hasBots, organiserNeedsBots, roleFields } from './users.js';

/** `/tokens` (admins only): API tokens, listed without the tokens themselves, created and revoked. */
export function addTokenRoutes(ctx: ApiContext): void {
  const { api } = ctx;
  const users = () => ctx.part('users');
  api.add({
    method: 'get',
    path: '/tokens',
    tag: 'users',
    summary: 'API tokens (never the tokens themselves)',
    adminOnly: true,
    handler: async () => ({ items: await users().listTokens() }),
  });
  api.add({
    method: 'post',
    path: '/tokens',
    tag: 'users',
    summary: 'Create an API token; the answer holds the token, shown only this once',
    adminOnly: true,
    body: roleFields.extend({ name: z.string().trim().min(1).max(100) }).refine(hasBots, organiserNeedsBots),
    handler: async ({ body }, _req, res) => {
      const created = await users().createToken({ name: body.name, role: body.role, bots: body.role === 'admin' ? [] : body.bots });
      res.status(201);
      return created;
    },
  });
  api.add({
    method: 'post',
    path: '/tokens/:id/revoke',
    tag: 'users',
    summary: 'Revoke an API token: it stops working at once',
    adminOnly: true,
    params: idParam,
    handler: async ({ params }) => {
      if (!(await users().revokeToken(params.id))) throw new NotFoundError('api_token_not_found');
      return { ok: true };
    },
  });
}
