export { createAdminService, FIRST_ADMIN_EMAIL, type AdminService } from './service.js';
export { ensureFirstAdminShown } from './first-admin.js';
export { scopeBots, visibleBots, requireAdmin, requireBot, type Principal } from './principal.js';
export { hashPassword, verifyPassword, generatePassword } from './passwords.js';
export { MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE, passwordStrength, requireStrongPassword } from './password-strength.js';
export { registerAdminCommands } from './cli.js';
