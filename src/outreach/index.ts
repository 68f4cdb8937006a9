/**
 * Outreach: organisers' broadcasts, the daily question and campaign reminders, delivered by one
 * fan-out with per-channel rate limits, quiet hours, platform windows and retries.
 */
import { DateTime } from 'luxon';
import type { Config } from '../config/index.js';
import type { ContentBundle } from '../content/schema.js';
import { systemClock, type Clock, type InboundEvent, type Send } from '../domain/index.js';
import type { Broadcast, Models } from '../db/models/index.js';
import type { Translate } from '../i18n/index.js';
import { defineOutreachJobs, JOB, scheduleOnce, scheduleRepeating, type Scheduler } from '../jobs/index.js';
import type { Logger } from '../log/index.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { createBroadcastService, type RenderForPlatform } from './broadcasts.js';
import { createFanout, type FanoutOptions } from './fanout.js';
import type { DailyQuestionMessage } from './message.js';
import { occurrenceInCalendar, upcomingReminders, type ReminderSlot } from './reminders.js';
import { formatLocal, localDay, parseQuietHours, type QuietWindow } from './timing.js';
import { createChannelBuckets, type TokenBucket } from './token-bucket.js';
import type { ChannelName } from '../domain/index.js';

export { broadcastInputSchema, broadcastPatchSchema, broadcastListFilterSchema, audienceSchema } from './schema.js';
export type { BroadcastInput, BroadcastPatch, BroadcastListFilter } from './schema.js';
export type { BroadcastView, BroadcastPreview, DeliveryReport, RenderForPlatform } from './broadcasts.js';
export type { DailyQuestionMessage } from './message.js';
export { upcomingReminders, reminderTimes, occurrenceInCalendar, type ReminderSlot } from './reminders.js';
export { nextAllowedTime, parseQuietHours, parseLocalDateTime, formatLocal } from './timing.js';
export { decideWindow } from './windows.js';
export { backoffDelay } from './backoff.js';
export { TokenBucket } from './token-bucket.js';

/** A delivered/read receipt: the channel's `delivered` / `read` inbound events, or the same fields. */
export type ReceiptEvent = Pick<
  Extract<InboundEvent, { kind: 'delivered' | 'read' }>,
  'kind' | 'bot' | 'channel' | 'userId' | 'messageIds' | 'watermark' | 'at'
>;

export interface OutreachDeps {
  readonly models: Models;
  readonly scheduler: Scheduler;
  readonly send: Send;
  readonly content: ContentBundle;
  readonly t: Translate;
  readonly config: Pick<Config, 'timeZone' | 'quietHours' | 'sending'>;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly dailyQuestionMessage?: DailyQuestionMessage;
  /** Channels' per-platform renderer, for previews. */
  readonly render?: RenderForPlatform;
  /** Tuning, mostly for tests and benchmarks. */
  readonly options?: Partial<FanoutOptions> & {
    readonly lockLifetimeMs?: number;
    readonly batchConcurrency?: number;
    readonly buckets?: Record<ChannelName, TokenBucket>;
  };
}

export const DEFAULT_FANOUT_OPTIONS: FanoutOptions = {
  batchSize: 500,
  chunkSize: 50,
  leaseMs: 60_000,
  recheckMs: 2000,
  backoff: DEFAULT_BACKOFF satisfies BackoffOptions,
  random: Math.random,
};

/** Data of a `campaign-reminder` job: the slot, so the job runs even if content changed meanwhile. */
type ReminderJobData = Omit<ReminderSlot, 'at'> & { at: string };

