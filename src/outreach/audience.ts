import type { Types } from 'mongoose';
import type { BroadcastAudience } from '../db/index.js';

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
