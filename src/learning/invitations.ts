import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Invitation, Models } from '../db/index.js';
import { CODE_BYTES, decideJoin, invitationCodeOf, typeableCode, type JoinDecision } from '../quiz/index.js';

const isDuplicate = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
const keyOf = (err: unknown) => Object.keys((err as { keyPattern?: Record<string, unknown> }).keyPattern ?? {});

/**
 * The member's invitation on a bot, made on first use ("Mời đồng nghiệp"): the same code every time,
 * so links already shared keep working. The unit is the inviter's unit when it was made.
 */
export async function invitationOf(
  models: Models,
  inviter: { readonly bot: string; readonly participantId: string; readonly unitId: string | null },
  random: (n: number) => Uint8Array = randomBytes,
): Promise<Invitation> {
  const inviterId = new Types.ObjectId(inviter.participantId);
  const existing = await models.Invitation.findOne({ bot: inviter.bot, inviterId }).lean<Invitation>();
  if (existing) return existing;
  for (let attempt = 0; attempt < 5; attempt++) {
    const now = new Date();
    const doc = { bot: inviter.bot, code: typeableCode(random(CODE_BYTES)), inviterId, unitId: inviter.unitId, joins: 0, createdAt: now, updatedAt: now };
    try {
      await models.Invitation.collection.insertOne(doc);
      return doc;
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      // Made at the same moment by another message of the same member: use theirs.
      if (keyOf(err).includes('inviterId')) return (await models.Invitation.findOne({ bot: inviter.bot, inviterId }).lean<Invitation>())!;
    }
  }
  throw new Error('could not draw a free invitation code after 5 tries');
}

export type CreditResult = JoinDecision | { readonly credit: false; readonly reason: 'already-credited' };

/**
 * Credits a join to the invitation a referral named, once per invitee: call it when the invitee
 * gives consent (joining is consenting; before that only their platform id is kept), with the ref
 * the channel passed on (`InboundEvent.ref`, kept in the dialogue state until then).
 * `consentedBefore` is true for someone who had already joined the bot before following the link.
 */
export async function creditJoin(
  models: Models,
  join: { readonly bot: string; readonly ref: string | null | undefined; readonly inviteeId: string; readonly consentedBefore: boolean },
  now: Date,
): Promise<CreditResult> {
  const code = invitationCodeOf(join.ref);
  const invitation = code ? await models.Invitation.findOne({ code }).lean<Invitation & { _id: Types.ObjectId }>() : null;
  const decision = decideJoin(invitation ? { bot: invitation.bot, inviterId: String(invitation.inviterId) } : null, {
    bot: join.bot,
    participantId: join.inviteeId,
    consentedBefore: join.consentedBefore,
  });
  if (!decision.credit || !invitation) return decision;
  try {
    await models.InvitationJoin.collection.insertOne({
      bot: join.bot,
      code: invitation.code,
      inviterId: invitation.inviterId,
      unitId: invitation.unitId,
      inviteeId: new Types.ObjectId(join.inviteeId),
      joinedAt: now,
    });
  } catch (err) {
    if (isDuplicate(err)) return { credit: false, reason: 'already-credited' };
    throw err;
  }
  await models.Invitation.updateOne({ code: invitation.code }, { $inc: { joins: 1 } });
  return decision;
}

/** Joins credited per unit of the inviters, for the unit leaderboard and the organiser's dashboard. */
export async function joinsByUnit(models: Models, bot: string, range?: { readonly from: Date; readonly to: Date }): Promise<Map<string, number>> {
  const match: Record<string, unknown> = { bot, unitId: { $ne: null } };
  if (range) match.joinedAt = { $gte: range.from, $lt: range.to };
  const rows = await models.InvitationJoin.aggregate<{ _id: string; joins: number }>([{ $match: match }, { $group: { _id: '$unitId', joins: { $sum: 1 } } }]);
  return new Map(rows.map((r) => [r._id, r.joins]));
}

/** "Delete my data": the person's invitation goes; joins they were credited for stay as counts without them. */
export async function deleteInvitationsOf(models: Models, participantId: string): Promise<void> {
  const id = new Types.ObjectId(participantId);
  await Promise.all([models.Invitation.deleteMany({ inviterId: id }), models.InvitationJoin.deleteMany({ inviteeId: id })]);
}
