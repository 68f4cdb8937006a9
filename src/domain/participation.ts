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
