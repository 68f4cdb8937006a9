import { Command } from 'commander';
import { registerAdminCommands } from './admin/index.js';
import { registerChannelCommands } from './channels/index.js';
import { registerContentCommands } from './content/index.js';
import { registerContestCommands } from './conversation/index.js';
import { registerDbCommands } from './db/index.js';
import { registerCalibrationCommand } from './http/index.js';
import { registerBroadcastCommands } from './outreach/index.js';
import { registerStatsCommands } from './stats/index.js';

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

registerDbCommands(program);
registerAdminCommands(program);
registerStatsCommands(program);
registerBroadcastCommands(program);
registerContestCommands(program);

// `content calibration` reads the statistics too, so the http room (above both) adds it.
registerCalibrationCommand(registerContentCommands(program));
registerChannelCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // An operator reads this: the message, not a stack trace.
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
