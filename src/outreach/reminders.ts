import { DateTime } from 'luxon';
import { isMessageText, type Campaign, type CampaignEvent, type ContentBundle } from '../content/index.js';
import { interpolate, type Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';

type MessageRef = CampaignEvent['message'];

/** One reminder to send: an event occurrence minus an offset, with a stable key for its job. */
export interface ReminderSlot {
  /** Unique and stable: `campaign/event/eventDate/-Nd`. A moved event gets a new key. */
  readonly key: string;
  readonly campaignId: string;
  readonly eventId: string;
  /** The occurrence being reminded of, YYYY-MM-DD local. */
  readonly eventDate: string;
  readonly daysBefore: number;
  /** When to send, UTC. */
  readonly at: Date;
  readonly bots: readonly string[];
  readonly eventUpdate: boolean;
  readonly message: MessageRef;
  readonly title: { vi: string; en?: string | undefined };
}

/**
 * When each reminder of one event occurrence goes out: `daysBefore` days before at `reminderTime`,
 * and on the day (0) at the event's own `time`; local time in `zone`.
 */
export function reminderTimes(
  event: Pick<CampaignEvent, 'time' | 'reminderTime' | 'reminderDaysBefore'>,
  eventDate: string,
  zone: string,
): Array<{ daysBefore: number; at: Date }> {
  const day = DateTime.fromISO(eventDate, { zone });
  return [...new Set(event.reminderDaysBefore)]
    .sort((a, b) => b - a)
    .map((daysBefore) => {
      const [h, m] = (daysBefore === 0 ? event.time : event.reminderTime).split(':').map(Number) as [number, number];
      return { daysBefore, at: day.minus({ days: daysBefore }).set({ hour: h, minute: m, second: 0, millisecond: 0 }).toJSDate() };
    });
}

/**
 * Whether an occurrence of an event (YYYY-MM-DD) is still part of its calendar: a yearly event
 * with `until` has no occurrence after that day (the plan or the body behind it ended).
 */
export function occurrenceInCalendar(event: Pick<CampaignEvent, 'until'>, eventDate: string): boolean {
  return !event.until || eventDate <= event.until;
}

/** The slots of one event and offset in the given years, in date order, stopping at the event's end. */
function* slotsOf(
  campaign: Campaign,
  event: CampaignEvent,
  bots: readonly string[],
  daysBefore: number,
  years: readonly number[],
  zone: string,
): Generator<ReminderSlot> {
  const dates = event.date ? [event.date] : years.map((y) => `${y}-${event.yearly}`);
  for (const eventDate of dates) {
    if (!DateTime.fromISO(eventDate, { zone }).isValid) continue; // 29/02 in a common year
    // Years are in order: once past `until`, no later year is in the calendar either.
    if (!occurrenceInCalendar(event, eventDate)) return;
    const slot = reminderTimes({ ...event, reminderDaysBefore: [daysBefore] }, eventDate, zone)[0]!;
    yield {
      key: `${campaign.id}/${event.id}/${eventDate}/-${daysBefore}d`,
      campaignId: campaign.id,
      eventId: event.id,
      eventDate,
      daysBefore,
      at: slot.at,
      bots,
      eventUpdate: event.eventUpdate,
      message: event.message,
      title: event.title,
    };
  }
}

/** Every (campaign, event, bots) of the content that some bot reminds of. */
function remindedEvents(content: Pick<ContentBundle, 'bots' | 'campaigns'>): Array<{ campaign: Campaign; event: CampaignEvent; bots: string[] }> {
  const out: Array<{ campaign: Campaign; event: CampaignEvent; bots: string[] }> = [];
  for (const campaign of content.campaigns) {
    const campaignBots = content.bots.filter((b) => b.campaigns.includes(campaign.id)).map((b) => b.id);
    for (const event of campaign.events) {
      const bots = event.bots ? campaignBots.filter((b) => event.bots!.includes(b)) : campaignBots;
      if (bots.length > 0) out.push({ campaign, event, bots });
    }
  }
  return out;
}

const bySendTime = (a: ReminderSlot, b: ReminderSlot) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key);

