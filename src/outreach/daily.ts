import { dayOf } from '../domain/index.js';
import { ensureGenerated, type OutreachContext } from './context.js';
import { applyStreakFreezes } from './streak-freezes.js';

/** `daily-question`: today's question to the bot's subscribed members, once per bot and day. */
export async function runDailyQuestion(ctx: OutreachContext, bot: string): Promise<void> {
  const config = ctx.content.bots.find((b) => b.id === bot);
  if (!config || !config.dailyQuestion.enabled) return;
  const now = ctx.clock();
  const day = dayOf(now, ctx.zone);
  // Yesterday missed: a freeze held covers it now, told with today's question (item 3 of issue 19).
  await applyStreakFreezes(ctx, bot, day);
  // No question for today (empty bank): nothing to send, and no empty broadcast in the list.
  if (ctx.dailyQuestionMessage && !(await ctx.dailyQuestionMessage(bot, day, config.defaultLocale))) {
    ctx.logger.warn({ bot, day }, 'no daily question to send');
    return;
  }
  await ensureGenerated(ctx, {
    _id: `daily:${bot}:${day}`,
    kind: 'daily',
    title: ctx.t('vi', 'outreach:daily.title', { bot, day }),
    message: null,
    messageRef: null,
    daily: { bot, day },
    audience: { bots: [bot], channels: [], units: [], activeWithinDays: null, answeredToday: null },
    eventUpdate: false,
    eventKey: null,
    sendAt: now,
    createdBy: 'system:daily-question',
  });
}
