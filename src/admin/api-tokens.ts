import type { AdminRole } from '../db/index.js';
import { InvalidError } from '../domain/index.js';
import type { Principal } from './principal.js';
import { toObjectId, type AdminStore } from './store.js';
import { generateApiToken, sha256 } from './tokens.js';

/** Bearer tokens for the REST API: only their sha256 is stored, with a prefix to recognise them. */
export function apiTokens({ models, now }: AdminStore) {
  async function createToken(input: { name: string; role: AdminRole; bots?: string[] }): Promise<{ token: string; id: string }> {
    if (input.role === 'organiser' && !input.bots?.length) throw new InvalidError('organiser_token_needs_bot');
    const token = generateApiToken();
    const doc = await models.ApiToken.create({
      name: input.name,
      tokenHash: sha256(token),
      prefix: token.slice(0, 8),
      role: input.role,
      bots: input.bots ?? [],
      createdAt: now(),
    });
    return { token, id: String(doc._id) };
  }

  async function tokenPrincipal(token: string): Promise<Principal | null> {
    const t = await models.ApiToken.collection.findOne({ tokenHash: sha256(token), revokedAt: null });
    if (!t) return null;
    void models.ApiToken.collection.updateOne({ _id: t._id }, { $set: { lastUsedAt: now() } }).catch(() => undefined);
    return { kind: 'token', id: String(t._id), name: String(t.name), role: t.role as AdminRole, bots: (t.bots as string[]) ?? [], mustChangePassword: false };
  }

  /** Every API token, newest first, without its hash. */
  async function listTokens() {
    const tokens = await models.ApiToken.collection
      .find({}, { projection: { tokenHash: 0 } })
      .sort({ createdAt: -1 })
      .toArray();
    return tokens.map((t) => ({
      id: String(t._id),
      name: String(t.name),
      prefix: String(t.prefix),
      role: t.role as AdminRole,
      bots: (t.bots as string[]) ?? [],
      createdAt: t.createdAt as Date,
      lastUsedAt: (t.lastUsedAt as Date | null | undefined) ?? null,
      revoked: !!t.revokedAt,
    }));
  }

  async function revokeToken(id: string): Promise<boolean> {
    const r = await models.ApiToken.collection.updateOne({ _id: toObjectId(id), revokedAt: null }, { $set: { revokedAt: now() } });
    return r.modifiedCount > 0;
  }

  return { createToken, tokenPrincipal, listTokens, revokeToken };
}
