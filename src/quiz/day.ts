import { DateTime } from 'luxon';

/** Every calendar day of the product is a day in Vietnam. */
export const QUIZ_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** YYYY-MM-DD of an instant, in Asia/Ho_Chi_Minh. */
export function dayOf(at: Date, zone: string = QUIZ_TIME_ZONE): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/** The day `n` days after (or before, when negative) a YYYY-MM-DD day. */
export function addDays(day: string, n: number): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: n }).toISODate()!;
}

/** Whole days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b, { zone: 'UTC' }).diff(DateTime.fromISO(a, { zone: 'UTC' }), 'days').days);
}

/** Days since 1970-01-01 of a YYYY-MM-DD day: a stable index for rotations. */
export function dayNumber(day: string): number {
  return daysBetween('1970-01-01', day);
}

/** Monday of the ISO week a day belongs to. */
export function weekStart(day: string): string {
  const d = DateTime.fromISO(day, { zone: 'UTC' });
  return d.minus({ days: d.weekday - 1 }).toISODate()!;
}

/** "HH:mm dd/MM" of an instant in Asia/Ho_Chi_Minh, for messages. */
export function formatTime(at: Date, zone: string = QUIZ_TIME_ZONE): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm dd/MM');
}

/** "dd/MM/yyyy" of a YYYY-MM-DD day. */
export function formatDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).toFormat('dd/MM/yyyy');
}
