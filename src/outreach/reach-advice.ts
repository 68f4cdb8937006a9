import type { DeliveryStatus } from '../db/index.js';
import { REACH_PATHS, type Locale, type ReachPath, type SendErrorClass } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';

/**
 * Why a delivery was not (yet) sent, as a code an organiser never sees raw: the stored reason of a
 * skipped delivery (`unsubscribed`, `unreachable`, `window_closed`, `no_message`, `cancelled`, and
 * the reach paths' reasons), `failed_<errorClass>` for a failed one, `quiet_hours` or `retrying` for
 * one still waiting. Null for a sent delivery or one simply not yet due.
 */
export function reasonOf(d: { readonly status: DeliveryStatus; readonly reason: string | null; readonly errorClass: SendErrorClass | null }): string | null {
  switch (d.status) {
    case 'sent':
      return null;
    case 'skipped':
      return d.reason ?? 'other';
    case 'failed':
      return `failed_${d.errorClass ?? 'other'}`;
    default:
      return d.reason === 'quiet_hours' ? 'quiet_hours' : d.errorClass ? 'retrying' : null;
  }
}

/** A reason in words with its count, and what the organiser can do about it (null: nothing to do). */
export interface ReachAdvice {
  readonly reason: string;
  readonly count: number;
  readonly text: string;
  readonly action: string | null;
}

/**
 * Each non-zero reason in words, most frequent first, from `outreach:reach.skip.<reason>` (with
 * `{{count}}`) and `outreach:reach.action.<reason>`. A reason without words reads as "other".
 * The broadcast report and preview use this one function.
 */
export function reachAdvice(counts: Readonly<Record<string, number>>, t: Translate, locale: Locale): ReachAdvice[] {
  const say = (key: string, count: number): string | null => {
    const out = t(locale, `outreach:reach.${key}`, { count, defaultValue: '' });
    return out && out !== `reach.${key}` ? out : null;
  };
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([reason, count]) => {
      const known = say(`skip.${reason}`, count) !== null;
      const key = known ? reason : 'other';
      return { reason, count, text: say(`skip.${key}`, count) ?? '', action: say(`action.${key}`, count) };
    });
}

/** The report's paths in the order the chooser tries them (free before paid); `none` = no path was tried. */
export const REPORT_PATHS: ReadonlyArray<ReachPath | 'none'> = [...REACH_PATHS, 'none'];
