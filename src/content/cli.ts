import type { Command } from 'commander';
import type { ContentPaths } from './load.js';

/**
 * `content check|sync`, `questions import|export`, `units import|export`.
 * Heavy modules (database, exceljs) are imported inside the actions so `--help` stays fast.
 */

interface PathOptions {
  bots?: string;
  content?: string;
}

async function resolvePaths(opts: PathOptions): Promise<ContentPaths> {
  if (opts.bots && opts.content) return { botsDir: opts.bots, contentDir: opts.content };
  const { loadConfig } = await import('../config/index.js');
  const config = loadConfig();
  return { botsDir: opts.bots ?? config.paths.bots, contentDir: opts.content ?? config.paths.content };
}

function withPaths(cmd: Command): Command {
  return cmd
    .option('--bots <dir>', 'bots directory (default BOTS_DIR or ./bots)')
    .option('--content <dir>', 'content directory (default CONTENT_DIR or ./content)');
}

/** Opens the configured database, syncs the content into it, closes it. */
async function syncIntoDatabase(paths: ContentPaths): Promise<void> {
  const [{ loadConfig }, { openDatabase }, { createLogger }, { loadValidContent }, { syncContent }] = await Promise.all([
    import('../config/index.js'),
    import('../db/index.js'),
    import('../log/index.js'),
    import('./service.js'),
    import('./sync.js'),
  ]);
  const bundle = loadValidContent(paths);
  const config = loadConfig();
  const logger = createLogger(config);
  const db = await openDatabase(config, logger);
  try {
    const report = await syncContent(db.models, bundle, new Date(), config.timeZone);
    const q = report.questions;
    const u = report.units;
    console.log(
      `questions: ${q.created} new, ${q.changed} changed, ${q.unretired} back from retirement, ${q.unchanged} unchanged, ${q.retired} retired`,
    );
    console.log(`units: ${u.upserted} written, ${u.unchanged} unchanged, ${u.retired} retired`);
    // Items edited in the admin pages are owned by the database: a YAML change to them is reported, never applied.
    for (const c of report.conflicts) {
      console.log(
        `conflict: ${c.kind} ${c.key} was edited in the admin pages and its YAML ${c.reason === 'removed' ? 'was removed' : 'changed'} since; the pages' version stays (content export writes it back to YAML)`,
      );
    }
  } finally {
    await db.close();
  }
}

function fail(lines: readonly string[]): never {
  for (const l of lines) console.error(l);
  process.exit(1);
}

export function registerContentCommands(program: Command): void {
  const content = program.command('content').description('the question bank, campaigns, bots, units and locales in bots/ and content/');
  registerCheckCommands(content);

  withPaths(content.command('sync'))
    .description('load, check and write questions and units into the database (retires what is gone)')
    .action(async (opts: PathOptions) => {
      await runOrFail(async () => syncIntoDatabase(await resolvePaths(opts)));
    });

  withPaths(content.command('export <dir>'))
    .description('write the content in force (the YAML merged with the edits made in the admin pages) as YAML into <dir>/bots and <dir>/content')
    .action(async (dir: string, opts: PathOptions) => {
      await runOrFail(async () => exportFromDatabase(await resolvePaths(opts), dir));
    });

  registerQuestionCommands(program);
}

/** `content export`: the shipped tree, with every item the database owns written into it. */
async function exportFromDatabase(paths: ContentPaths, dir: string): Promise<void> {
  const [{ loadConfig }, { openDatabase }, { createLogger }, { loadAndCheckContent }, { formatProblem }, { readItems }, { mergeContent }, { exportContent }, { dayOf }] =
    await Promise.all([
      import('../config/index.js'),
      import('../db/index.js'),
      import('../log/index.js'),
      import('./service.js'),
      import('./source.js'),
      import('./store/live.js'),
      import('./store/merge.js'),
      import('./store/export.js'),
      import('../domain/index.js'),
    ]);
  const { loaded, problems } = loadAndCheckContent(paths);
  if (problems.length) fail([...problems.map(formatProblem), `${problems.length} problem(s) found in the shipped content; nothing was exported`]);
  const config = loadConfig();
  const db = await openDatabase(config, createLogger(config));
  try {
    const items = await readItems(db.models);
    const merged = mergeContent(loaded.bundle, items, dayOf(new Date(), config.timeZone));
    const r = exportContent(loaded, { root: process.cwd(), ...paths }, merged, items, dir);
    console.log(
      `exported into ${dir}: ${r.questions} edited questions (${r.retired} retired), ${r.campaigns} campaigns, ${r.contests} contests, ${r.unitLists} unit lists, ${r.bots} bot files changed`,
    );
  } finally {
    await db.close();
  }
}

