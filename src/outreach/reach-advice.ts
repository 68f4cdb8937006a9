import { REACH_PATHS, type Locale, type ReachPath } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { SKIP_REASONS, type SkipReason } from './reach.js';

/** One reason members were (or will be) skipped, in the organiser's words, with what to do about it. */
export interface ReachAdvice {
  readonly reason: SkipReason;
  readonly count: number;
  /** What happened, e.g. "12 Messenger members have not written in 24 hours and have not opted in." */
  readonly text: string;
  /** How to reach them, e.g. "Ask them to send the page any message: the bot will invite them to opt in." */
  readonly action: string;
}

const known = new Set<string>(SKIP_REASONS);

/**
 * The skip reasons with a count, most frequent first, as sentences from
 * content/locales/<locale>/outreach.json (`reach.skip.*`, `reach.action.*`). Reasons that are not
 * ours (a platform's own message) are left out: they are counted under `failed`. The report and the
 * preview both use this, so their words agree.
 */
export function reachAdvice(counts: Readonly<Record<string, number>>, t: Translate, locale: Locale): ReachAdvice[] {
  return Object.entries(counts)
    .filter(([reason, count]) => count > 0 && known.has(reason))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, count]) => ({
      reason: reason as SkipReason,
      count,
      text: t(locale, `outreach:reach.skip.${reason}`, { count }),
      action: t(locale, `outreach:reach.action.${reason}`, { count }),
    }));
}

/** The report's paths in the order the chooser tries them (free before paid); `none` = no path was tried. */
export const REPORT_PATHS: ReadonlyArray<ReachPath | 'none'> = [...REACH_PATHS, 'none'];
