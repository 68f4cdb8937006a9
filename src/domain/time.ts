import { DateTime } from 'luxon';

/**
 * Calendar days and local times, in the configured time zone (config.timeZone, TIME_ZONE). Every
 * room that needs "today" or a day's boundaries uses these, with the zone it was given.
 */

/** The default of TIME_ZONE: every calendar day of the product is a day in Vietnam unless configured otherwise. */
export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Vietnam has kept UTC+7 without daylight saving since 1975: days there need no time-zone database. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** YYYY-MM-DD of an instant in `zone` (an IANA zone such as Asia/Ho_Chi_Minh). */
export function dayOf(at: Date, zone: string): string {
  if (zone === DEFAULT_TIME_ZONE) return new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/** Midnight UTC of a YYYY-MM-DD day, as milliseconds: calendar arithmetic without a time zone. */
function utc(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

/** The instant a local day (YYYY-MM-DD) begins in `zone`. */
export function localMidnight(day: string, zone: string): Date {
  return DateTime.fromISO(day, { zone }).startOf('day').toJSDate();
}

/** The instants a range of local days covers: from the first day's midnight in `zone` up to (not including) the midnight after the last. */
export function dayRangeInstants(from: string, to: string, zone: string): { from: Date; to: Date } {
  return { from: localMidnight(from, zone), to: localMidnight(addDays(to, 1), zone) };
}

/** The day `n` days after (or before, when negative) a YYYY-MM-DD day. */
export function addDays(day: string, n: number): string {
  return new Date(utc(day) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utc(b) - utc(a)) / DAY_MS);
}

/** Every YYYY-MM-DD from `from` to `to` inclusive (empty when `to` is earlier; at most 3,700 days). */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length < 3700; t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Days since 1970-01-01 of a YYYY-MM-DD day: a stable index for rotations. */
export function dayNumber(day: string): number {
  return Math.round(utc(day) / DAY_MS);
}

/** Monday of the ISO week a day belongs to. */
export function weekStart(day: string): string {
  const weekday = (new Date(utc(day)).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -weekday);
}

/** "HH:mm dd/MM" of an instant in `zone`, for messages. */
export function formatTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm dd/MM');
}

/** "dd/MM/yyyy" of a YYYY-MM-DD day. */
export function formatDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).toFormat('dd/MM/yyyy');
}