/** `content check` and `content baselines`: what is wrong with the content, and how guessable the bank is. */
function registerCheckCommands(content: Command): void {
  withPaths(content.command('check'))
    .description('validate everything; prints file:line:column: message per problem, exit code 1 on any')
    .action(async (opts: PathOptions) => {
      const { loadAndCheckContent, summarise } = await import('./service.js');
      const { formatProblem } = await import('./source.js');
      const { loaded, problems } = loadAndCheckContent(await resolvePaths(opts));
      if (problems.length) {
        fail([...problems.map(formatProblem), `${problems.length} problem(s) found`]);
      }
      const s = summarise(loaded.bundle);
      console.log(`content OK: ${s.facts} facts; ${s.live} live (published) questions of ${s.questions} (${s.draft} draft, ${s.reviewed} reviewed)`);
      for (const [topic, n] of Object.entries(s.questionsPerTopic).sort()) console.log(`  ${topic}: ${n}`);
      console.log(`${s.bots} bots, ${s.campaigns} campaigns with ${s.events} events, ${s.unitLists} unit lists with ${s.units} units`);
    });

  withPaths(content.command('baselines'))
    .description('how well blind guessing scores on the live bank: last option, longest option, question echo, answer positions, option families')
    .option('--all', 'count draft and reviewed questions too (to see a bank before it is published)')
    .action(async (opts: PathOptions & { all?: boolean }) => {
      const [{ loadContent }, { formatBaselines, guessingBaselines }, { isLive }] = await Promise.all([
        import('./load.js'),
        import('./bank.js'),
        import('./schema.js'),
      ]);
      const loaded = loadContent(await resolvePaths(opts));
      const questions = opts.all ? loaded.bundle.questions : loaded.bundle.questions.filter(isLive);
      for (const line of formatBaselines(guessingBaselines(questions))) console.log(line);
    });
}

/** `questions import` and `questions export`: the bank as CSV or XLSX. */
function registerQuestionCommands(program: Command): void {
  const questions = program.command('questions').description('import or export the question bank as CSV or XLSX');
  withPaths(questions.command('import <file>'))
    .description('import questions from .csv or .xlsx into content/questions/<topic>.yaml (merged by id); nothing is written if any row is bad')
    .option('--db', 'also sync into the database right away')
    .action(async (file: string, opts: PathOptions & { db?: boolean }) => {
      await runOrFail(async () => {
        const { importQuestions } = await import('./io/questions.js');
        const paths = await resolvePaths(opts);
        const result = await importQuestions(file, paths);
        if (!result.ok) fail([...result.problems, `nothing was written (${result.problems.length} problem(s))`]);
        console.log(`imported: ${result.created} new, ${result.updated} updated questions into ${result.files.join(', ')}`);
        if (opts.db) await syncIntoDatabase(paths);
      });
    });
  withPaths(questions.command('export <file>'))
    .description('export every question to .csv or .xlsx (the import columns)')
    .action(async (file: string, opts: PathOptions) => {
      await runOrFail(async () => {
        const { exportQuestions } = await import('./io/questions.js');
        const { count, problems } = await exportQuestions(file, await resolvePaths(opts));
        for (const p of problems) console.error(`warning: skipped invalid content: ${p}`);
        console.log(`exported ${count} questions to ${file}`);
      });
    });

  const units = program.command('units').description('import or export a unit list (CĐCS, schools, offices) as CSV or XLSX');
  withPaths(units.command('import <file>'))
    .description('replace a unit list with the rows of a .csv or .xlsx file (columns id, name, size, parent)')
    .requiredOption('--list <listId>', 'the unit list id, e.g. quang-tri-cdvc')
    .option('--label <label>', 'the list label shown to organisers')
    .option('--db', 'also sync into the database right away')
    .action(async (file: string, opts: PathOptions & { list: string; label?: string; db?: boolean }) => {
      await runOrFail(async () => {
        const { importUnits } = await import('./io/units.js');
        const paths = await resolvePaths(opts);
        const result = await importUnits(file, paths, { listId: opts.list, ...(opts.label ? { label: opts.label } : {}) });
        if (!result.ok) fail([...result.problems, `nothing was written (${result.problems.length} problem(s))`]);
        console.log(`imported ${result.units} units into ${result.file}`);
        if (opts.db) await syncIntoDatabase(paths);
      });
    });
  withPaths(units.command('export <file>'))
    .description('export a unit list to .csv or .xlsx')
    .requiredOption('--list <listId>', 'the unit list id')
    .action(async (file: string, opts: PathOptions & { list: string }) => {
      await runOrFail(async () => {
        const { exportUnits } = await import('./io/units.js');
        const result = await exportUnits(file, await resolvePaths(opts), opts.list);
        if ('error' in result) fail([result.error]);
        console.log(`exported ${result.count} units to ${file}`);
      });
    });
}

async function runOrFail(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    fail([err instanceof Error ? err.message : String(err)]);
  }
}
