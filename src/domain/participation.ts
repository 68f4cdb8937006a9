import type { Locale } from './locale.js';

/**
 * A unit's participation rate, the one definition every place uses (chat leaderboards, contest
 * results, the dashboard, exports): participants ÷ the unit's size in the bot's own unit list,
 * capped at 1 (more participants than members means the size is out of date), or null when the
 * size is unknown. docs/statistics.md says which participants each place counts.
 */
export function participationRate(participants: number, size: number | null | undefined): number | null {
  return size && size > 0 ? Math.min(1, participants / size) : null;
}

/** A rate as a percentage with one decimal (0.0333… → 3.3), as every place shows it. */
export function ratePercent(rate: number | null): number | null {
  return rate === null ? null : Math.round(rate * 1000) / 10;
}

/** How each language writes numbers: Vietnamese with a decimal comma ("3,3"), English with a point. */
export const NUMBER_LOCALE: Readonly<Record<Locale, string>> = { vi: 'vi-VN', en: 'en-GB' };

/** A number with at most `digits` decimals, in the language's way ("3,3" in Vietnamese, "3.3" in English), no grouping. */
export function formatNumber(n: number, locale: Locale, digits = 1): string {
  return n.toLocaleString(NUMBER_LOCALE[locale], { maximumFractionDigits: digits, useGrouping: false });
}

/**
 * A rate (0.0333…) as people read it: "3,3%" in Vietnamese (decimal comma, no space before the
 * sign), "3.3%" in English; one decimal at most ("50%", "100%"); null (unknown) as ''. The one
 * function behind every percentage written for people: chat, the CLI, CSV cells and texts of the
 * exports, API texts; the admin pages' `pct` (src/http/pages/static/common.js) does the same
 * arithmetic and is tested against this one on the same cases (tests/fixtures/percent-cases.ts).
 */
export function formatPercent(rate: number | null, locale: Locale): string {
  return rate === null ? '' : `${formatNumber(ratePercent(rate)!, locale)}%`;
}

/** How a spreadsheet (XLSX) shows a rate kept as a number: a percentage with one decimal, as the reader's Excel writes it. */
export const PERCENT_CELL_FORMAT = '0.0%';

/** A rate as a spreadsheet keeps it: the number of the percentage every place shows (0.0333… → 0.033), shown with {@link PERCENT_CELL_FORMAT}. */
export function percentCellValue(rate: number): number {
  return ratePercent(rate)! / 100;
}
