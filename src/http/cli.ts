import { Option, type Command } from 'commander';
import type { Locale } from '../domain/index.js';

/**
 * `content calibration [--bot <id>] [--locale vi|en] [--out file.csv|file.xlsx]`: the questions whose
 * answers contradict their difficulty label, drawn by the same function as the admin API's
 * `GET /exports/calibration` (src/http/api/calibration.ts), over every bot's answers. It sits under
 * `content` but lives here: it reads the statistics and the content room together, which only a room
 * above both may (src/cli.ts hands it the `content` command). Heavy modules load inside the action.
 */
export function registerCalibrationCommand(content: Command): void {
  content
    .command('calibration')
    .description('list the questions whose answers (the last 365 days) contradict their difficulty label; optionally write them to .csv or .xlsx')
    .option('--bot <id>', 'only the questions this bot asks, from its answers')
    .option('--out <file>', 'write the list to this .csv or .xlsx file')
    .addOption(new Option('--locale <locale>', 'language of the list and its column headers').choices(['vi', 'en']).default('vi'))
    .action(async (opts: { bot?: string; out?: string; locale: Locale }) => {
      if (opts.out && !/\.(csv|xlsx)$/i.test(opts.out)) throw new Error(`--out ${opts.out}: the file must end in .csv or .xlsx`);
      const [{ loadConfig }, { openDatabase }, { createLogger }, { contentPaths, startContent }, { createStats }, { createI18n }, domain] = await Promise.all([
        import('../config/index.js'),
        import('../db/index.js'),
        import('../log/index.js'),
        import('../content/index.js'),
        import('../stats/index.js'),
        import('../i18n/index.js'),
        import('../domain/index.js'),
      ]);
      const [{ calibrationDays, calibrationTable }, { namesIn }, { labelled }, { writeTable }] = await Promise.all([
        import('./api/calibration.js'),
        import('./api/names.js'),
        import('./api/export-tables.js'),
        import('./api/tables.js'),
      ]);
      const config = loadConfig();
      const { t } = await createI18n(config.paths.content);
      const logger = createLogger({ log: { level: 'warn', format: 'json' } });
      const db = await openDatabase(config, logger);
      try {
        // The content in force (the YAML merged with the pages' edits), read once: no sync, no polling.
        const room = await startContent({ paths: contentPaths(config), models: db.models, logger, timeZone: config.timeZone, syncOnStart: false, pollMs: 0 });
        try {
          const bots = room.live.bots;
          if (opts.bot && !bots.some((b) => b.id === opts.bot)) throw new Error(`--bot ${opts.bot}: no such bot in ${config.paths.bots}`);
          const days = calibrationDays(domain.dayOf(new Date(), config.timeZone));
          const table = await calibrationTable(
            {
              rows: room.questions.rows({ name: 'terminal', kind: 'system', role: 'admin', bots: null }),
              bots,
              stats: createStats(db.models, { timeZone: config.timeZone }).queries,
              t,
              names: namesIn(opts.locale, { models: db.models, t }),
            },
            { scope: { bots: opts.bot ? [opts.bot] : null, ...days }, bot: opts.bot, lang: opts.locale },
          );
          for (const [id, question, topic, label, suggested, , , reason] of table.rows) {
            console.log(`${String(id)} · ${String(topic)} · ${String(label)} → ${String(suggested)}\n  ${String(question)}\n  ${String(reason)}`);
          }
          const range = { from: domain.formatDay(days.from), to: domain.formatDay(days.to) };
          console.log(t(opts.locale, 'admin:export.calibrationCli.count', { count: table.rows.length, ...range }));
          if (opts.out) {
            await writeTable(labelled(table, t, opts.locale), opts.out, config.timeZone);
            console.log(t(opts.locale, 'admin:export.calibrationCli.written', { file: opts.out }));
          }
        } finally {
          await room.stop();
        }
      } finally {
        await db.close();
      }
    });
}
