import { addDays } from '../domain/index.js';

export interface Streak {
  readonly current: number;
  readonly best: number;
  /** Day of the last daily answer, YYYY-MM-DD (Asia/Ho_Chi_Minh). */
  readonly lastDay: string | null;
}

/** The streak after a daily answer on `day`: +1 after yesterday, unchanged twice in a day, else 1. */
export function advanceStreak(streak: Streak, day: string): Streak {
  if (streak.lastDay === day) return streak;
  const current = streak.lastDay === addDays(day, -1) ? streak.current + 1 : 1;
  return { current, best: Math.max(streak.best, current), lastDay: day };
}

/** The streak as it stands on `today`: broken (0) when neither today nor yesterday was answered. */
export function liveStreak(streak: Streak, today: string): number {
  if (streak.lastDay === today || streak.lastDay === addDays(today, -1)) return streak.current;
  return 0;
}
