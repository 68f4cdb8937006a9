import type { Types } from 'mongoose';
import type { Locale, OutboundMessage, ParticipantRef, ReachPath, SendResult } from '../domain/index.js';
import type { BroadcastLean, DeliveryLean, FanoutDeps, ParticipantLean } from './fanout-deps.js';
import { settleResult, type BatchRun, type DeliveryTurn } from './delivery-turn.js';
import { sendViaGroup } from './group-post.js';
import { reserve } from './paid.js';
import { reachFacts } from './reach-config.js';
import { chooseReachPath, PAID_PATHS, type ReachDecision, type SkipReason } from './reach.js';
import { isRefusal, recordRefusal, refusalOutcome } from './refusals.js';
import { nextAllowedTime, quietWindowsFor } from './timing.js';
import { streakNoticeText } from '../quiz/index.js';

/** The participants of a chunk of deliveries, with what the checks and the path choice read. */
export async function loadPeople(deps: FanoutDeps, ids: readonly Types.ObjectId[]): Promise<Map<string, ParticipantLean>> {
  const people = await deps.models.Participant.find({ _id: { $in: ids } })
    .select('bot channel userId groupId locale unitId subscribed unreachable lastInboundAt optIn oaFollower eventSignups recap freezeNotice')
    .lean<ParticipantLean[]>();
  return new Map(people.map((p) => [String(p._id), p]));
}

/** The most paths one delivery tries after refusals (window → tag → opt-in → group at most). */
const MAX_PATHS = 5;

/** One delivery: the checks, then a path for this member, then its result written before anything else is sent. */
export async function deliverOne(deps: FanoutDeps, b: BroadcastLean, d: DeliveryLean, p: ParticipantLean | undefined, run: BatchRun): Promise<void> {
  const { clock } = deps;
  let sentToMember = false;
  const settle = (set: Record<string, unknown>) => {
    if (set.status === 'sent' && set.path !== 'group') sentToMember = true;
    run.writes.add(d._id, { ...set, claimedAt: null, updatedAt: clock() });
  };
  // Stopping reminders ("dừng") takes effect for everything not yet sent, on every path at once.
  if (!p || !p.subscribed) return settle({ status: 'skipped', reason: 'unsubscribed' });
  if (p.unreachable) return settle({ status: 'skipped', reason: 'unreachable' });
  // "Dừng tổng kết" between the recap's materialisation and its send.
  if (b.kind === 'recap' && p.recap === false) return settle({ status: 'skipped', reason: 'recap_off' });
  // zca-js members are reached only through their group chat, where a member's own figures do not belong.
  if (PRIVATE_KINDS.has(b.kind) && p.channel === 'zalo_personal') return settle({ status: 'skipped', reason: 'private_message' });
  const now = clock();
  const allowed = nextAllowedTime(now, quietWindowsFor(p.channel, deps.quietHoursFor(p.bot)), deps.timeZone);
  if (allowed > now) return settle({ status: 'pending', notBefore: allowed, reason: 'quiet_hours' });
  const locale = p.locale ?? d.locale;
  const to: ParticipantRef = { bot: p.bot, channel: p.channel, userId: p.userId, ...(p.groupId ? { groupId: p.groupId } : {}) };
  // The daily question is built per member (their own option order); a group post builds its own.
  const message = await run.messages.get(locale, to);
  if (!message) return settle({ status: 'skipped', reason: 'no_message' });
  // A freeze the daily job applied is told with the member's own daily question (never in a group post).
  const frozen = b.kind === 'daily' ? [...(p.freezeNotice ?? [])].sort() : [];
  const notice = frozen.length ? streakNoticeText({ used: frozen }, deps.t, locale) : null;
  await sendByPath(deps, { b, d, p, run, settle }, notice ? { ...message, text: `${notice}\n\n${message.text}` } : message, locale);
  if (notice && sentToMember) await deps.models.Participant.updateOne({ _id: p._id }, { $pullAll: { freezeNotice: frozen } });
}

/** Broadcasts of one member's own figures: never posted to a group chat. */
const PRIVATE_KINDS: ReadonlySet<BroadcastLean['kind']> = new Set(['recap']);

