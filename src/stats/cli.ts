import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { openDatabase } from '../db/index.js';
import { createLogger } from '../log/index.js';
import { createRollupUpdater } from './updater.js';

/** `stats rebuild`: recompute every rollup from the raw answers. */
export function registerStatsCommands(program: Command): void {
  const stats = program.command('stats').description('statistics rollups');
  stats
    .command('rebuild')
    .description('recompute the daily rollups from the raw answers and participants (run while the bot is quiet)')
    .action(async () => {
      const config = loadConfig();
      const db = await openDatabase(config, createLogger({ log: { level: 'warn', format: 'json' } }));
      try {
        const started = Date.now();
        const r = await createRollupUpdater(db.models, { timeZone: config.timeZone }).rebuild();
        console.log(`rebuilt ${r.rollups} rollup documents from ${r.answers} answers in ${Date.now() - started} ms`);
      } finally {
        await db.close();
      }
    });
}