/** Builds the outreach service. Call `defineJobs()` before `scheduler.start()`, then `syncCampaignJobs(content)`. */
export function createOutreach(deps: OutreachDeps) {
  const clock = deps.clock ?? systemClock;
  const zone = deps.config.timeZone;
  const options: FanoutOptions = { ...DEFAULT_FANOUT_OPTIONS, ...stripUndef(deps.options ?? {}) };
  let content = deps.content;
  const defaultQuiet = parseQuietHours(deps.config.quietHours);
  const quietHoursFor = (bot: string): QuietWindow => {
    const own = content.bots.find((b) => b.id === bot)?.quietHours;
    return own ? parseQuietHours(own) : defaultQuiet;
  };
  const fanout = createFanout({
    models: deps.models,
    agenda: deps.scheduler.agenda,
    send: deps.send,
    t: deps.t,
    timeZone: zone,
    quietHoursFor,
    maxAttempts: deps.config.sending.maxAttempts,
    buckets: deps.options?.buckets ?? createChannelBuckets(deps.config.sending),
    clock,
    logger: deps.logger,
    dailyQuestionMessage: deps.dailyQuestionMessage,
    options,
  });
  const broadcasts = createBroadcastService({
    models: deps.models,
    scheduler: deps.scheduler,
    fanout,
    t: deps.t,
    timeZone: zone,
    clock,
    render: deps.render,
  });
  const agenda = deps.scheduler.agenda;

  /** Creates a generated broadcast once (deterministic id) and its fan-out job once. */
  async function ensureGenerated(
    doc: Omit<Broadcast, 'createdAt' | 'updatedAt' | 'status' | 'startedAt' | 'finishedAt' | 'cancelledAt' | 'cursor' | 'audienceSize'>,
  ): Promise<void> {
    const { _id, ...fields } = doc;
    await deps.models.Broadcast.updateOne(
      { _id },
      {
        $setOnInsert: {
          ...fields,
          status: 'scheduled',
          startedAt: null,
          finishedAt: null,
          cancelledAt: null,
          cursor: { lastParticipantId: null, batches: 0, complete: false, doneBatches: [] },
          audienceSize: null,
        },
      },
      { upsert: true },
    );
    await scheduleOnce(agenda, JOB.broadcast, { broadcastId: doc._id }, { broadcastId: doc._id }, doc.sendAt);
  }

  /** `daily-question`: today's question to the bot's subscribed members, once per bot and day. */
  async function runDailyQuestion(bot: string): Promise<void> {
    const config = content.bots.find((b) => b.id === bot);
    if (!config || !config.dailyQuestion.enabled) return;
    const now = clock();
    const day = localDay(now, zone);
    // No question for today (empty bank): nothing to send, and no empty broadcast in the list.
    if (deps.dailyQuestionMessage && !(await deps.dailyQuestionMessage(bot, day, config.defaultLocale))) {
      deps.logger.warn({ bot, day }, 'no daily question to send');
      return;
    }
    await ensureGenerated({
      _id: `daily:${bot}:${day}`,
      kind: 'daily',
      title: deps.t('vi', 'outreach:daily.title', { bot, day }),
      message: null,
      messageRef: null,
      daily: { bot, day },
      audience: { bots: [bot], channels: [], units: [], activeWithinDays: null, answeredToday: null },
      eventUpdate: false,
      sendAt: now,
      createdBy: 'system:daily-question',
    });
  }

  /** `campaign-reminder`: one reminder broadcast per slot, then the next yearly occurrence is scheduled. */
  async function runCampaignReminder(data: ReminderJobData): Promise<void> {
    const campaign = content.campaigns.find((c) => c.id === data.campaignId);
    const event = campaign?.events.find((e) => e.id === data.eventId);
    const now = clock();
    // A removed event, an occurrence after the event's end (content changed since the job was
    // scheduled), or a reminder more than a day late (server was down), is not sent.
    if (event && occurrenceInCalendar(event, data.eventDate) && now.getTime() - new Date(data.at).getTime() < 86_400_000) {
      const date = DateTime.fromISO(data.eventDate, { zone }).toFormat('dd/MM/yyyy');
      // The variables every event message may use (see STANDARD_EVENT_VARS in src/content).
      await ensureGenerated({
        _id: `reminder:${data.key}`,
        kind: 'reminder',
        title: deps.t('vi', 'outreach:reminder.title', { event: data.title.vi, date }),
        message: null,
        messageRef: {
          key: data.message.key,
          vars: { ...data.message.vars, date, time: event.time, daysLeft: data.daysBefore, count: data.daysBefore },
          localVars: { title: { vi: data.title.vi, en: data.title.en ?? null }, campaign: { vi: campaign!.title.vi, en: campaign!.title.en ?? null } },
          context: data.daysBefore === 0 ? 'today' : null,
        },
        daily: null,
        audience: { bots: [...data.bots], channels: [], units: [], activeWithinDays: null, answeredToday: null },
        eventUpdate: data.eventUpdate,
        sendAt: now,
        createdBy: 'system:campaign-reminder',
      });
    }
    await syncCampaignJobs(content);
  }

  /**
   * Makes the scheduled jobs match the content: one `daily-question` per bot at its cron, and the
   * next `campaign-reminder` of every event offset. Keys are unique, so re-syncing never
   * duplicates; a removed event's jobs are removed and a moved event's jobs move.
   */
  async function syncCampaignJobs(next: ContentBundle): Promise<{ reminders: number; removed: number }> {
    content = next;
    // Daily questions.
    const wanted = new Set<string>();
    for (const bot of content.bots) {
      if (!bot.dailyQuestion.enabled) continue;
      wanted.add(bot.id);
      await scheduleRepeating(agenda, JOB.dailyQuestion, { bot: bot.id }, { bot: bot.id }, bot.dailyQuestion.cron, zone);
    }
    const dailyJobs = await agenda.queryJobs({ name: JOB.dailyQuestion });
    for (const j of dailyJobs.jobs) {
      const bot = (j.data as { bot?: string } | undefined)?.bot;
      if (!bot || !wanted.has(bot)) await agenda.cancel({ id: String(j._id) });
    }
    // Campaign reminders.
    const slots = new Map(upcomingReminders(content, clock(), zone).map((s) => [s.key, s]));
    const existing = await agenda.queryJobs({ name: JOB.campaignReminder });
    const pendingKeys = new Set<string>();
    let removed = 0;
    for (const j of existing.jobs) {
      if (j.lastRunAt || j.lockedAt) continue; // ran or running: history, leave it
      const data = j.data as Partial<ReminderJobData> | undefined;
      const slot = data?.key ? slots.get(data.key) : undefined;
      const same = slot && j.nextRunAt && new Date(j.nextRunAt).getTime() === slot.at.getTime() && JSON.stringify(slot.bots) === JSON.stringify(data?.bots);
      if (same) pendingKeys.add(slot.key);
      else {
        await agenda.cancel({ id: String(j._id) });
        removed++;
      }
    }
    for (const slot of slots.values()) {
      if (pendingKeys.has(slot.key)) continue;
      const data: ReminderJobData = { ...slot, bots: [...slot.bots], at: slot.at.toISOString() };
      await agenda.cancel({ name: JOB.campaignReminder, data: { key: slot.key } });
      await scheduleOnce(agenda, JOB.campaignReminder, data as unknown as Record<string, unknown>, { key: slot.key }, slot.at);
    }
    deps.logger.info({ reminders: slots.size, removed, dailyBots: wanted.size }, 'outreach jobs synced with content');
    return { reminders: slots.size, removed };
  }

  function defineJobs(): void {
    defineOutreachJobs(
      deps.scheduler,
      {
        dailyQuestion: (data) => runDailyQuestion(data.bot),
        campaignReminder: (data) => runCampaignReminder(data as unknown as ReminderJobData),
        broadcast: (data, ctx) => fanout.materialise(data.broadcastId, ctx),
        broadcastBatch: (data, ctx) => fanout.sendBatch(data, ctx),
      },
      {
        ...(deps.options?.lockLifetimeMs ? { lockLifetimeMs: deps.options.lockLifetimeMs } : {}),
        ...(deps.options?.batchConcurrency ? { batchConcurrency: deps.options.batchConcurrency } : {}),
      },
    );
  }

  /**
   * Messenger `read`/`delivery` and Zalo `user_seen_message`/`user_received_message`: marks the
   * matching deliveries read or delivered, by platform message id or by watermark time.
   */
  async function markReceipt(event: ReceiptEvent): Promise<number> {
    const p = await deps.models.Participant.findOne({ bot: event.bot, channel: event.channel, userId: event.userId }).select('_id').lean();
    if (!p) return 0;
    const field = event.kind === 'read' ? 'readAt' : 'deliveredAt';
    const at = event.at ?? clock();
    let n = 0;
    if (event.messageIds.length) {
      const r = await deps.models.Delivery.updateMany(
        { participantId: p._id, messageIds: { $in: [...event.messageIds] }, [field]: null },
        { $set: { [field]: at } },
      );
      n += r.modifiedCount;
    }
    if (event.watermark) {
      const r = await deps.models.Delivery.updateMany(
        { participantId: p._id, status: 'sent', sentAt: { $lte: event.watermark }, [field]: null },
        { $set: { [field]: at } },
      );
      n += r.modifiedCount;
    }
    return n;
  }

  return {
    broadcasts,
    markReceipt,
    defineJobs,
    syncCampaignJobs,
    /** Exposed for tests and the CLI. */
    fanout,
    runDailyQuestion,
    runCampaignReminder: (data: Record<string, unknown>) => runCampaignReminder(data as unknown as ReminderJobData),
    formatLocal: (d: Date) => formatLocal(d, zone),
  };
}

export type Outreach = ReturnType<typeof createOutreach>;

function stripUndef<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
