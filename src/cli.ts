import { Command } from 'commander';

/**
 * One entry point for organisers' and operators' commands: `npm run cli -- <command>`.
 * Each room registers its commands from its own `cli.ts`.
 */
const program = new Command()
  .name('cds')
  .description('Chuyển đổi số quiz bot: content, database, channels, broadcasts, statistics and admin commands')
  .showHelpAfterError();

program
  .command('config')
  .description('validate the environment and print the effective configuration (secrets hidden)')
  .action(async () => {
    const { loadConfig } = await import('./config/index.js');
    const { secret: _secret, ...shown } = loadConfig();
    console.log(JSON.stringify({ ...shown, admin: { ...shown.admin, sessionSecret: shown.admin.sessionSecret ? '***' : undefined } }, null, 2));
  });

await program.parseAsync(process.argv);
