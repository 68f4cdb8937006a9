/**
 * Outreach: organisers' broadcasts, the daily question and campaign reminders, delivered by one
 * fan-out with quiet hours, a path per member (docs/reach.md: window, event tag, opt-in, Zalo's paid
 * messages, one post per Zalo group) and retries. Rate limits are the send pipeline's
 * (src/channels): every message passes its one limiter.
 */

export { broadcastInputSchema, broadcastPatchSchema, broadcastListFilterSchema, audienceSchema } from './schema.js';
export type { BroadcastInput, BroadcastPatch, BroadcastListFilter } from './schema.js';
export type { BroadcastService, BroadcastView, BroadcastPreview, DeliveryReport, OutcomeCounts, RenderForPlatform } from './broadcasts.js';
export { reachAdvice, reasonOf, type ReachAdvice } from './reach-advice.js';
export type { DailyQuestionMessage, WeeklyRecapMessage } from './message.js';
export { upcomingReminders, plannedReminders, reminderText, reminderTimes, occurrenceInCalendar, type ReminderSlot } from './reminders.js';
export { nextAllowedTime, parseQuietHours, parseLocalDateTime, formatLocal } from './timing.js';
export {
  chooseReachPath,
  MESSENGER_WINDOW_MS,
  ZALO_OA_FREE_MS,
  ZALO_OA_PAID_MS,
  SKIP_REASONS,
  type ReachDecision,
  type ReachFacts,
  type SkipReason,
} from './reach.js';
export type { ReachForecast } from './broadcasts.js';
export { registerBroadcastCommands } from './cli.js';

export type { ReceiptEvent } from './receipts.js';
export { DEFAULT_FANOUT_OPTIONS, createOutreach, type OutreachDeps, type Outreach } from './outreach.js';
