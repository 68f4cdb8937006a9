import { addDays } from '../domain/index.js';
import { readProtectedStreak, settleStreak } from '../quiz/index.js';
import type { OutreachContext } from './context.js';

/**
 * Issue 19 item 3, "a missed day uses one automatically and the member is told", applied by the
 * daily-question job: members of the bot with a streak and a freeze who did not answer yesterday get
 * the missed days covered (`settleStreak`, the rule the next daily answer would apply), and the days
 * are kept in `freezeNotice` until the member is told: with today's daily question when it reaches
 * them (src/outreach/deliver.ts), else at their next message (src/conversation/recap-flow.ts).
 *
 * Once per missed day: `settleStreak` never covers a day twice, and the write is conditional on the
 * streak read (its last day and freezes), so a second run, another process or a daily answer
 * graded at the same moment cannot use a second freeze; the next daily answer finds the days
 * covered and uses none.
 */
export async function applyStreakFreezes(ctx: OutreachContext, bot: string, today: string): Promise<{ applied: number }> {
  const { Participant } = ctx.models;
  const missedYesterday = {
    bot,
    consent: { $ne: null },
    'streak.current': { $gt: 0 },
    'streak.freezes': { $gt: 0 },
    'streak.lastDay': { $lt: addDays(today, -1) },
  };
  let applied = 0;
  const cursor = Participant.find(missedYesterday, { streak: 1 }).lean().cursor();
  try {
    for await (const p of cursor) {
      const settled = settleStreak(readProtectedStreak(p.streak), today);
      if (settled.used.length === 0) continue;
      const res = await Participant.updateOne(
        { _id: p._id, 'streak.lastDay': p.streak.lastDay, 'streak.freezes': p.streak.freezes },
        {
          $set: { 'streak.freezes': settled.streak.freezes, 'streak.frozenDays': [...settled.streak.frozenDays] },
          $addToSet: { freezeNotice: { $each: [...settled.used] } },
        },
      );
      applied += res.modifiedCount;
    }
  } finally {
    await cursor.close();
  }
  if (applied) ctx.logger.info({ bot, today, applied }, 'streak freezes applied for missed days');
  return { applied };
}