/** Chooses a path, sends on it, and on a refusal tries the next path the member may be reached by. */
async function sendByPath(deps: FanoutDeps, turn: DeliveryTurn, message: OutboundMessage, locale: Locale): Promise<void> {
  const { run } = turn;
  const p = ownSlotFree(turn.p, turn.d);
  const exclude = new Map<ReachPath, SkipReason>();
  const settings = deps.reach.settingsFor(p.bot);
  for (let tries = 0; tries < MAX_PATHS; tries++) {
    const now = deps.clock();
    for (const [key, reason] of run.closed) {
      const [bot, path] = key.split('|') as [string, ReachPath];
      if (bot === p.bot && !exclude.has(path)) exclude.set(path, reason);
    }
    const facts = reachFacts(deps.reach, turn.b, p, now);
    // A member's own figures go to the member, never to their unit's group chat.
    const decision = chooseReachPath(PRIVATE_KINDS.has(turn.b.kind) ? { ...facts, groupId: null } : facts, settings, { zaloPromotionLeft: null }, exclude);
    if (decision.path === 'skip') return turn.settle({ status: 'skipped', reason: decision.reason, path: null, pathClaimedAt: null });
    if (decision.path === 'group') return sendViaGroup(deps, turn, decision.groupId);
    const refused = await sendOnPath(deps, turn, decision, message, locale);
    if (!refused) return;
    for (const path of refused.exclude) exclude.set(path, refused.reason);
  }
  turn.settle({ status: 'skipped', reason: [...exclude.values()].at(-1) ?? 'window_closed', path: null, pathClaimedAt: null });
}

/**
 * A 12-hour slot this very delivery took in a run that crashed before its claim (nothing was sent) is
 * still its own: the chooser must not read it as Meta's cooldown, or the member would be skipped.
 */
function ownSlotFree(p: ParticipantLean, d: DeliveryLean): ParticipantLean {
  if (!p.optIn?.nextEligibleAt || p.optIn.reservedFor !== String(d._id)) return p;
  return { ...p, optIn: { ...p.optIn, nextEligibleAt: null } };
}

type PathDecision = Exclude<ReachDecision, { path: 'skip' | 'group' }>;

/**
 * One send on one individual path. A paid path is reserved and claimed (written) before the send and
 * never sent twice; a refusal releases what was reserved and returns the paths it closes.
 */
async function sendOnPath(
  deps: FanoutDeps,
  turn: DeliveryTurn,
  decision: PathDecision,
  message: OutboundMessage,
  locale: Locale,
): Promise<{ exclude: readonly ReachPath[]; reason: SkipReason } | null> {
  const { p, d, run } = turn;
  const { path, purpose } = decision;
  const paid = PAID_PATHS.has(path);
  const now = deps.clock();
  const reservation = await reserve(deps.models, path, p, {
    now,
    timeZone: deps.timeZone,
    promotionQuota: deps.reach.promotionQuota(p.bot),
    deliveryId: String(d._id),
  });
  if (!reservation.ok) return { exclude: [path], reason: reservation.reason };
  if (paid) {
    // At most once: a crash from here on leaves the delivery `sending` with the claim, never resent.
    turn.settle({ status: 'sending', path, pathClaimedAt: now });
    await run.writes.flush();
  }
  const to: ParticipantRef = { bot: p.bot, channel: p.channel, userId: p.userId, ...(p.groupId ? { groupId: p.groupId } : {}) };
  const token = path === 'optin' ? p.optIn?.token : undefined;
  const result = await safeSend(deps, to, message, { purpose, locale, ...(token ? { optInToken: token } : {}) });
  if (isRefusal(result)) {
    const refused = refusalOutcome(p.channel, path, result);
    if (!refused.keepReservation) await reservation.release();
    await recordRefusal(deps.models, p, path, result, { now, timeZone: deps.timeZone });
    if (refused.botWide) run.closed.set(`${p.bot}|${path}`, refused.reason);
    if (paid) turn.settle({ status: 'sending', path: null, pathClaimedAt: null });
    deps.logger.debug({ broadcastId: turn.b._id, path, code: result.code, refusal: result.refusal }, 'path refused; trying the next');
    return refused;
  }
  if (paid && !result.ok && result.uncertain) {
    // The request may have gone out: counted as sent (unconfirmed), never repeated.
    turn.settle({ status: 'sent', sentAt: now, path, pathClaimedAt: null, reason: 'unconfirmed', errorClass: null, attempts: d.attempts + 1 });
    await run.writes.flush();
    return null;
  }
  if (paid && !result.ok) await reservation.release();
  await settleResult(deps, turn, result, path);
  return null;
}

/** The send through the channels' pipeline (its one limiter paces every send); a throw is a retryable failure. */
async function safeSend(deps: FanoutDeps, ...args: Parameters<FanoutDeps['send']>): Promise<SendResult> {
  try {
    return await deps.send(...args);
  } catch (err) {
    return { ok: false, errorClass: 'retryable', reason: (err as Error).message || 'send threw' };
  }
}
