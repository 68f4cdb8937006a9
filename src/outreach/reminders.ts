import { DateTime } from 'luxon';
import type { CampaignEvent, ContentBundle } from '../content/index.js';

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

/**
 * The next reminder of every (campaign, event, offset) that is still ahead of `now`: one-off events
 * once, yearly events in the first year whose reminder has not passed and that is not after the
 * event's `until`. Pure: the scheduler turns these into jobs keyed by `key`, so re-syncing the same
 * content changes nothing.
 */
export function upcomingReminders(content: Pick<ContentBundle, 'bots' | 'campaigns'>, now: Date, zone: string): ReminderSlot[] {
  const slots: ReminderSlot[] = [];
  const year = DateTime.fromJSDate(now, { zone }).year;
  for (const campaign of content.campaigns) {
    const campaignBots = content.bots.filter((b) => b.campaigns.includes(campaign.id)).map((b) => b.id);
    for (const event of campaign.events) {
      const bots = event.bots ? campaignBots.filter((b) => event.bots!.includes(b)) : campaignBots;
      if (bots.length === 0) continue;
      const dates = event.date ? [event.date] : [year, year + 1, year + 2].map((y) => `${y}-${event.yearly}`);
      for (const daysBefore of new Set(event.reminderDaysBefore)) {
        for (const eventDate of dates) {
          if (!DateTime.fromISO(eventDate, { zone }).isValid) continue; // 29/02 in a common year
          // Years are in order: once past `until`, no later year is in the calendar either.
          if (!occurrenceInCalendar(event, eventDate)) break;
          const slot = reminderTimes({ ...event, reminderDaysBefore: [daysBefore] }, eventDate, zone)[0]!;
          if (slot.at <= now) continue;
          slots.push({
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
          });
          break;
        }
      }
    }
  }
  return slots.sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key));
}
