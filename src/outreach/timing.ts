import { DateTime } from 'luxon';
import type { ChannelName } from '../domain/index.js';

/** Minutes since local midnight. */
type Minute = number;

/** A daily window in local time, e.g. 21:00–07:00; `start > end` wraps past midnight. */
export interface QuietWindow {
  readonly start: Minute;
  readonly end: Minute;
}

/** Zalo refuses proactive messages 22:00–06:00 whatever our own settings say. */
export const ZALO_QUIET: QuietWindow = { start: 22 * 60, end: 6 * 60 };

/** "21:00" → 1260. */
export function parseHhmm(hhmm: string): Minute {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** "21:00-07:00" or {start, end} → a QuietWindow. */
export function parseQuietHours(spec: string | { start: string; end: string }): QuietWindow {
  const [start, end] = typeof spec === 'string' ? (spec.split('-') as [string, string]) : [spec.start, spec.end];
  return { start: parseHhmm(start), end: parseHhmm(end) };
}

function inWindow(w: QuietWindow, minute: Minute): boolean {
  if (w.start === w.end) return false;
  return w.start < w.end ? minute >= w.start && minute < w.end : minute >= w.start || minute < w.end;
}

/** The quiet windows that apply to one channel: the bot's (or the default) plus Zalo's own. */
export function quietWindowsFor(channel: ChannelName, own: QuietWindow): QuietWindow[] {
  return channel === 'zalo_oa' || channel === 'zalo_personal' ? [own, ZALO_QUIET] : [own];
}

/**
 * The first moment at or after `at` outside every quiet window, in `zone`. Returns `at` itself
 * when sending is allowed now. Pure; used to defer deliveries rather than drop them.
 */
export function nextAllowedTime(at: Date, windows: readonly QuietWindow[], zone: string): Date {
  let t = DateTime.fromJSDate(at, { zone });
  // Each step jumps to the end of a window that contains t; two windows need at most a few steps.
  for (let i = 0; i < 8; i++) {
    const minute = t.hour * 60 + t.minute;
    const hit = windows.find((w) => inWindow(w, minute));
    if (!hit) return t.toJSDate();
    let end = t.startOf('day').plus({ minutes: hit.end });
    if (end <= t) end = end.plus({ days: 1 });
    t = end;
  }
  return t.toJSDate();
}

/**
 * A local date-time typed by an organiser ("2026-10-10T08:00", "2026-10-10 08:00") → UTC instant.
 * Strings with an explicit offset or Z are taken as they are.
 */
export function parseLocalDateTime(text: string, zone: string): Date | null {
  const trimmed = text.trim().replace(' ', 'T');
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed);
  const dt = hasOffset ? DateTime.fromISO(trimmed, { setZone: true }) : DateTime.fromISO(trimmed, { zone });
  return dt.isValid ? dt.toJSDate() : null;
}

/** An instant shown to organisers in local time: "10/10/2026 08:00". */
export function formatLocal(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('dd/MM/yyyy HH:mm');
}
