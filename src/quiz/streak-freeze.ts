import { addDays, daysBetween } from '../domain/index.js';
import { advanceStreak, type Streak } from './streak.js';

/**
 * Streak protection: one freeze earned per 7 days of streak, at most two held; a missed day uses
 * one automatically. A frozen day keeps the streak alive without counting as a day answered.
 *
 * Stored on the participant (src/db/models/participant.ts, `streak`): `freezes` (held, 0..2) and
 * `frozenDays` (the days a freeze covered, newest last, the last few kept). `lastDay` keeps its
 * meaning, the last day a daily question was answered; the streak continues from the later of
 * `lastDay` and the last frozen day.
 */

export const FREEZE_EVERY_DAYS = 7;
export const MAX_FREEZES = 2;
/** Frozen days remembered: enough to show "used on …" and to make settling idempotent. */
const FROZEN_DAYS_KEPT = 7;
/** Streak lengths that earn a certificate. */
export const STREAK_MILESTONES = [7, 30, 100] as const;
export type StreakMilestone = (typeof STREAK_MILESTONES)[number];

export interface ProtectedStreak extends Streak {
  readonly freezes: number;
  /** YYYY-MM-DD days covered by a freeze, ascending. */
  readonly frozenDays: readonly string[];
}

/** Reads a stored streak, old documents included (no freezes before this feature). */
export function readProtectedStreak(raw: Partial<Record<keyof ProtectedStreak, unknown>> | null | undefined): ProtectedStreak {
  const days = Array.isArray(raw?.frozenDays) ? raw.frozenDays.filter((d): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)) : [];
  const freezes = Number(raw?.freezes ?? 0);
  return {
    current: Number(raw?.current ?? 0) || 0,
    best: Number(raw?.best ?? 0) || 0,
    lastDay: typeof raw?.lastDay === 'string' ? raw.lastDay : null,
    freezes: Number.isFinite(freezes) ? Math.max(0, Math.min(MAX_FREEZES, Math.floor(freezes))) : 0,
    frozenDays: [...days].sort(),
  };
}

/** The last day that keeps the streak going: answered or frozen. */
export function lastCoveredDay(s: ProtectedStreak): string | null {
  const frozen = s.frozenDays[s.frozenDays.length - 1] ?? null;
  if (!s.lastDay) return frozen;
  return frozen && frozen > s.lastDay ? frozen : s.lastDay;
}

export interface Settled {
  readonly streak: ProtectedStreak;
  /** Days a freeze was used for by this call (tell the member); empty when none. */
  readonly used: readonly string[];
  /** True when the gap was too long for the freezes held: the streak is over (freezes are kept). */
  readonly broken: boolean;
}

/**
 * Covers the days missed before `today` with freezes, if the freezes held cover all of them.
 * Idempotent: once covered, a day is part of the streak and is never paid for again, so settling
 * twice (a redelivered webhook, the daily job and an answer on the same day) uses a freeze once.
 * A gap longer than the freezes held breaks the streak and uses none of them.
 */
export function settleStreak(s: ProtectedStreak, today: string): Settled {
  const last = lastCoveredDay(s);
  if (!last || s.current === 0) return { streak: s, used: [], broken: false };
  const missed = daysBetween(last, today) - 1;
  if (missed <= 0) return { streak: s, used: [], broken: false };
  if (missed > s.freezes) return { streak: s, used: [], broken: true };
  const used = Array.from({ length: missed }, (_, i) => addDays(last, i + 1));
  return {
    streak: { ...s, freezes: s.freezes - missed, frozenDays: [...s.frozenDays, ...used].slice(-FROZEN_DAYS_KEPT) },
    used,
    broken: false,
  };
}

export interface Advanced {
  readonly streak: ProtectedStreak;
  /** Freezes used for missed days before this answer. */
  readonly used: readonly string[];
  /** True when this answer earned a freeze. */
  readonly earned: boolean;
  /** The milestone reached by this answer (7, 30, 100 days), for a certificate. */
  readonly milestone: StreakMilestone | null;
}

/**
 * The streak after a daily answer on `day`: missed days are settled first (freezes used if they
 * cover the gap), then the streak grows by one as in `advanceStreak`. Every 7th day of streak earns
 * a freeze while fewer than two are held. A second answer on the same day changes nothing.
 */
export function advanceProtectedStreak(s: ProtectedStreak, day: string): Advanced {
  if (s.lastDay === day) return { streak: s, used: [], earned: false, milestone: null };
  const settled = settleStreak(s, day);
  const base = settled.streak;
  const plain = advanceStreak({ current: base.current, best: base.best, lastDay: lastCoveredDay(base) }, day);
  const earned = plain.current % FREEZE_EVERY_DAYS === 0 && base.freezes < MAX_FREEZES;
  const milestone = STREAK_MILESTONES.find((m) => plain.current === m) ?? null;
  return {
    streak: { current: plain.current, best: plain.best, lastDay: day, freezes: base.freezes + (earned ? 1 : 0), frozenDays: base.frozenDays },
    used: settled.used,
    earned,
    milestone,
  };
}

/**
 * The streak as it stands on `today`, for "Điểm của tôi" and reminders: alive when today or
 * yesterday is covered, or when the freezes held will cover the days missed so far.
 */
export function liveProtectedStreak(s: ProtectedStreak, today: string): number {
  const last = lastCoveredDay(s);
  if (!last) return 0;
  if (last === today || last === addDays(today, -1)) return s.current;
  const missed = daysBetween(last, today) - 1;
  return missed > 0 && missed <= s.freezes ? s.current : 0;
}
