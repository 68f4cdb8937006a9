import type { ParticipantOptIn } from '../db/index.js';
import type { ChannelName, ReachPath, ReachSettings, SendPurpose } from '../domain/index.js';

/**
 * Which path a proactive message takes to one member: the one pure function behind the fan-out and
 * the broadcast preview (so the preview predicts what the fan-out does). The rules and their sources
 * are in docs/reach.md; free paths come before paid ones (docs/reach-design.md D6).
 */

/** Messenger: free-form messages for 24 h after the person's last action (Meta policy, docs/reach.md §1.1). */
export const MESSENGER_WINDOW_MS = 24 * 3600_000;
/** Zalo OA: consultation messages are free for 48 h after the last interaction (since 1 Jan 2026, §2.2)... */
export const ZALO_OA_FREE_MS = 48 * 3600_000;
/** ...allowed but billed up to 7 days after it, refused after (-230). */
export const ZALO_OA_PAID_MS = 7 * 24 * 3600_000;
/** Meta's Marketing Message API: "one message every 12 hours per subscription_token" (§1.4). */
export const OPT_IN_MIN_GAP_MS = 12 * 3600_000;

/**
 * Why a member was not sent a message, as a code the report turns into words and advice
 * (reach-advice.ts). Never shown raw.
 */
export const SKIP_REASONS = [
  'unsubscribed',
  'unreachable',
  'cancelled',
  'no_message',
  /** Messenger, outside 24 h, and the bot has no opt-in path configured. */
  'messenger_window',
  /** Messenger, outside 24 h, opt-in path on, the member never opted in. */
  'no_optin',
  'optin_not_enabled',
  'optin_expired',
  'optin_stopped',
  'optin_invalid',
  'optin_cooldown',
  /** Meta's own frequency caps or "not available right now". */
  'optin_capped',
  /** The union's Meta account cannot pay or its campaign is not ready (budget, payment method, terms). */
  'optin_unavailable',
  'zalo_paid_off',
  'zalo_promotion_off',
  'zalo_quota_exhausted',
  'zalo_not_follower',
  /** The OA's package or verification does not allow the message (-224, -221). */
  'zalo_package',
  /** The member limits messages from the OA (-218, -244). */
  'zalo_restricted',
  /** The platform said the member is outside its window although our record said otherwise. */
  'window_closed',
  'group_not_configured',
  'group_post_failed',
  /** The member said "Dừng tổng kết": no weekly recap. */
  'recap_off',
  /** A message of the member's own figures (the weekly recap) is never posted in a group chat. */
  'private_message',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** What the chooser reads about one member, at the time the message will go. */
export interface ReachFacts {
  readonly channel: ChannelName;
  /** The moment of sending (the preview passes the broadcast's send time). */
  readonly now: Date;
  readonly lastInboundAt: Date | null;
  readonly optIn: Pick<ParticipantOptIn, 'status' | 'token' | 'expiresAt' | 'nextEligibleAt'> | null;
  readonly oaFollower: boolean | null;
  /** The broadcast is an update of an event (`eventUpdate`) this member signed up for. */
  readonly signedUpForEvent: boolean;
  /** zca-js members: their group; others: the Zalo group configured for their unit, if any. */
  readonly groupId: string | null;
}

export interface ReachState {
  /** Zalo promotion messages left today; null = not counted here (the fan-out reserves a slot per send). */
  readonly zaloPromotionLeft: number | null;
}

export type ReachDecision =
  | { readonly path: Exclude<ReachPath, 'group'>; readonly purpose: SendPurpose }
  | { readonly path: 'group'; readonly groupId: string }
  | { readonly path: 'skip'; readonly reason: SkipReason };

/** Paths the platform refused for this member in this send, with the reason each was refused. */
export type Exclusions = ReadonlyMap<ReachPath, SkipReason>;

const NONE: Exclusions = new Map();

/**
 * The path for one member. A path in `exclude` is unavailable (the platform refused it a moment ago);
 * when nothing is left the reason is the last refusal, else the rule that ruled the member out.
 */
export function chooseReachPath(f: ReachFacts, s: ReachSettings, st: ReachState, exclude: Exclusions = NONE): ReachDecision {
  const since = f.lastInboundAt ? f.now.getTime() - f.lastInboundAt.getTime() : Number.POSITIVE_INFINITY;
  const open = (p: ReachPath) => !exclude.has(p);
  const skip = (reason: SkipReason): ReachDecision => ({ path: 'skip', reason: lastOf(exclude) ?? reason });
  const group = (): ReachDecision | null => (f.groupId && open('group') ? { path: 'group', groupId: f.groupId } : null);
  switch (f.channel) {
    case 'web':
      return open('window') ? { path: 'window', purpose: 'update' } : skip('window_closed');
    case 'zalo_personal':
      return group() ?? skip('group_not_configured');
    case 'messenger':
      if (since <= MESSENGER_WINDOW_MS && open('window')) return { path: 'window', purpose: 'update' };
      if (f.signedUpForEvent && open('event_tag')) return { path: 'event_tag', purpose: 'event_update' };
      if (optInUsable(f, s) === null && open('optin')) return { path: 'optin', purpose: 'marketing' };
      return group() ?? skip(optInUsable(f, s) ?? 'no_optin');
    case 'zalo_oa':
      if (since <= ZALO_OA_FREE_MS && open('window')) return { path: 'window', purpose: 'update' };
      if (since <= ZALO_OA_PAID_MS && s.zaloPaidConsultation && open('window') && open('oa_paid')) return { path: 'oa_paid', purpose: 'update' };
      if (promotionBlock(f, s, st) === null && open('oa_promotion')) return { path: 'oa_promotion', purpose: 'promotion' };
      return (
        group() ??
        skip(since <= ZALO_OA_PAID_MS && !s.zaloPaidConsultation && open('window') ? 'zalo_paid_off' : (promotionBlock(f, s, st) ?? 'zalo_promotion_off'))
      );
  }
}

/** Null when Messenger's opt-in path may carry a message to this member now, else why not. */
function optInUsable(f: ReachFacts, s: ReachSettings): SkipReason | null {
  const o = f.optIn;
  if (!o || o.status === 'requested') return s.messengerMarketing ? 'no_optin' : 'messenger_window';
  if (o.status === 'stopped') return 'optin_stopped';
  if (o.status === 'invalid') return 'optin_invalid';
  if (o.status === 'expired' || (o.expiresAt && o.expiresAt.getTime() <= f.now.getTime())) return 'optin_expired';
  if (!o.token) return 'optin_invalid';
  if (!s.messengerMarketing) return 'optin_not_enabled';
  if (o.nextEligibleAt && o.nextEligibleAt.getTime() > f.now.getTime()) return 'optin_cooldown';
  return null;
}

/** Null when a Zalo promotion message may go to this member, else why not. */
function promotionBlock(f: ReachFacts, s: ReachSettings, st: ReachState): SkipReason | null {
  if (!s.zaloPromotion) return 'zalo_promotion_off';
  if (f.oaFollower === false) return 'zalo_not_follower';
  if (st.zaloPromotionLeft !== null && st.zaloPromotionLeft <= 0) return 'zalo_quota_exhausted';
  return null;
}

function lastOf(exclude: Exclusions): SkipReason | undefined {
  let last: SkipReason | undefined;
  for (const reason of exclude.values()) last = reason;
  return last;
}

/** Paths that cost the union money: written before the send and never sent twice (docs/reach-design.md D7). */
export const PAID_PATHS: ReadonlySet<ReachPath> = new Set<ReachPath>(['optin', 'oa_paid', 'oa_promotion']);
