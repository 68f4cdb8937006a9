/** Every Agenda job name of the product, one place, so Agendash and code agree. */
export const JOB = {
  dailyQuestion: 'daily-question',
  campaignReminder: 'campaign-reminder',
  /** Materialises a broadcast's deliveries and starts one `broadcast-batch` job per batch. */
  broadcast: 'broadcast',
  broadcastBatch: 'broadcast-batch',
  inboxSweeper: 'inbox-sweeper',
  zaloTokenRefresh: 'zalo-token-refresh',
  contestClose: 'contest-close',
  /** Issue 19 item 4: one per bot, each member's recap of the week (RECAP_CRON, default Sunday 19:00). */
  weeklyRecap: 'weekly-recap',
  /** Deletes processed inbox entries, web messages and finished broadcasts' deliveries past their days. */
  retention: 'retention',
} as const;
export type JobName = (typeof JOB)[keyof typeof JOB];
