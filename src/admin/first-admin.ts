import type { Logger } from '../log/index.js';
import type { AdminService } from './service.js';

/** Prints the first admin's one-time password on stdout, once; it never goes to the JSON log. */
function printFirstAdmin(email: string, password: string): void {
  const lines = [
    'First start: an admin user was created.',
    `  login:    ${email}`,
    `  password: ${password}`,
    'This password is shown once and must be changed at the first login (/admin).',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  console.log(['', '='.repeat(width), ...lines, '='.repeat(width), ''].join('\n'));
}

/** At start-up: with no admin yet, creates `admin@localhost` and shows its one-time password to the operator. */
export async function ensureFirstAdminShown(admin: AdminService, logger: Logger): Promise<void> {
  const first = await admin.ensureFirstAdmin();
  if (!first) return;
  printFirstAdmin(first.email, first.password);
  logger.warn({ email: first.email }, 'first admin user created; its one-time password was printed on stdout');
}
