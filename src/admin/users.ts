import type { AdminRole } from '../db/index.js';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '../domain/index.js';
import { MIN_PASSWORD_LENGTH, requireStrongPassword } from './password-strength.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import { toObjectId, type AdminStore, type UserDoc } from './store.js';

/** The email of the admin created on first start. */
export const FIRST_ADMIN_EMAIL = 'admin@localhost';

/** Creating users and their passwords. */
export function userAccounts({ models, now }: AdminStore) {
  async function createUser(input: { email: string; role: AdminRole; bots?: string[]; password?: string }) {
    const password = input.password ?? generatePassword();
    if (password.length < MIN_PASSWORD_LENGTH) throw new InvalidError('password_too_short', { min: MIN_PASSWORD_LENGTH });
    const email = input.email.trim().toLowerCase();
    // A generated one-time password is random; one chosen by a person is checked for guessability.
    if (input.password !== undefined) requireStrongPassword(password, [email]);
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
    requireStrongPassword(next, [String(user.email)]);
    await models.AdminUser.collection.updateOne(
      { _id: user._id as never },
      { $set: { passwordHash: await hashPassword(next), mustChangePassword: false, updatedAt: now() } },
    );
  }

  return { createUser, ensureFirstAdmin, changePassword };
}

/** Listing, disabling and resetting users (the admin pages' user management). */
export function userManagement({ models, now }: AdminStore) {
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

  return { listUsers, setDisabled, resetPassword };
}
