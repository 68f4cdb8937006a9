import type { Command } from 'commander';
import type { BroadcastInput } from './schema.js';

/**
 * `broadcast create|preview|list|show|cancel` for organisers who prefer a terminal. The command
 * writes the broadcast and its job to the database; the running server's scheduler sends it.
 * Heavy modules are imported inside actions so `--help` stays fast.
 */

const collect = (v: string, prev: string[] = []) => [...prev, v];

async function withOutreach<T>(fn: (o: import('./outreach.js').Outreach) => Promise<T>): Promise<T> {
  const [{ loadConfig }, { openDatabase }, { createLogger }, { loadValidContent }, { createI18n }, { createScheduler }, { createOutreach }] = await Promise.all(
    [
      import('../config/index.js'),
      import('../db/index.js'),
      import('../log/index.js'),
      import('../content/index.js'),
      import('../i18n/index.js'),
      import('../jobs/index.js'),
      import('./outreach.js'),
    ],
  );
  const config = loadConfig();
  const logger = createLogger({ log: { ...config.log, level: config.log.level === 'info' ? 'warn' : config.log.level } });
  const content = loadValidContent({ botsDir: config.paths.bots, contentDir: config.paths.content });
  const { t } = await createI18n(config.paths.content);
  const db = await openDatabase(config, logger);
  const scheduler = createScheduler(db.connection.db!, logger, { name: `cli-${process.pid}` });
  try {
    await scheduler.agenda.ready;
    const outreach = createOutreach({
      models: db.models,
      scheduler,
      // The CLI never sends: the server's workers do.
      send: async () => ({ ok: false, errorClass: 'invalid', reason: 'the CLI does not send' }),
      content,
      t,
      config,
      logger,
    });
    return await fn(outreach);
  } finally {
    await scheduler.stop();
    await db.close();
  }
}

function fail(err: unknown): never {
  console.error((err as Error).message);
  process.exit(1);
}

interface CreateOptions {
  text: string;
  textEn?: string;
  bot?: string[];
  channel?: string[];
  unit?: string[];
  at: string;
  activeDays?: string;
  answeredToday?: boolean;
  notAnsweredToday?: boolean;
  eventUpdate?: boolean;
  link?: string;
  linkTitle?: string;
  choice?: string[];
  title?: string;
  by: string;
}

function toInput(o: CreateOptions): BroadcastInput {
  return {
    ...(o.title ? { title: o.title } : {}),
    text: { vi: o.text, ...(o.textEn ? { en: o.textEn } : {}) },
    choices: (o.choice ?? []).map((c) => ({ vi: c })),
    ...(o.link ? { link: { url: o.link, title: { vi: o.linkTitle ?? o.link } } } : {}),
    audience: {
      bots: o.bot ?? [],
      channels: (o.channel ?? []) as never,
      units: o.unit ?? [],
      ...(o.activeDays ? { activeWithinDays: Number(o.activeDays) } : {}),
      ...(o.answeredToday ? { answeredToday: true } : o.notAnsweredToday ? { answeredToday: false } : {}),
    },
    sendAt: o.at,
    eventUpdate: Boolean(o.eventUpdate),
  };
}

function withCreateOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--text <text>', 'message in Vietnamese')
    .option('--text-en <text>', 'message in English (optional)')
    .option('--title <title>', 'a name for the report (default: start of the text)')
    .option('--bot <id>', 'only this bot (repeatable)', collect)
    .option('--channel <name>', 'only this channel: messenger, zalo_oa, zalo_personal, web (repeatable)', collect)
    .option('--unit <id>', 'only this unit (repeatable)', collect)
    .option('--active-days <n>', 'only people who wrote within n days')
    .option('--answered-today', "only people who answered today's question")
    .option('--not-answered-today', "only people who have not answered today's question")
    .option('--choice <title>', 'a quick-reply choice (repeatable, ≤ 20 characters)', collect)
    .option('--link <url>', 'a link button')
    .option('--link-title <title>', 'the link button title')
    .option('--event-update', 'an event update: Messenger may deliver it outside 24 h (CONFIRMED_EVENT_UPDATE)')
    .option('--at <when>', '"now" or local time Asia/Ho_Chi_Minh, e.g. "2026-10-10 08:00"', 'now');
}

/** Registers `broadcast …` on the CLI program. */
export function registerBroadcastCommands(program: Command): void {
  const broadcast = program.command('broadcast').description("organisers' broadcasts: create, preview, list, show (delivery report), cancel");

  withCreateOptions(broadcast.command('preview').description('audience size and the message as it will be sent, without creating anything')).action(
    async (o: CreateOptions) => {
      await withOutreach(async (out) => console.log(JSON.stringify(await out.broadcasts.preview(toInput(o)), null, 2))).catch(fail);
    },
  );

  withCreateOptions(broadcast.command('create').description('schedule a broadcast'))
    .option('--by <name>', 'who creates it (shown in reports)', 'cli')
    .action(async (o: CreateOptions) => {
      await withOutreach(async (out) => {
        const preview = await out.broadcasts.preview(toInput(o));
        const b = await out.broadcasts.create(toInput(o), o.by);
        console.log(`${b.id}  ${b.status}  ${b.sendAtLocal} (Asia/Ho_Chi_Minh)  ${b.audienceSize ?? preview.audienceSize} recipients`);
        for (const m of preview.messages.filter((x) => x.channel === 'neutral')) console.log(`--- ${m.locale} ---\n${m.message.text}`);
      }).catch(fail);
    });

  broadcast
    .command('list')
    .description('recent broadcasts')
    .option('--status <status>', 'scheduled, sending, done or cancelled')
    .option('--kind <kind>', 'manual, daily or reminder')
    .option('--limit <n>', 'how many', '50')
    .action(async (o: { status?: string; kind?: string; limit: string }) => {
      await withOutreach(async (out) => {
        for (const b of await out.broadcasts.list({
          ...(o.status ? { status: o.status } : {}),
          ...(o.kind ? { kind: o.kind } : {}),
          limit: o.limit,
        } as never)) {
          console.log(`${b.id}  ${b.kind.padEnd(8)} ${b.status.padEnd(9)} ${b.sendAtLocal}  ${b.audienceSize ?? '?'}  ${b.title}`);
        }
      }).catch(fail);
    });

  broadcast
    .command('show <id>')
    .description('a broadcast and its delivery report (counts by status, reason, channel, unit)')
    .action(async (id: string) => {
      await withOutreach(async (out) => console.log(JSON.stringify(await out.broadcasts.report(id), null, 2))).catch(fail);
    });

  broadcast
    .command('cancel <id>')
    .description('cancel a scheduled broadcast, or stop a running one')
    .action(async (id: string) => {
      await withOutreach(async (out) => {
        const b = await out.broadcasts.cancel(id);
        console.log(`${b.id}  ${b.status}`);
      }).catch(fail);
    });
}
