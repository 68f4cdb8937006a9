import { Option, type Command } from 'commander';
import type { Locale } from '../domain/index.js';

/**
 * `contest results --contest <id> [--bot <id>] [--round <n>] [--out results.xlsx] [--locale vi|en]`:
 * the ranking and prize winners of a contest, printed and optionally written to a workbook, in
 * Vietnamese unless `--locale en`, with times in the configured zone (Asia/Ho_Chi_Minh).
 */
export function registerContestCommands(program: Command): void {
  const contest = program.command('contest').description('contest rounds run in chat: results, prizes, closing expired attempts');
  contest
    .command('results')
    .description('print the ranking and prize winners of a contest and optionally write an XLSX')
    .requiredOption('--contest <id>', 'contest id from bots/*.yaml')
    .option('--bot <id>', 'the bot running it (default: the bot whose contest has this id)')
    .option('--round <n>', 'one round only (weekly contests)')
    .option('--out <file>', 'write the results to this .xlsx file')
    .addOption(new Option('--locale <locale>', 'language of the report and the workbook').choices(['vi', 'en']).default('vi'))
    .action(async (opts: { contest: string; bot?: string; round?: string; out?: string; locale: Locale }) => {
      const [{ loadConfig }, { openDatabase }, { createLogger }, content, { contestResults }, { formatResults, writeResultsXlsx }, { createI18n }] =
        await Promise.all([
          import('../config/index.js'),
          import('../db/index.js'),
          import('../log/index.js'),
          import('../content/index.js'),
          import('./results.js'),
          import('./export.js'),
          import('../i18n/index.js'),
        ]);
      const config = loadConfig();
      const { t } = await createI18n(config.paths.content);
      const bundle = content.loadValidContent(content.contentPaths(config));
      const db = await openDatabase(config, createLogger(config));
      try {
        const results = await contestResults(db.models, bundle, opts.contest, { bot: opts.bot, round: opts.round });
        if (!results) {
          console.error(t(opts.locale, 'conversation:results.report.notFound', { dir: config.paths.bots, contest: opts.contest }));
          process.exitCode = 1;
          return;
        }
        console.log(formatResults(results, t, opts.locale, config.timeZone));
        if (opts.out) {
          await writeResultsXlsx(results, opts.out, t, opts.locale, config.timeZone);
          console.log(`\n${t(opts.locale, 'conversation:results.report.written', { file: opts.out })}`);
        }
      } finally {
        await db.close();
      }
    });
  contest
    .command('close-expired')
    .description('close contest attempts whose time limit has passed')
    .action(async () => {
      const [{ loadConfig }, { openDatabase }, { createLogger }, { closeExpiredAttempts }] = await Promise.all([
        import('../config/index.js'),
        import('../db/index.js'),
        import('../log/index.js'),
        import('./service.js'),
      ]);
      const config = loadConfig();
      const db = await openDatabase(config, createLogger(config));
      try {
        console.log(`closed ${await closeExpiredAttempts(db.models)} expired attempt(s)`);
      } finally {
        await db.close();
      }
    });
}