/**
 * The next reminder of every (campaign, event, offset) that is still ahead of `now`: one-off events
 * once, yearly events in the first year whose reminder has not passed and that is not after the
 * event's `until`. Pure: the scheduler turns these into jobs keyed by `key`, so re-syncing the same
 * content changes nothing.
 */
export function upcomingReminders(content: Pick<ContentBundle, 'bots' | 'campaigns'>, now: Date, zone: string): ReminderSlot[] {
  const year = DateTime.fromJSDate(now, { zone }).year;
  const slots: ReminderSlot[] = [];
  for (const { campaign, event, bots } of remindedEvents(content)) {
    for (const daysBefore of new Set(event.reminderDaysBefore)) {
      for (const slot of slotsOf(campaign, event, bots, daysBefore, [year, year + 1, year + 2], zone)) {
        if (slot.at <= now) continue;
        slots.push(slot);
        break;
      }
    }
  }
  return slots.sort(bySendTime);
}

/**
 * Every reminder the calendar will send from `now` until the end of the year `years` after this one
 * (what the calendar page previews): the same slots as the jobs, each occurrence of a yearly event
 * until its end, never one of an event that has ended. `campaignId` narrows it to one campaign.
 */
export function plannedReminders(
  content: Pick<ContentBundle, 'bots' | 'campaigns'>,
  now: Date,
  zone: string,
  options: { readonly years?: number; readonly campaignId?: string } = {},
): ReminderSlot[] {
  const year = DateTime.fromJSDate(now, { zone }).year;
  const years = Array.from({ length: (options.years ?? 1) + 1 }, (_, i) => year + i);
  const slots: ReminderSlot[] = [];
  for (const { campaign, event, bots } of remindedEvents(content)) {
    if (options.campaignId && campaign.id !== options.campaignId) continue;
    for (const daysBefore of new Set(event.reminderDaysBefore)) {
      for (const slot of slotsOf(campaign, event, bots, daysBefore, years, zone)) if (slot.at > now) slots.push(slot);
    }
  }
  return slots.sort(bySendTime);
}

/**
 * The words of a reminder in a locale, as the member reads it (before the stop footer): an
 * i18next key with the event's variables (on the day itself its `_today` form), or the text an
 * organiser wrote with the same variables filled in.
 */
export function reminderText(
  t: Translate,
  locale: Locale,
  slot: Pick<ReminderSlot, 'message' | 'title' | 'eventDate' | 'daysBefore'> & {
    readonly time: string;
    readonly campaignTitle: { vi: string; en?: string | undefined };
  },
  zone: string,
): string {
  const vars = reminderVariables(slot, locale, zone);
  const message = slot.message;
  if (isMessageText(message)) return interpolate(message.text[locale] ?? message.text.vi, vars);
  return t(locale, message.key, { ...message.vars, ...vars, ...(slot.daysBefore === 0 ? { context: 'today' } : {}) });
}

/** The variables every event message may use (STANDARD_EVENT_VARS in src/content) in a locale. */
export function reminderVariables(
  slot: Pick<ReminderSlot, 'title' | 'eventDate' | 'daysBefore'> & { readonly time: string; readonly campaignTitle: { vi: string; en?: string | undefined } },
  locale: Locale,
  zone: string,
): Record<string, string | number> {
  return {
    title: (locale === 'en' ? slot.title.en : undefined) ?? slot.title.vi,
    campaign: (locale === 'en' ? slot.campaignTitle.en : undefined) ?? slot.campaignTitle.vi,
    date: DateTime.fromISO(slot.eventDate, { zone }).toFormat('dd/MM/yyyy'),
    time: slot.time,
    daysLeft: slot.daysBefore,
    count: slot.daysBefore,
  };
}
