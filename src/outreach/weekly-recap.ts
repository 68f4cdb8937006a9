import { dayOf } from '../domain/index.js';
import { recapWeekOf } from '../quiz/index.js';
import { ensureGenerated, type OutreachContext } from './context.js';

/**
 * `weekly-recap` (issue 19 item 4): one generated broadcast per bot and week, `recap:<bot>:<week>`,
 * to the members who answered that week and did not say "Dừng tổng kết". It goes through the one
 * fan-out, so it keeps its rules: quiet hours defer it, each member's path is chosen by the reach
 * rules (Messenger's 24 hours or the opt-in, Zalo OA's windows; never a group post), and the
 * deliveries (unique per broadcast and member) make a second run, or a crash, send nobody twice.
 * Each member's figures are built when their message is sent (conversation `weeklyRecapMessage`).
 */
export async function runWeeklyRecap(ctx: OutreachContext, bot: string): Promise<string | null> {
  const config = ctx.content.bots.find((b) => b.id === bot);
  if (!config) return null;
  const now = ctx.clock();
  const week = recapWeekOf(dayOf(now, ctx.zone));
  const _id = `recap:${bot}:${week}`;
  await ensureGenerated(ctx, {
    _id,
    kind: 'recap',
    title: ctx.t('vi', 'outreach:recap.title', { bot, week }),
    message: null,
    messageRef: null,
    daily: null,
    recap: { bot, week },
    audience: { bots: [bot], channels: [], units: [], activeWithinDays: null, answeredToday: null },
    eventUpdate: false,
    eventKey: null,
    sendAt: now,
    createdBy: 'system:weekly-recap',
  });
  return _id;
}
