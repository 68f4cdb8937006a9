import type { GroupPost } from '../db/index.js';
import type { SendResult } from '../domain/index.js';
import { settleResult, type DeliveryTurn } from './delivery-turn.js';
import type { FanoutDeps } from './fanout-deps.js';
import { nextAllowedTime, quietWindowsFor } from './timing.js';

/** A member waits this long for a post another run is making into their group, then looks again. */
const WAIT_FOR_POST_MS = 30_000;

/** `<broadcastId>:<bot>:<groupId>`: one post per broadcast and group, whoever in the audience it reaches. */
export const groupPostId = (broadcastId: string, bot: string, groupId: string) => `${broadcastId}:${bot}:${groupId}`;

/**
 * The group path (docs/reach-design.md §4.2): the first delivery of a broadcast that reaches a group
 * claims the group's post (a unique id) and posts it through zca-js, once; every other member of the
 * group is settled with that post's result. A claim whose run crashed is taken over after the batch
 * lease, so a crash between zca-js accepting the post and our record of it repeats that one post at
 * most once, as on the free paths.
 */
export async function sendViaGroup(deps: FanoutDeps, turn: DeliveryTurn, groupId: string): Promise<void> {
  const { p, b } = turn;
  const now = deps.clock();
  const allowed = nextAllowedTime(now, quietWindowsFor('zalo_personal', deps.quietHoursFor(p.bot)), deps.timeZone);
  if (allowed > now) return turn.settle({ status: 'pending', notBefore: allowed, reason: 'quiet_hours' });
  const _id = groupPostId(b._id, p.bot, groupId);
  const claim = await claimPost(deps, turn, _id, groupId);
  if (claim === 'ours') return post(deps, turn, _id, groupId);
  const reached = { path: 'group', groupPostId: _id, pathClaimedAt: null };
  if (claim.status === 'sent') return turn.settle({ status: 'sent', sentAt: claim.sentAt ?? now, errorClass: null, reason: null, ...reached });
  if (claim.status === 'failed') return turn.settle({ status: 'failed', reason: 'group_post_failed', ...reached });
  turn.settle({ status: 'pending', notBefore: new Date(now.getTime() + WAIT_FOR_POST_MS), path: null, pathClaimedAt: null });
}

/** 'ours' when this run is to post; else the post as another run left it. */
async function claimPost(deps: FanoutDeps, turn: DeliveryTurn, _id: string, groupId: string): Promise<'ours' | GroupPost> {
  const now = deps.clock();
  const owner = turn.run.owner;
  const inserted = await deps.models.GroupPost.updateOne(
    { _id },
    {
      $setOnInsert: {
        broadcastId: turn.b._id,
        bot: turn.p.bot,
        groupId,
        status: 'sending',
        owner,
        claimedAt: now,
        attempts: 0,
        messageIds: [],
        sentAt: null,
        error: null,
      },
    },
    { upsert: true },
  );
  if (inserted.upsertedCount === 1) return 'ours';
  const existing = await deps.models.GroupPost.findById(_id).lean<GroupPost>();
  if (!existing) return claimPost(deps, turn, _id, groupId); // released between our two reads
  if (existing.status !== 'sending') return existing;
  if (existing.owner === owner) return 'ours';
  // A claim older than the batch lease belongs to a run that crashed: take it over, once.
  if (now.getTime() - new Date(existing.claimedAt).getTime() <= deps.options.leaseMs) return existing;
  const taken = await deps.models.GroupPost.updateOne({ _id, status: 'sending', claimedAt: existing.claimedAt }, { $set: { owner, claimedAt: now } });
  return taken.modifiedCount === 1 ? 'ours' : existing;
}

/** Posts into the group in the bot's language and records the post, then this member's delivery. */
async function post(deps: FanoutDeps, turn: DeliveryTurn, _id: string, groupId: string): Promise<void> {
  const { p, run } = turn;
  const locale = deps.reach.defaultLocale(p.bot);
  // The group's own option order: every member of the group answers the one post in it.
  const message = await run.messages.get(locale, { bot: p.bot, channel: 'zalo_personal', userId: '', groupId });
  const owner = run.owner;
  let result: SendResult;
  if (!message) result = { ok: false, errorClass: 'invalid', reason: 'no message to post' };
  else {
    try {
      result = await deps.send({ bot: p.bot, channel: 'zalo_personal', userId: groupId, groupId }, message, { purpose: 'update', locale });
    } catch (err) {
      result = { ok: false, errorClass: 'retryable', reason: (err as Error).message || 'send threw' };
    }
  }
  const now = deps.clock();
  if (result.ok) {
    await deps.models.GroupPost.updateOne({ _id, owner }, { $set: { status: 'sent', messageIds: [...result.messageIds], sentAt: now }, $inc: { attempts: 1 } });
  } else if (result.errorClass === 'retryable' || result.errorClass === 'auth') {
    // Not posted: let the next try (this member's retry, or another member's turn) claim it afresh.
    await deps.models.GroupPost.deleteOne({ _id, owner, status: 'sending' });
  } else {
    await deps.models.GroupPost.updateOne({ _id, owner }, { $set: { status: 'failed', error: result.reason.slice(0, 500) }, $inc: { attempts: 1 } });
  }
  const failedPost = !result.ok && result.errorClass !== 'retryable' && result.errorClass !== 'auth';
  await settleResult(deps, turn, result, 'group', { groupPostId: _id, ...(failedPost ? { reason: 'group_post_failed' } : {}) });
}
