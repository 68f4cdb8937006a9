import type { Broadcast, BroadcastAudience } from '../db/index.js';
import { dayOf, REACH_PATHS, type Locale, type ReachPath } from '../domain/index.js';
import { answeredToday, participantFilter } from './audience.js';
import type { FanoutDeps } from './fanout-deps.js';
import { promotionLeft } from './paid.js';
import { reachAdvice, type ReachAdvice } from './reach-advice.js';
import { reachFacts, type ReachPerson } from './reach-config.js';
import { chooseReachPath, type SkipReason } from './reach.js';

/** The expected reach of a broadcast before it is sent: members per path, group posts, skips in words. */
export interface ReachForecast {
  /** Members expected on each path (paths with none are left out), in the order the chooser tries them. */
  readonly byPath: Readonly<Partial<Record<ReachPath, number>>>;
  /** Posts into Zalo groups: one per group, whatever the number of members it reaches. */
  readonly groupPosts: number;
  /** Members expected to be skipped, by reason. */
  readonly skipped: Readonly<Partial<Record<SkipReason, number>>>;
  /** The skips in the organiser's words, with what to do. */
  readonly advice: readonly ReachAdvice[];
}

/**
 * What the fan-out will do for each member of an audience at `sendAt`: the same chooser on the same
 * facts, with windows judged at the send time, and each bot's Zalo promotion quota left that day.
 * It differs from the report only where the platform refuses later (an opt-in Meta expired without
 * telling us, a quota spent elsewhere): the report shows those refusals.
 */
export async function predictReach(
  deps: FanoutDeps,
  b: { audience: BroadcastAudience } & Pick<Broadcast, 'eventUpdate' | 'eventKey'>,
  sendAt: Date,
  locale: Locale,
): Promise<ReachForecast> {
  const filter = participantFilter(b.audience, sendAt, await answeredToday(deps, b.audience));
  const stream = deps.models.Participant.collection.find(filter, {
    projection: { bot: 1, channel: 1, groupId: 1, unitId: 1, lastInboundAt: 1, optIn: 1, oaFollower: 1, eventSignups: 1 },
    batchSize: 1000,
  });
  const counts = new Map<ReachPath, number>();
  const skipped: Partial<Record<SkipReason, number>> = {};
  const groups = new Set<string>();
  const promotion = new Map<string, number>();
  try {
    for await (const doc of stream) {
      const p = doc as unknown as ReachPerson;
      if (!promotion.has(p.bot)) promotion.set(p.bot, await promotionLeft(deps.models, p.bot, dayOf(sendAt, deps.timeZone), deps.reach.promotionQuota(p.bot)));
      const decision = chooseReachPath(reachFacts(deps.reach, b, p, sendAt), deps.reach.settingsFor(p.bot), { zaloPromotionLeft: promotion.get(p.bot)! });
      if (decision.path === 'skip') {
        skipped[decision.reason] = (skipped[decision.reason] ?? 0) + 1;
        continue;
      }
      counts.set(decision.path, (counts.get(decision.path) ?? 0) + 1);
      if (decision.path === 'group') groups.add(`${p.bot}:${decision.groupId}`);
      if (decision.path === 'oa_promotion') promotion.set(p.bot, promotion.get(p.bot)! - 1);
    }
  } finally {
    await stream.close();
  }
  return {
    byPath: Object.fromEntries(REACH_PATHS.flatMap((path) => (counts.has(path) ? [[path, counts.get(path)!]] : []))),
    groupPosts: groups.size,
    skipped,
    advice: reachAdvice(skipped, deps.t, locale),
  };
}
