export { createAdminService, FIRST_ADMIN_EMAIL, type AdminService } from './service.js';
export { ensureFirstAdminShown } from './first-admin.js';
export { scopeBots, visibleBots, requireAdmin, requireBot, type Principal } from './principal.js';
export { hashPassword, verifyPassword, generatePassword, MIN_PASSWORD_LENGTH } from './passwords.js';
export { registerAdminCommands } from './cli.js';
