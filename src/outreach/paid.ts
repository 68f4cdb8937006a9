import type { Types } from 'mongoose';
import type { Models, ParticipantOptIn } from '../db/index.js';
import { dayOf, type ReachPath } from '../domain/index.js';
import { OPT_IN_MIN_GAP_MS, type SkipReason } from './reach.js';

/**
 * Reservations taken before a paid send, in the database, so two batches (or two processes) never
 * spend the same member's 12-hour slot or the bot's last promotion message, and released when the
 * platform refuses (nothing was sent).
 */

/** Undoes a reservation; nothing to undo for paths that reserve nothing. */
export type Release = () => Promise<void>;

export type Reservation = { readonly ok: true; readonly release: Release } | { readonly ok: false; readonly reason: SkipReason };

const nothing: Release = async () => undefined;

export interface PaidPerson {
  readonly _id: Types.ObjectId;
  readonly bot: string;
  readonly optIn: ParticipantOptIn | null;
}

/** The quota document of a bot's promotion messages on one local day. */
export const promotionQuotaId = (bot: string, day: string) => `${bot}:zalo_promotion:${day}`;

/** Takes what a paid path needs before its send: the opt-in's next 12-hour slot, or a promotion slot. */
export async function reserve(
  models: Models,
  path: ReachPath,
  p: PaidPerson,
  at: { now: Date; timeZone: string; promotionQuota: number; deliveryId: string },
): Promise<Reservation> {
  if (path === 'optin') return reserveOptIn(models, p, at.now, at.deliveryId);
  if (path === 'oa_promotion') return reservePromotion(models, p.bot, dayOf(at.now, at.timeZone), at.promotionQuota, at.now);
  return { ok: true, release: nothing };
}

/**
 * Meta allows one marketing message every 12 hours per token: the slot moves before we send. The
 * slot names the delivery that took it, so a run that crashed between this and its claim (nothing
 * was sent) lets the delivery take it again.
 */
async function reserveOptIn(models: Models, p: PaidPerson, now: Date, deliveryId: string): Promise<Reservation> {
  const next = new Date(now.getTime() + OPT_IN_MIN_GAP_MS);
  const before = { nextEligibleAt: p.optIn?.nextEligibleAt ?? null, lastSentAt: p.optIn?.lastSentAt ?? null };
  const r = await models.Participant.updateOne(
    {
      _id: p._id,
      'optIn.status': 'active',
      $or: [{ 'optIn.nextEligibleAt': null }, { 'optIn.nextEligibleAt': { $lte: now } }, { 'optIn.reservedFor': deliveryId }],
    },
    { $set: { 'optIn.nextEligibleAt': next, 'optIn.lastSentAt': now, 'optIn.reservedFor': deliveryId } },
  );
  if (r.matchedCount === 0) return { ok: false, reason: 'optin_cooldown' };
  return {
    ok: true,
    release: async () => {
      await models.Participant.updateOne(
        { _id: p._id, 'optIn.nextEligibleAt': next },
        { $set: { 'optIn.nextEligibleAt': before.nextEligibleAt, 'optIn.lastSentAt': before.lastSentAt, 'optIn.reservedFor': null } },
      );
    },
  };
}

/** One of the day's promotion messages, unless they are spent (by our count or the platform's -211). */
async function reservePromotion(models: Models, bot: string, day: string, limit: number, now: Date): Promise<Reservation> {
  const _id = promotionQuotaId(bot, day);
  await models.ReachQuota.updateOne({ _id }, { $setOnInsert: { used: 0, exhausted: false, limit } }, { upsert: true });
  const r = await models.ReachQuota.updateOne({ _id, exhausted: false, used: { $lt: limit } }, { $inc: { used: 1 }, $set: { limit, updatedAt: now } });
  if (r.matchedCount === 0) return { ok: false, reason: 'zalo_quota_exhausted' };
  return {
    ok: true,
    release: async () => {
      await models.ReachQuota.updateOne({ _id, used: { $gt: 0 } }, { $inc: { used: -1 } });
    },
  };
}

/** The platform said the quota is spent: no more promotion messages today, whatever our count says. */
export async function markPromotionExhausted(models: Models, bot: string, now: Date, timeZone: string): Promise<void> {
  await models.ReachQuota.updateOne({ _id: promotionQuotaId(bot, dayOf(now, timeZone)) }, { $set: { exhausted: true, updatedAt: now } });
}

/** Promotion messages left on a day (for the preview): the quota minus what was used, 0 once the platform said so. */
export async function promotionLeft(models: Models, bot: string, day: string, limit: number): Promise<number> {
  const q = await models.ReachQuota.findById(promotionQuotaId(bot, day)).lean<{ used: number; exhausted: boolean }>();
  if (q?.exhausted) return 0;
  return Math.max(0, limit - (q?.used ?? 0));
}
