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
  return { ...userAccounts(store), ...loginSessions(store), ...apiTokens(store), ...userManagement(store) };
}

export type AdminService = ReturnType<typeof createAdminService>;
