import type { Broadcast } from '../db/index.js';
import { ConflictError } from '../domain/index.js';
import { JOB } from '../jobs/index.js';
import { applyPatch, broadcastFields, inputOf, parseInput, requireLinkScheme, resolveSendAt } from './broadcast-input.js';
import { loadBroadcast, scheduleBroadcast, toView, type BroadcastServiceDeps, type BroadcastView } from './broadcast-store.js';
import { broadcastInputSchema, broadcastPatchSchema, type BroadcastPatch } from './schema.js';

/**
 * Changes only the fields the patch names. A changed audience or time is checked as at creation
 * (a time in the past is refused) and the audience is counted again; an unchanged `sendAt` keeps the
 * stored instant rather than being re-read, so an edit can never turn into "send now".
 */
export async function updateBroadcast(deps: BroadcastServiceDeps, id: string, rawPatch: BroadcastPatch): Promise<BroadcastView> {
  const { models, timeZone } = deps;
  const patch = parseInput(broadcastPatchSchema, rawPatch, 'broadcast');
  const b = await loadBroadcast(deps, id);
  if (b.kind !== 'manual' || !b.message) throw new ConflictError('broadcast_generated', { id, kind: b.kind });
  if (b.status !== 'scheduled') throw new ConflictError('broadcast_not_editable', { id, status: b.status });
  const merged = parseInput(broadcastInputSchema.omit({ sendAt: true }), applyPatch(inputOf(b, b.message), patch), 'broadcast');
  if (patch.link) requireLinkScheme(merged.link, deps.allowHttpLinks ?? false);
  const f = broadcastFields(merged, patch.sendAt === undefined ? new Date(b.sendAt) : resolveSendAt(patch.sendAt, deps.clock(), timeZone));
  const audienceChanged = patch.audience !== undefined;
  const timeChanged = f.sendAt.getTime() !== new Date(b.sendAt).getTime();
  const audienceSize = audienceChanged ? await deps.fanout.audienceSize(f) : b.audienceSize;
  const updated = await models.Broadcast.findOneAndUpdate(
    { _id: id, status: 'scheduled' },
    { $set: { ...f, audienceSize } },
    { returnDocument: 'after' },
  ).lean<Broadcast>();
  if (!updated) throw new ConflictError('broadcast_started', { id });
  if (timeChanged) {
    await deps.scheduler.agenda.cancel({ name: JOB.broadcast, data: { broadcastId: id } });
    await scheduleBroadcast(deps, id, f.sendAt);
  }
  return toView(updated, timeZone);
}

/** Cancels a scheduled or running broadcast; a running one stops within one chunk (seconds). */
export async function cancelBroadcast(deps: BroadcastServiceDeps, id: string): Promise<BroadcastView> {
  const b = await loadBroadcast(deps, id);
  if (b.status === 'done' || b.status === 'cancelled') throw new ConflictError('broadcast_over', { id, status: b.status });
  const updated = await deps.models.Broadcast.findOneAndUpdate(
    { _id: id, status: { $in: ['scheduled', 'sending'] } },
    { $set: { status: 'cancelled', cancelledAt: deps.clock() } },
    { returnDocument: 'after' },
  ).lean<Broadcast>();
  if (!updated) throw new ConflictError('broadcast_finished', { id });
  await deps.scheduler.agenda.cancel({ name: JOB.broadcast, data: { broadcastId: id } });
  await deps.fanout.skipOpen(id, 'cancelled');
  return toView(updated, deps.timeZone);
}
