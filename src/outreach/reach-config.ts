import { unitGroup, zaloGroupIds, type BotConfig } from '../content/index.js';
import type { Broadcast, Participant } from '../db/index.js';
import type { Locale, ReachSettings } from '../domain/index.js';
import type { ReachFacts } from './reach.js';

/** What the fan-out and the preview need to know about each bot to choose paths. */
export interface ReachConfig {
  /** The paid paths the bot may use now. */
  settingsFor(bot: string): ReachSettings;
  /** The Zalo groups the bot's zca-js account posts in. */
  groupIds(bot: string): readonly string[];
  /** The group that reaches a unit's members, or null. */
  unitGroup(bot: string, unitId: string | null): string | null;
  /** Zalo promotion messages a day (the OA's quota, from the bot's YAML). */
  promotionQuota(bot: string): number;
  /** The language a group post is written in. */
  defaultLocale(bot: string): Locale;
}

/** From the bot YAML; `settings` (the channels room: YAML plus secrets) overrides the paid-path switches. */
export function reachConfig(bots: () => readonly BotConfig[], settings?: (bot: string) => ReachSettings): ReachConfig {
  const find = (id: string) => bots().find((b) => b.id === id);
  return {
    settingsFor: (bot) => settings?.(bot) ?? settingsFromYaml(find(bot)),
    groupIds: (bot) => zaloGroupIds(find(bot)),
    unitGroup: (bot, unitId) => {
      const b = find(bot);
      return b ? unitGroup(b, unitId) : null;
    },
    promotionQuota: (bot) => find(bot)?.channels.zalo_oa?.promotion?.dailyQuota ?? 0,
    defaultLocale: (bot) => find(bot)?.defaultLocale ?? 'vi',
  };
}

/** The switches as the YAML sets them (without the secrets check: tests, the CLI's previews). */
function settingsFromYaml(bot: BotConfig | undefined): ReachSettings {
  const oa = bot?.channels.zalo_oa;
  return {
    messengerMarketing: Boolean(bot?.channels.messenger?.marketingMessages?.enabled),
    zaloPaidConsultation: Boolean(oa?.paidConsultation),
    zaloPromotion: Boolean(oa?.promotion?.enabled),
  };
}

/** The participant fields the chooser reads. */
export type ReachPerson = Pick<Participant, 'bot' | 'channel' | 'groupId' | 'unitId' | 'lastInboundAt' | 'optIn' | 'oaFollower' | 'eventSignups'>;

/** The chooser's facts about one member for one broadcast, at `now` (the preview passes the send time). */
export function reachFacts(reach: ReachConfig, b: Pick<Broadcast, 'eventUpdate' | 'eventKey'>, p: ReachPerson, now: Date): ReachFacts {
  const ownGroup = p.groupId && reach.groupIds(p.bot).includes(p.groupId) ? p.groupId : null;
  return {
    channel: p.channel,
    now,
    lastInboundAt: p.lastInboundAt ?? null,
    optIn: p.optIn ?? null,
    oaFollower: p.oaFollower ?? null,
    signedUpForEvent: Boolean(b.eventUpdate && b.eventKey && (p.eventSignups ?? []).includes(b.eventKey)),
    groupId: p.channel === 'zalo_personal' ? ownGroup : reach.unitGroup(p.bot, p.unitId),
  };
}
