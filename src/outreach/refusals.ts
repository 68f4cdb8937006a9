import type { Types } from 'mongoose';
import type { Models } from '../db/index.js';
import type { ChannelName, ReachPath, SendResult } from '../domain/index.js';
import { markPromotionExhausted } from './paid.js';
import { OPT_IN_MIN_GAP_MS, type SkipReason } from './reach.js';

type Failure = Extract<SendResult, { ok: false }>;

/** What a refusal changes: the paths now closed to this member, the reason, and what else it implies. */
export interface RefusalOutcome {
  /** Paths the member cannot be reached by now; the chooser tries the next one. */
  readonly exclude: readonly ReachPath[];
  readonly reason: SkipReason;
  /** The reservation stands (Meta's 12 hours did apply; the quota is spent). */
  readonly keepReservation: boolean;
  /** The page's or OA's account refused: no other member of this bot is tried on this path in this batch. */
  readonly botWide: boolean;
}

export interface RefusedMember {
  readonly _id: Types.ObjectId;
  readonly bot: string;
  readonly channel: ChannelName;
}

/** A send the platform refused (`refused`), or said was outside its window (`window_closed`): can another path still work? */
export function isRefusal(result: SendResult): result is Failure & { errorClass: 'refused' | 'window_closed' } {
  return !result.ok && (result.errorClass === 'refused' || result.errorClass === 'window_closed');
}

/**
 * The rules of docs/reach-design.md §4.1, pure: which paths a refusal closes and why. A window the
 * platform says is closed closes the free window (and on Zalo OA the paid consultation, which shares
 * the 7-day rule); each refusal closes the path it answered.
 */
export function refusalOutcome(channel: ChannelName, path: ReachPath, result: Failure): RefusalOutcome {
  const only = (reason: SkipReason, extra: Partial<RefusalOutcome> = {}): RefusalOutcome => ({
    exclude: [path],
    reason,
    keepReservation: false,
    botWide: false,
    ...extra,
  });
  if (result.errorClass === 'window_closed') {
    return { exclude: channel === 'zalo_oa' ? ['window', 'oa_paid'] : [path], reason: 'window_closed', keepReservation: false, botWide: false };
  }
  switch (result.refusal) {
    case 'opt_in_stopped':
      return only('optin_stopped');
    case 'opt_in_expired':
      return only('optin_expired');
    case 'opt_in_invalid':
      return only('optin_invalid');
    case 'frequency':
      return only('optin_cooldown', { keepReservation: true });
    case 'capped':
      return only('optin_capped');
    case 'account':
      return only(channel === 'messenger' ? 'optin_unavailable' : 'zalo_package', { botWide: true });
    case 'quota':
      return only('zalo_quota_exhausted', { keepReservation: true, botWide: true });
    case 'not_follower':
      return only('zalo_not_follower');
    case 'recipient_limit':
    case undefined:
      return only(channel === 'messenger' ? 'optin_capped' : 'zalo_restricted');
  }
}

/** What a refusal tells us about the member or the bot, written so the next broadcast knows it too. */
export async function recordRefusal(models: Models, p: RefusedMember, path: ReachPath, result: Failure, at: { now: Date; timeZone: string }): Promise<void> {
  const { now } = at;
  switch (result.refusal) {
    case 'opt_in_stopped':
      await models.Participant.updateOne({ _id: p._id }, { $set: { 'optIn.status': 'stopped', 'optIn.stoppedAt': now, 'optIn.stoppedBy': 'platform' } });
      return;
    case 'opt_in_expired':
    case 'opt_in_invalid':
      await models.Participant.updateOne({ _id: p._id }, { $set: { 'optIn.status': result.refusal === 'opt_in_expired' ? 'expired' : 'invalid' } });
      return;
    case 'frequency':
      await models.Participant.updateOne({ _id: p._id }, { $set: { 'optIn.nextEligibleAt': new Date(now.getTime() + OPT_IN_MIN_GAP_MS) } });
      return;
    case 'not_follower':
      await models.Participant.updateOne({ _id: p._id }, { $set: { oaFollower: false } });
      return;
    case 'quota':
      if (path === 'oa_promotion') await markPromotionExhausted(models, p.bot, now, at.timeZone);
      return;
    default:
      return;
  }
}
