import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Broadcast } from '../db/index.js';
import type { Locale } from '../domain/index.js';
import { cancelBroadcast, updateBroadcast } from './broadcast-edit.js';
import { broadcastFields, parseInput, requireLinkScheme, resolveSendAt } from './broadcast-input.js';
import { previewBroadcast } from './broadcast-preview.js';
import { reportBroadcast } from './broadcast-report.js';
import { loadBroadcast, scheduleBroadcast, toView, type BroadcastServiceDeps, type BroadcastView } from './broadcast-store.js';
import { broadcastInputSchema, broadcastListFilterSchema, type BroadcastInput, type BroadcastListFilter } from './schema.js';

export { applyPatch } from './broadcast-input.js';
export { toView, type BroadcastServiceDeps, type BroadcastView, type RenderForPlatform } from './broadcast-store.js';
export type { BroadcastPreview } from './broadcast-preview.js';
export type { DeliveryReport, OutcomeCounts } from './broadcast-report.js';
export type { ReachForecast } from './predict.js';

/** A new manual broadcast, scheduled for its time, with its audience counted. */
async function createBroadcast(deps: BroadcastServiceDeps, raw: BroadcastInput, createdBy: string): Promise<BroadcastView> {
  const { models, clock, timeZone } = deps;
  const input = parseInput(broadcastInputSchema, raw, 'broadcast');
  requireLinkScheme(input.link, deps.allowHttpLinks ?? false);
  const f = broadcastFields(input, resolveSendAt(input.sendAt, clock(), timeZone));
  const id = `bc-${DateTime.fromJSDate(clock(), { zone: timeZone }).toFormat('yyyyMMdd')}-${randomBytes(4).toString('hex')}`;
  const doc = await models.Broadcast.create({
    _id: id,
    kind: 'manual',
    status: 'scheduled',
    ...f,
    messageRef: null,
    daily: null,
    createdBy,
    cursor: { lastParticipantId: null, batches: 0, complete: false, doneBatches: [] },
  });
  await scheduleBroadcast(deps, id, f.sendAt);
  const size = await deps.fanout.audienceSize(f);
  await models.Broadcast.updateOne({ _id: id }, { $set: { audienceSize: size } });
  return toView({ ...(doc.toObject() as Broadcast), audienceSize: size }, timeZone);
}

async function listBroadcasts(deps: BroadcastServiceDeps, rawFilter: BroadcastListFilter = {}): Promise<BroadcastView[]> {
  const f = parseInput(broadcastListFilterSchema, rawFilter ?? {}, 'filter');
  const q: Record<string, unknown> = {};
  if (f.status) q.status = f.status;
  if (f.kind) q.kind = f.kind;
  const docs = await deps.models.Broadcast.find(q).sort({ sendAt: -1 }).limit(f.limit).lean<Broadcast[]>();
  return docs.map((d) => toView(d, deps.timeZone));
}

/**
 * Organisers' broadcasts: create, preview, edit, cancel, list, report. Inputs are checked again here
 * (the CLI passes them unchecked); errors are domain errors (not found, conflict, invalid).
 */
export function createBroadcastService(deps: BroadcastServiceDeps) {
  return {
    create: (raw: BroadcastInput, createdBy: string) => createBroadcast(deps, raw, createdBy),
    /** `locale`: the language of the reach forecast's names and advice. */
    preview: (raw: BroadcastInput, locale?: Locale) => previewBroadcast(deps, raw, locale),
    update: (id: string, patch: Parameters<typeof updateBroadcast>[2]) => updateBroadcast(deps, id, patch),
    cancel: (id: string) => cancelBroadcast(deps, id),
    list: (filter?: BroadcastListFilter) => listBroadcasts(deps, filter),
    get: async (id: string) => toView(await loadBroadcast(deps, id), deps.timeZone),
    /** The delivery report; reasons in words in `locale` (Vietnamese by default). */
    report: (id: string, locale?: Locale) => reportBroadcast(deps, id, locale),
  };
}

export type BroadcastService = ReturnType<typeof createBroadcastService>;
