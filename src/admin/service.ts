import type { Models } from '../db/index.js';
import { apiTokens } from './api-tokens.js';
import { loginSessions } from './sessions.js';
import type { AdminStore } from './store.js';
import { userAccounts, userManagement } from './users.js';

export { FIRST_ADMIN_EMAIL } from './users.js';

export interface AdminServiceOptions {
  readonly sessionSecret: string | undefined;
  readonly now?: () => Date;
}

/** Admin users, API tokens and login sessions on the database. */
export function createAdminService(models: Models, options: AdminServiceOptions) {
  const store: AdminStore = { models, now: options.now ?? (() => new Date()), sessionSecret: options.sessionSecret };
  const accounts = userAccounts(store);
  const sessions = loginSessions(store);
  /** Changes a user's password, ends all their sessions and returns the new one of the caller. */
  async function changePassword(userId: string, current: string, next: string): Promise<{ sessionId: string; csrfToken: string }> {
    await accounts.changePassword(userId, current, next);
    return sessions.rotateSessions(userId);
  }
  return { ...accounts, ...sessions, ...apiTokens(store), ...userManagement(store), changePassword };
}

export type AdminService = ReturnType<typeof createAdminService>;
