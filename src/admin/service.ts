import { Types } from 'mongoose';
import type { AdminRole, AdminUser, Models } from '../db/index.js';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '../domain/index.js';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { generateApiToken, randomToken, sessionIdHash, sha256 } from './tokens.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The email of the admin created on first start. */
export const FIRST_ADMIN_EMAIL = 'admin@localhost';

export interface AdminServiceOptions {
  readonly sessionSecret: string | undefined;
  readonly now?: () => Date;
}

/** A user as read through the raw collection (the model's fields plus its id). */
type UserDoc = AdminUser & { _id: unknown };

const userPrincipal = (u: UserDoc): Principal => ({
  kind: 'user',
  id: String(u._id),
  name: u.email,
  role: u.role,
  bots: u.bots ?? [],
  mustChangePassword: u.mustChangePassword === true,
});

// Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Admin users, API tokens and login sessions on the database. */
export function createAdminService(models: Models, options: AdminServiceOptions) {
  const now = options.now ?? (() => new Date());

  async function createUser(input: { email: string; role: AdminRole; bots?: string[]; password?: string }) {
    const password = input.password ?? generatePassword();
    if (password.length < MIN_PASSWORD_LENGTH) throw new InvalidError('password_too_short', { min: MIN_PASSWORD_LENGTH });
    const email = input.email.trim().toLowerCase();
    if (await models.AdminUser.exists({ email })) throw new ConflictError('admin_user_exists', { email });
    const user = await models.AdminUser.create({
      email,
      passwordHash: await hashPassword(password),
      role: input.role,
      bots: input.bots ?? [],
      mustChangePassword: input.password === undefined,
    });
    return { id: String(user._id), email, password, generated: input.password === undefined };
  }

  /**
   * On a start with no user of role admin, creates `admin@localhost` with a one-time password that
   * must be changed at the first login. Returns the password to print once, or null.
   */
  async function ensureFirstAdmin(): Promise<{ email: string; password: string } | null> {
    if ((await models.AdminUser.countDocuments({ role: 'admin' })) > 0) return null;
    try {
      const u = await createUser({ email: FIRST_ADMIN_EMAIL, role: 'admin' });
      return { email: u.email, password: u.password };
    } catch (err) {
      if (err instanceof ConflictError && err.code === 'admin_user_exists') return null; // another process won the race
      throw err;
    }
  }

  async function login(email: string, password: string): Promise<{ principal: Principal; sessionId: string; csrfToken: string } | null> {
    const user = (await models.AdminUser.collection.findOne({ email: email.trim().toLowerCase() })) as UserDoc | null;
    if (!user || user.disabledAt) {
      await verifyPassword(password, await (dummyHash ??= hashPassword('not-a-password')));
      return null;
    }
    if (!(await verifyPassword(password, user.passwordHash))) return null;
    const sessionId = randomToken();
    const csrfToken = randomToken();
    await models.AdminSession.create({
      idHash: sessionIdHash(sessionId, options.sessionSecret),
      userId: String(user._id),
      csrfToken,
      createdAt: now(),
      expiresAt: new Date(now().getTime() + SESSION_TTL_MS),
    });
    await models.AdminUser.collection.updateOne({ _id: user._id as never }, { $set: { lastLoginAt: now() } });
    return { principal: userPrincipal(user), sessionId, csrfToken };
  }

  async function session(sessionId: string): Promise<{ principal: Principal; csrfToken: string } | null> {
    const s = await models.AdminSession.collection.findOne({ idHash: sessionIdHash(sessionId, options.sessionSecret) });
    if (!s || (s.expiresAt as Date) <= now()) return null;
    const user = (await models.AdminUser.collection.findOne({ _id: toObjectId(String(s.userId)) })) as UserDoc | null;
    if (!user || user.disabledAt) return null;
    return { principal: userPrincipal(user), csrfToken: String(s.csrfToken) };
  }

  async function logout(sessionId: string): Promise<void> {
    await models.AdminSession.collection.deleteOne({ idHash: sessionIdHash(sessionId, options.sessionSecret) });
  }

  async function changePassword(userId: string, current: string, next: string): Promise<void> {
    if (next.length < MIN_PASSWORD_LENGTH)
      throw new InvalidError(
        'password_too_short',
        { min: MIN_PASSWORD_LENGTH },
        { fields: [{ field: 'newPassword', message: `at least ${MIN_PASSWORD_LENGTH} characters` }] },
      );
    const user = (await models.AdminUser.collection.findOne({ _id: toObjectId(userId) })) as UserDoc | null;
    if (!user || !(await verifyPassword(current, user.passwordHash))) throw new ForbiddenError('wrong_password');
    if (current === next) throw new InvalidError('password_unchanged');
    await models.AdminUser.collection.updateOne(
      { _id: user._id as never },
      { $set: { passwordHash: await hashPassword(next), mustChangePassword: false, updatedAt: now() } },
    );
  }

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

  async function listUsers() {
    const users = await models.AdminUser.collection
      .find({}, { projection: { passwordHash: 0 } })
      .sort({ email: 1 })
      .toArray();
    return users.map((u) => ({
      id: String(u._id),
      email: String(u.email),
      role: u.role as AdminRole,
      bots: (u.bots as string[]) ?? [],
      disabled: !!u.disabledAt,
      mustChangePassword: !!u.mustChangePassword,
      lastLoginAt: (u.lastLoginAt as Date | null | undefined) ?? null,
    }));
  }

  async function userById(id: string): Promise<UserDoc> {
    const user = (await models.AdminUser.collection.findOne({ _id: toObjectId(id) })) as UserDoc | null;
    if (!user) throw new NotFoundError('admin_user_not_found');
    return user;
  }

  /** Ends every login session of a user: after a disable or a password reset nobody stays logged in as them. */
  const endSessions = (id: string) => models.AdminSession.collection.deleteMany({ userId: id });

  /**
   * Disables or enables a user. `actingUserId` is who asks: nobody disables themselves, and the last
   * enabled admin is never disabled, so the admin pages can always be reached.
   */
  async function setDisabled(id: string, disabled: boolean, actingUserId: string | null): Promise<void> {
    const user = await userById(id);
    if (disabled) {
      if (String(user._id) === actingUserId) throw new InvalidError('cannot_disable_self');
      if (user.role === 'admin' && !user.disabledAt && (await models.AdminUser.countDocuments({ role: 'admin', disabledAt: null })) <= 1) {
        throw new ConflictError('last_admin');
      }
    }
    await models.AdminUser.collection.updateOne({ _id: user._id as never }, { $set: { disabledAt: disabled ? now() : null, updatedAt: now() } });
    if (disabled) await endSessions(id);
  }

  /** A new one-time password, to be changed at the next login; the user's sessions end. */
  async function resetPassword(id: string): Promise<{ id: string; email: string; password: string }> {
    const user = await userById(id);
    const password = generatePassword();
    await models.AdminUser.collection.updateOne(
      { _id: user._id as never },
      { $set: { passwordHash: await hashPassword(password), mustChangePassword: true, updatedAt: now() } },
    );
    await endSessions(id);
    return { id, email: String(user.email), password };
  }

  return {
    createUser,
    ensureFirstAdmin,
    login,
    session,
    logout,
    changePassword,
    createToken,
    tokenPrincipal,
    revokeToken,
    listTokens,
    listUsers,
    setDisabled,
    resetPassword,
  };
}

function toObjectId(id: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('not_found');
  return new Types.ObjectId(id);
}

export type AdminService = ReturnType<typeof createAdminService>;
