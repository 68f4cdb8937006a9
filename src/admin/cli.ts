import type { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config/index.js';
import { ADMIN_ROLES, openDatabase, type Database } from '../db/index.js';
import { createLogger } from '../log/index.js';
import { createAdminService } from './service.js';

async function withDatabase<T>(fn: (db: Database, sessionSecret: string | undefined) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openDatabase(config, createLogger({ log: { level: 'warn', format: 'json' } }));
  try {
    return await fn(db, config.admin.sessionSecret);
  } finally {
    await db.close();
  }
}

/** Parses an option, failing with the schema's message rather than a zod dump. */
function option<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

const roleSchema = z.enum(ADMIN_ROLES, { error: `--role must be one of ${ADMIN_ROLES.join(', ')}` });
const collect = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

/** `admin create | list` and `token create | revoke`: who may use the admin pages and the API. */
export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('admin users of the web pages');
  admin
    .command('create')
    .description('create an admin user; prints a one-time password unless --password is given')
    .requiredOption('--email <email>', 'login email')
    .option('--role <role>', 'admin | organiser', 'admin')
    .option('--bot <bot>', 'bot an organiser may manage (repeat or comma-separate)', collect, [] as string[])
    .option('--password <password>', 'set this password instead of a generated one-time password')
    .action(async (opts: { email: string; role: string; bot: string[]; password?: string }) => {
      const email = option(
        z
          .string()
          .trim()
          .regex(/^[^\s@]+@[^\s@]+$/, '--email must be an email address'),
        opts.email,
      );
      const role = option(roleSchema, opts.role);
      if (role === 'organiser' && opts.bot.length === 0) throw new Error('an organiser needs at least one --bot');
      await withDatabase(async (db, secret) => {
        const u = await createAdminService(db.models, { sessionSecret: secret }).createUser({
          email,
          role,
          bots: opts.bot,
          ...(opts.password ? { password: opts.password } : {}),
        });
        console.log(`created ${role} ${u.email}${opts.bot.length ? ` for bots ${opts.bot.join(', ')}` : ''}`);
        if (u.generated) console.log(`one-time password (shown once, must be changed at first login): ${u.password}`);
      });
    });
  admin
    .command('list')
    .description('list admin users')
    .action(async () => {
      await withDatabase(async (db, secret) => {
        for (const u of await createAdminService(db.models, { sessionSecret: secret }).listUsers()) {
          console.log(`${u.email}\t${u.role}\t${u.bots.join(',') || '-'}${u.disabled ? '\tdisabled' : ''}`);
        }
      });
    });

  const token = program.command('token').description('bearer tokens for the REST API');
  token
    .command('create')
    .description('create an API token; prints it once (only its hash is stored)')
    .option('--role <role>', 'admin | organiser', 'organiser')
    .option('--bot <bot>', 'bot the token may use (repeat or comma-separate)', collect, [] as string[])
    .option('--name <name>', 'a label to recognise the token', 'api')
    .action(async (opts: { role: string; bot: string[]; name: string }) => {
      const role = option(roleSchema, opts.role);
      await withDatabase(async (db, secret) => {
        const t = await createAdminService(db.models, { sessionSecret: secret }).createToken({ name: opts.name, role, bots: opts.bot });
        console.log(`token ${t.id} (${role}${opts.bot.length ? `, bots ${opts.bot.join(', ')}` : ''}); store it now, it is not shown again:`);
        console.log(t.token);
      });
    });
  token
    .command('revoke')
    .description('revoke an API token by id')
    .argument('<id>')
    .action(async (id: string) => {
      await withDatabase(async (db, secret) => {
        const ok = await createAdminService(db.models, { sessionSecret: secret }).revokeToken(id);
        console.log(ok ? `revoked ${id}` : `no active token ${id}`);
      });
    });
}
