import type { Types } from 'mongoose';
import type { BroadcastAudience } from '../db/index.js';
import { addDays, dayOf } from '../domain/index.js';
import type { FanoutDeps } from './fanout-deps.js';

/**
 * The participant query for an audience. Subscribed, consented and reachable are always required;
 * the rest narrows. `answered` is the set of participant ids who answered today (when asked).
 */
export function participantFilter(audience: BroadcastAudience, now: Date, answered?: readonly Types.ObjectId[]): Record<string, unknown> {
  const filter: Record<string, unknown> = { subscribed: true, unreachable: null, consent: { $ne: null } };
  if (audience.bots.length) filter.bot = { $in: audience.bots };
  if (audience.channels.length) filter.channel = { $in: audience.channels };
  if (audience.units.length) filter.unitId = { $in: audience.units };
  if (audience.activeWithinDays) filter.lastInboundAt = { $gte: new Date(now.getTime() - audience.activeWithinDays * 86_400_000) };
  if (audience.answeredToday !== null && answered) filter._id = audience.answeredToday ? { $in: answered } : { $nin: answered };
  return filter;
}

/** Who answered today's daily question (when the audience asks about it), else undefined. */
export async function answeredToday(deps: FanoutDeps, audience: BroadcastAudience): Promise<Types.ObjectId[] | undefined> {
  if (audience.answeredToday === null) return undefined;
  const day = dayOf(deps.clock(), deps.timeZone);
  const q: Record<string, unknown> = { mode: 'daily', day };
  if (audience.bots.length) q.bot = { $in: audience.bots };
  return (await deps.models.Answer.distinct('participantId', q)) as Types.ObjectId[];
}

/**
 * The weekly recap's audience on top of the usual one: members of the bot who answered at least once
 * that week (any mode) and did not say "Dừng tổng kết" (`recap` false; older documents have none).
 */
export async function recapAudience(deps: FanoutDeps, recap: { bot: string; week: string }): Promise<Record<string, unknown>> {
  const answered = (await deps.models.Answer.distinct('participantId', {
    bot: recap.bot,
    day: { $gte: recap.week, $lte: addDays(recap.week, 6) },
  })) as Types.ObjectId[];
  return { bot: recap.bot, recap: { $ne: false }, _id: { $in: answered } };
}

/** Number of participants a broadcast would reach now. */
export async function audienceSize(deps: FanoutDeps, audience: BroadcastAudience): Promise<number> {
  return deps.models.Participant.countDocuments(participantFilter(audience, deps.clock(), await answeredToday(deps, audience)));
}
