/** The outreach service: the broadcasts, the daily question, the campaign reminders and the fan-out behind them, built on one context. */
import type { Config } from '../config/index.js';
import { unitListOf, type ContentBundle } from '../content/index.js';
import { systemClock, type Clock, type ReachSettings, type Send } from '../domain/index.js';
import type { Models } from '../db/index.js';
import type { Translate } from '../i18n/index.js';
import { defineOutreachJobs, type Scheduler } from '../jobs/index.js';
import type { Logger } from '../log/index.js';
import { createBroadcastService, type RenderForPlatform } from './broadcasts.js';
import { runCampaignReminder, syncCampaignJobs, type ReminderJobData } from './campaign-jobs.js';
import type { OutreachContext } from './context.js';
import { runDailyQuestion } from './daily.js';
import { createFanout, DEFAULT_BACKOFF, type FanoutOptions } from './fanout.js';
import type { DailyQuestionMessage, WeeklyRecapMessage } from './message.js';
import { runWeeklyRecap } from './weekly-recap.js';
import { markReceipt, type ReceiptEvent } from './receipts.js';
import { reachConfig } from './reach-config.js';
import { formatLocal, parseQuietHours, type QuietWindow } from './timing.js';

export interface OutreachDeps {
  readonly models: Models;
  readonly scheduler: Scheduler;
  readonly send: Send;
  readonly content: ContentBundle;
  readonly t: Translate;
  readonly config: Pick<Config, 'timeZone' | 'quietHours' | 'sending'> & Partial<Pick<Config, 'env' | 'recap'>>;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly dailyQuestionMessage?: DailyQuestionMessage;
  /** Each member's weekly recap (the conversation room); without it no recap is sent. */
  readonly weeklyRecapMessage?: WeeklyRecapMessage;
  /** Channels' per-platform renderer, for previews. */
  readonly render?: RenderForPlatform;
  /** The paid paths each bot may use (the channels room: YAML switches and secrets); default the YAML alone. */
  readonly reachSettings?: (bot: string) => ReachSettings;
  /** Tuning, mostly for tests and benchmarks. */
  readonly options?: Partial<FanoutOptions> & {
    readonly lockLifetimeMs?: number;
    readonly batchConcurrency?: number;
  };
}

export const DEFAULT_FANOUT_OPTIONS: FanoutOptions = {
  batchSize: 500,
  chunkSize: 50,
  leaseMs: 60_000,
  recheckMs: 2000,
  backoff: DEFAULT_BACKOFF,
  random: Math.random,
};

/** Builds the outreach service. Call `defineJobs()` before `scheduler.start()`, then `syncCampaignJobs(content)`. */
export function createOutreach(deps: OutreachDeps) {
  const clock = deps.clock ?? systemClock;
  const zone = deps.config.timeZone;
  const agenda = deps.scheduler.agenda;
  const ctx: OutreachContext = {
    models: deps.models,
    agenda,
    t: deps.t,
    logger: deps.logger,
    clock,
    zone,
    dailyQuestionMessage: deps.dailyQuestionMessage,
    recapCron: deps.weeklyRecapMessage ? (deps.config.recap?.cron ?? null) : null,
    content: deps.content,
  };
  const defaultQuiet = parseQuietHours(deps.config.quietHours);
  const quietHoursFor = (bot: string): QuietWindow => {
    const own = ctx.content.bots.find((b) => b.id === bot)?.quietHours;
    return own ? parseQuietHours(own) : defaultQuiet;
  };
  const fanout = createFanout({
    models: deps.models,
    agenda,
    send: deps.send,
    t: deps.t,
    timeZone: zone,
    quietHoursFor,
    reach: reachConfig(() => ctx.content.bots, deps.reachSettings),
    maxAttempts: deps.config.sending.maxAttempts,
    clock,
    logger: deps.logger,
    dailyQuestionMessage: deps.dailyQuestionMessage,
    weeklyRecapMessage: deps.weeklyRecapMessage,
    options: { ...DEFAULT_FANOUT_OPTIONS, ...stripUndef(deps.options ?? {}) },
  });
  const broadcasts = createBroadcastService({
    models: deps.models,
    scheduler: deps.scheduler,
    fanout,
    t: deps.t,
    timeZone: zone,
    clock,
    render: deps.render,
    // Plain-http links only on a developer's machine.
    allowHttpLinks: deps.config.env === 'development',
    unitListOf: (bot) => unitListOf(ctx.content, bot),
  });

  function defineJobs(): void {
    defineOutreachJobs(
      deps.scheduler,
      {
        dailyQuestion: (data) => runDailyQuestion(ctx, data.bot),
        campaignReminder: (data) => runCampaignReminder(ctx, data as unknown as ReminderJobData),
        broadcast: (data, job) => fanout.materialise(data.broadcastId, job),
        broadcastBatch: (data, job) => fanout.sendBatch(data, job),
        weeklyRecap: (data) => runWeeklyRecap(ctx, data.bot),
      },
      {
        ...(deps.options?.lockLifetimeMs ? { lockLifetimeMs: deps.options.lockLifetimeMs } : {}),
        ...(deps.options?.batchConcurrency ? { batchConcurrency: deps.options.batchConcurrency } : {}),
      },
    );
  }

  return {
    broadcasts,
    markReceipt: (event: ReceiptEvent) => markReceipt(deps.models, clock, event),
    defineJobs,
    syncCampaignJobs: (next: ContentBundle) => syncCampaignJobs(ctx, next),
    /** Exposed for tests and the CLI. */
    fanout,
    runDailyQuestion: (bot: string) => runDailyQuestion(ctx, bot),
    /** The weekly recap of one bot now (the job's work): the generated broadcast's id. */
    runWeeklyRecap: (bot: string) => runWeeklyRecap(ctx, bot),
    runCampaignReminder: (data: Record<string, unknown>) => runCampaignReminder(ctx, data as unknown as ReminderJobData),
    formatLocal: (d: Date) => formatLocal(d, zone),
  };
}

export type Outreach = ReturnType<typeof createOutreach>;

function stripUndef<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
