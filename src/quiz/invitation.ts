import { formatCode, parseCode } from './code.js';

/**
 * Invitations ("Mời đồng nghiệp"): a personal link per channel carrying the inviter's code, and the
 * rule for crediting a join. Pure; the Invitation model and the crediting I/O are in src/learning.
 *
 * Messenger: an m.me link with `ref` (https://developers.facebook.com/docs/messenger-platform/discovery/m-me-links):
 * the ref comes back on the Get Started postback (`postback.referral.ref`) of a new conversation or
 * as a `messaging_referrals` event in an existing one; src/channels/messenger/normalize.ts puts it
 * on the InboundEvent as `ref`.
 *
 * Zalo OA: the OA's link is https://zalo.me/<oa_id>; Zalo documents no parameter on it that reaches
 * the follow webhook (its `follow` event carries `source`, e.g. "oa_profile", but no referral), so
 * the invitation carries the code as a message the colleague sends: "#inv-<code>". A Zalo `#…`
 * text is how the OA's own buttons answer (`oa.query.show`), and src/channels/zalo-oa/normalize.ts
 * turns exactly this one into a `start` event with `ref`. See docs/learning.md.
 */

/** Prefix of an invitation's ref, so other refs (ads, QR campaigns) are never taken for one. */
export const INVITATION_REF_PREFIX = 'inv-';

export function invitationRef(code: string): string {
  return `${INVITATION_REF_PREFIX}${code}`;
}

/** The invitation code in a ref, or null when the ref is not an invitation. */
export function invitationCodeOf(ref: string | null | undefined): string | null {
  if (!ref || !ref.toLowerCase().startsWith(INVITATION_REF_PREFIX)) return null;
  return parseCode(ref.slice(INVITATION_REF_PREFIX.length));
}

export interface InvitationChannels {
  /** Messenger page username or id (m.me/<page>). */
  readonly messengerPage?: string | null | undefined;
  /** Zalo OA id (numeric string). */
  readonly zaloOaId?: string | null | undefined;
}

export interface InvitationLinks {
  readonly messenger: string | null;
  /** The OA's link and the message the colleague sends there to be credited. */
  readonly zalo: { readonly url: string; readonly message: string } | null;
  /** The code as people read and type it ("ABCD-EFGH"). */
  readonly code: string;
}

/** The links of one invitation, for the channels the bot is on. */
export function invitationLinks(channels: InvitationChannels, code: string): InvitationLinks {
  const ref = invitationRef(code);
  const page = channels.messengerPage?.trim();
  const oa = channels.zaloOaId?.trim();
  return {
    messenger: page ? `https://m.me/${encodeURIComponent(page)}?ref=${encodeURIComponent(ref)}` : null,
    zalo: oa ? { url: `https://zalo.me/${encodeURIComponent(oa)}`, message: `#${ref}` } : null,
    code: formatCode(code),
  };
}

export type JoinDecision = { readonly credit: true } | { readonly credit: false; readonly reason: 'unknown-code' | 'self' | 'other-bot' | 'already-member' };

/**
 * Whether a join is credited to an invitation: the code exists on this bot, the invitee is not the
 * inviter, and the invitee is new to the bot (had not consented before the referral). That each
 * invitee is credited once, to the first invitation, is kept by a unique index (src/learning).
 */
export function decideJoin(
  invitation: { readonly bot: string; readonly inviterId: string } | null,
  invitee: { readonly bot: string; readonly participantId: string; readonly consentedBefore: boolean },
): JoinDecision {
  if (!invitation) return { credit: false, reason: 'unknown-code' };
  if (invitation.bot !== invitee.bot) return { credit: false, reason: 'other-bot' };
  if (invitation.inviterId === invitee.participantId) return { credit: false, reason: 'self' };
  if (invitee.consentedBefore) return { credit: false, reason: 'already-member' };
  return { credit: true };
}
