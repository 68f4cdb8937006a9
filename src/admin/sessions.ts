import { hashPassword, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { toObjectId, userPrincipal, type AdminStore, type UserDoc } from './store.js';
import { randomToken, sessionIdHash } from './tokens.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

// Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Login sessions of the admin pages: only a hash of the session id is stored. */
export function loginSessions({ models, now, sessionSecret }: AdminStore) {
  async function login(email: string, password: string): Promise<{ principal: Principal; sessionId: string; csrfToken: string } | null> {
    const user = (await models.AdminUser.collection.findOne({ email: email.trim().toLowerCase() })) as UserDoc | null;
    if (!user || user.disabledAt) {
      await verifyPassword(password, await (dummyHash ??= hashPassword('not-a-password')));
      return null;
    }
    if (!(await verifyPassword(password, user.passwordHash))) return null;
    const opened = await openSession(String(user._id));
    await models.AdminUser.collection.updateOne({ _id: user._id as never }, { $set: { lastLoginAt: now() } });
    return { principal: userPrincipal(user), ...opened };
  }

  /** A new session of a user: a random id (only its keyed hash is stored) and its CSRF token. */
  async function openSession(userId: string): Promise<{ sessionId: string; csrfToken: string }> {
    const sessionId = randomToken();
    const csrfToken = randomToken();
    await models.AdminSession.create({
      idHash: sessionIdHash(sessionId, sessionSecret),
      userId,
      csrfToken,
      createdAt: now(),
      expiresAt: new Date(now().getTime() + SESSION_TTL_MS),
    });
    return { sessionId, csrfToken };
  }

  /**
   * After a password change: every session of the user ends (another browser, or whoever stole the
   * old password, is logged out) and the one who changed it gets a new session id, so an id seen
   * before the change is worth nothing after it.
   */
  async function rotateSessions(userId: string): Promise<{ sessionId: string; csrfToken: string }> {
    await models.AdminSession.collection.deleteMany({ userId });
    return openSession(userId);
  }

  async function session(sessionId: string): Promise<{ principal: Principal; csrfToken: string } | null> {
    const s = await models.AdminSession.collection.findOne({ idHash: sessionIdHash(sessionId, sessionSecret) });
    if (!s || (s.expiresAt as Date) <= now()) return null;
    const user = (await models.AdminUser.collection.findOne({ _id: toObjectId(String(s.userId)) })) as UserDoc | null;
    if (!user || user.disabledAt) return null;
    return { principal: userPrincipal(user), csrfToken: String(s.csrfToken) };
  }

  async function logout(sessionId: string): Promise<void> {
    await models.AdminSession.collection.deleteOne({ idHash: sessionIdHash(sessionId, sessionSecret) });
  }

  return { login, session, logout, rotateSessions };
}
