import { isMessageText, type Campaign, type ContentBundle } from '../content/index.js';
import type { Locale } from '../domain/index.js';
import { JOB, scheduleOnce, scheduleRepeating } from '../jobs/index.js';
import { ensureGenerated, type GeneratedBroadcast, type OutreachContext } from './context.js';
import { occurrenceInCalendar, reminderText, reminderVariables, upcomingReminders, type ReminderSlot } from './reminders.js';

/** Data of a `campaign-reminder` job: the slot, so the job runs even if content changed meanwhile. */
export type ReminderJobData = Omit<ReminderSlot, 'at'> & { at: string };

/** `campaign-reminder`: one reminder broadcast per slot, then the next yearly occurrence is scheduled. */
export async function runCampaignReminder(ctx: OutreachContext, data: ReminderJobData): Promise<void> {
  const campaign = ctx.content.campaigns.find((c) => c.id === data.campaignId);
  const event = campaign?.events.find((e) => e.id === data.eventId);
  const now = ctx.clock();
  // A removed event, an occurrence after the event's end (content changed since the job was
  // scheduled), or a reminder more than a day late (server was down), is not sent.
  if (campaign && event && occurrenceInCalendar(event, data.eventDate) && now.getTime() - new Date(data.at).getTime() < 86_400_000) {
    await ensureGenerated(ctx, reminderBroadcast(ctx, data, { campaign, time: event.time }));
  }
  await syncCampaignJobs(ctx, ctx.content);
}

/**
 * The broadcast of one reminder slot. A reminder written as an i18next key is composed per member
 * at send time (`messageRef`, with the variables every event message may use); one written out in
 * the pages is composed here in both languages, from the same variables.
 */
function reminderBroadcast(ctx: OutreachContext, data: ReminderJobData, found: { campaign: Campaign; time: string }): GeneratedBroadcast {
  const slot = { ...data, time: found.time, campaignTitle: found.campaign.title };
  const vi = reminderVariables(slot, 'vi', ctx.zone);
  const message = data.message;
  const text = (locale: Locale) => ({ text: reminderText(ctx.t, locale, slot, ctx.zone), choices: [], link: null });
  return {
    _id: `reminder:${data.key}`,
    kind: 'reminder',
    title: ctx.t('vi', 'outreach:reminder.title', { event: data.title.vi, date: vi.date }),
    message: isMessageText(message) ? { vi: text('vi'), en: text('en') } : null,
    messageRef: isMessageText(message)
      ? null
      : {
          key: message.key,
          vars: { ...message.vars, date: vi.date!, time: found.time, daysLeft: data.daysBefore, count: data.daysBefore },
          localVars: {
            title: { vi: data.title.vi, en: data.title.en ?? null },
            campaign: { vi: found.campaign.title.vi, en: found.campaign.title.en ?? null },
          },
          context: data.daysBefore === 0 ? 'today' : null,
        },
    daily: null,
    audience: { bots: [...data.bots], channels: [], units: [], activeWithinDays: null, answeredToday: null },
    eventUpdate: data.eventUpdate,
    // The occurrence members sign up for ("remind me"): only they get its updates tagged on Messenger.
    eventKey: `${data.campaignId}/${data.eventId}/${data.eventDate}`,
    sendAt: ctx.clock(),
    createdBy: 'system:campaign-reminder',
  };
}

/**
 * Makes the scheduled jobs match the content: one `daily-question` per bot at its cron, and the
 * next `campaign-reminder` of every event offset. Keys are unique, so re-syncing never
 * duplicates; a removed event's jobs are removed and a moved event's jobs move.
 */
export async function syncCampaignJobs(ctx: OutreachContext, next: ContentBundle): Promise<{ reminders: number; removed: number }> {
  ctx.content = next;
  const dailyBots = await syncDailyJobs(ctx);
  await syncRecapJobs(ctx);
  const { reminders, removed } = await syncReminderJobs(ctx);
  ctx.logger.info({ reminders, removed, dailyBots }, 'outreach jobs synced with content');
  return { reminders, removed };
}

/** One `daily-question` job per bot that sends one, at its cron; the jobs of other bots go. Returns how many bots. */
async function syncDailyJobs({ agenda, content, zone }: OutreachContext): Promise<number> {
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
  return wanted.size;
}

/** One `weekly-recap` job per bot at RECAP_CRON (Asia/Ho_Chi_Minh); none when it is off. */
async function syncRecapJobs({ agenda, content, zone, recapCron }: OutreachContext): Promise<void> {
  const wanted = new Set<string>();
  if (recapCron) {
    for (const bot of content.bots) {
      wanted.add(bot.id);
      await scheduleRepeating(agenda, JOB.weeklyRecap, { bot: bot.id }, { bot: bot.id }, recapCron, zone);
    }
  }
  for (const j of (await agenda.queryJobs({ name: JOB.weeklyRecap })).jobs) {
    const bot = (j.data as { bot?: string } | undefined)?.bot;
    if (!bot || !wanted.has(bot)) await agenda.cancel({ id: String(j._id) });
  }
}

/** The next reminder of every event offset as a job; pending jobs that no longer match are removed. */
async function syncReminderJobs({ agenda, content, zone, clock }: OutreachContext): Promise<{ reminders: number; removed: number }> {
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
  return { reminders: slots.size, removed };
}
