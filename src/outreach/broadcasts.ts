import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { DateTime } from 'luxon';
import {
  CHANNELS,
  ConflictError,
  InvalidError,
  invalidInput,
  LOCALES,
  NotFoundError,
  type ChannelName,
  type Clock,
  type Locale,
  type OutboundMessage,
} from '../domain/index.js';
import type { Broadcast, BroadcastText, DeliveryStatus, Models } from '../db/index.js';
import type { Translate } from '../i18n/index.js';
import { JOB, scheduleOnce, type Scheduler } from '../jobs/index.js';
import { participantFilter } from './audience.js';
import type { Fanout } from './fanout.js';
import { manualMessage, withStopFooter } from './message.js';
import {
  broadcastInputSchema,
  broadcastListFilterSchema,
  broadcastPatchSchema,
  type BroadcastInput,
  type BroadcastInputParsed,
  type BroadcastListFilter,
  type BroadcastPatch,
  type BroadcastPatchParsed,
} from './schema.js';
import { formatLocal, parseLocalDateTime } from './timing.js';

/** Renders a neutral message as one platform will show it (from the channels room, when it offers one). */
export type RenderForPlatform = (channel: ChannelName, message: OutboundMessage, locale: Locale) => unknown;

/** A broadcast as the admin API, pages and CLI show it. */
export interface BroadcastView {
  id: string;
  kind: Broadcast['kind'];
  status: Broadcast['status'];
  title: string;
  text: { vi: string; en: string | null } | null;
  messageKey: string | null;
  audience: Broadcast['audience'];
  eventUpdate: boolean;
  /** UTC ISO instant. */
  sendAt: string;
  /** Asia/Ho_Chi_Minh, dd/MM/yyyy HH:mm. */
  sendAtLocal: string;
  createdBy: string;
  createdAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  cancelledAt: string | null;
  audienceSize: number | null;
}

export interface DeliveryReport {
  broadcast: BroadcastView;
  total: number;
  byStatus: Record<DeliveryStatus, number>;
  byReason: Record<string, number>;
  byChannel: Record<string, Record<DeliveryStatus, number>>;
  byUnit: Record<string, Record<DeliveryStatus, number>>;
  delivered: number;
  read: number;
}

export interface BroadcastPreview {
  audienceSize: number;
  byChannel: Partial<Record<ChannelName, number>>;
  sendAt: string;
  sendAtLocal: string;
  messages: Array<{ locale: Locale; channel: ChannelName | 'neutral'; message: OutboundMessage; rendered: unknown }>;
}

interface ServiceDeps {
  models: Models;
  scheduler: Scheduler;
  fanout: Fanout;
  t: Translate;
  timeZone: string;
  clock: Clock;
  render?: RenderForPlatform | undefined;
}

const emptyCounts = (): Record<DeliveryStatus, number> => ({ pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 });
const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toView(b: Broadcast, timeZone: string): BroadcastView {
  return {
    id: b._id,
    kind: b.kind,
    status: b.status,
    title: b.title,
    text: b.message ? { vi: b.message.vi.text, en: b.message.en?.text ?? null } : null,
    messageKey: b.messageRef?.key ?? null,
    audience: b.audience,
    eventUpdate: b.eventUpdate,
    sendAt: new Date(b.sendAt).toISOString(),
    sendAtLocal: formatLocal(new Date(b.sendAt), timeZone),
    createdBy: b.createdBy,
    createdAt: iso(b.createdAt),
    startedAt: iso(b.startedAt),
    finishedAt: iso(b.finishedAt),
    cancelledAt: iso(b.cancelledAt),
    audienceSize: b.audienceSize,
  };
}

function textFor(input: Omit<BroadcastInputParsed, 'sendAt'>, locale: Locale): BroadcastText | null {
  const text = locale === 'vi' ? input.text.vi : input.text.en;
  if (!text) return null;
  return {
    text,
    choices: input.choices.map((c, i) => ({ title: (locale === 'en' ? c.en : undefined) ?? c.vi, payload: c.payload ?? `BROADCAST_CHOICE_${i + 1}` })),
    link: input.link ? { url: input.link.url, title: (locale === 'en' ? input.link.title.en : undefined) ?? input.link.title.vi } : null,
  };
}

/** Organisers' broadcasts: create, preview, edit, cancel, list, report. Inputs are checked again here (the CLI passes them unchecked). */
export function createBroadcastService(deps: ServiceDeps) {
  const { models, clock, timeZone } = deps;
  const agenda = deps.scheduler.agenda;

  function parse<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
    const r = schema.safeParse(raw);
    if (!r.success) throw invalidInput(r.error, what);
    return r.data;
  }

  function resolveSendAt(sendAt: string): Date {
    const now = clock();
    if (sendAt === 'now') return now;
    const at = parseLocalDateTime(sendAt, timeZone);
    if (!at) throw new InvalidError('send_at_invalid', { sendAt, timeZone });
    if (at.getTime() < now.getTime() - 60_000) throw new InvalidError('send_at_past', { sendAt: formatLocal(at, timeZone) });
    return at;
  }

  function fields(input: Omit<BroadcastInputParsed, 'sendAt'>, sendAt: Date) {
    return {
      title: input.title ?? input.text.vi.slice(0, 60),
      message: { vi: textFor(input, 'vi')!, en: textFor(input, 'en') },
      audience: {
        bots: input.audience.bots,
        channels: input.audience.channels,
        units: input.audience.units,
        activeWithinDays: input.audience.activeWithinDays ?? null,
        answeredToday: input.audience.answeredToday ?? null,
      },
      eventUpdate: input.eventUpdate,
      sendAt,
    };
  }

  async function load(id: string): Promise<Broadcast> {
    const b = await models.Broadcast.findById(id).lean<Broadcast>();
    if (!b) throw new NotFoundError('broadcast_not_found', { id });
    return b;
  }

  async function schedule(id: string, at: Date): Promise<void> {
    await scheduleOnce(agenda, JOB.broadcast, { broadcastId: id }, { broadcastId: id }, at);
  }

  async function create(raw: BroadcastInput, createdBy: string): Promise<BroadcastView> {
    const input = parse(broadcastInputSchema, raw, 'broadcast');
    const f = fields(input, resolveSendAt(input.sendAt));
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
    await schedule(id, f.sendAt);
    const size = await deps.fanout.audienceSize(f);
    await models.Broadcast.updateOne({ _id: id }, { $set: { audienceSize: size } });
    return toView({ ...(doc.toObject() as Broadcast), audienceSize: size }, timeZone);
  }

  async function preview(raw: BroadcastInput): Promise<BroadcastPreview> {
    const input = parse(broadcastInputSchema, raw, 'broadcast');
    const f = fields(input, resolveSendAt(input.sendAt));
    const now = clock();
    const byChannel: Partial<Record<ChannelName, number>> = {};
    const channels = f.audience.channels.length ? f.audience.channels : [...CHANNELS];
    for (const channel of channels) {
      const n = await models.Participant.countDocuments(participantFilter({ ...f.audience, channels: [channel] }, now));
      if (n > 0 || f.audience.channels.length) byChannel[channel] = n;
    }
    const audienceSize = await deps.fanout.audienceSize(f);
    const messages: BroadcastPreview['messages'] = [];
    for (const locale of LOCALES) {
      if (locale === 'en' && !f.message.en) continue;
      const message = withStopFooter(manualMessage({ message: f.message }, locale), locale, deps.t);
      messages.push({ locale, channel: 'neutral', message, rendered: message });
      if (deps.render) {
        for (const channel of channels.filter((c) => c !== 'web')) messages.push({ locale, channel, message, rendered: deps.render(channel, message, locale) });
      }
    }
    return { audienceSize, byChannel, sendAt: f.sendAt.toISOString(), sendAtLocal: formatLocal(f.sendAt, timeZone), messages };
  }

  /**
   * Changes only the fields the patch names. A changed audience or time is checked as at creation
   * (a time in the past is refused) and the audience is counted again; an unchanged `sendAt` keeps the
   * stored instant rather than being re-read, so an edit can never turn into "send now".
   */
  async function update(id: string, rawPatch: BroadcastPatch): Promise<BroadcastView> {
    const patch = parse(broadcastPatchSchema, rawPatch, 'broadcast');
    const b = await load(id);
    if (b.kind !== 'manual' || !b.message) throw new ConflictError('broadcast_generated', { id, kind: b.kind });
    if (b.status !== 'scheduled') throw new ConflictError('broadcast_not_editable', { id, status: b.status });
    const merged = parse(broadcastInputSchema.omit({ sendAt: true }), applyPatch(inputOf(b, b.message), patch), 'broadcast');
    const f = fields(merged, patch.sendAt === undefined ? new Date(b.sendAt) : resolveSendAt(patch.sendAt));
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
      await agenda.cancel({ name: JOB.broadcast, data: { broadcastId: id } });
      await schedule(id, f.sendAt);
    }
    return toView(updated, timeZone);
  }

  /** Cancels a scheduled or running broadcast; a running one stops within one chunk (seconds). */
  async function cancel(id: string): Promise<BroadcastView> {
    const b = await load(id);
    if (b.status === 'done' || b.status === 'cancelled') throw new ConflictError('broadcast_over', { id, status: b.status });
    const updated = await models.Broadcast.findOneAndUpdate(
      { _id: id, status: { $in: ['scheduled', 'sending'] } },
      { $set: { status: 'cancelled', cancelledAt: clock() } },
      { returnDocument: 'after' },
    ).lean<Broadcast>();
    if (!updated) throw new ConflictError('broadcast_finished', { id });
    await agenda.cancel({ name: JOB.broadcast, data: { broadcastId: id } });
    await deps.fanout.skipOpen(id, 'cancelled');
    return toView(updated, timeZone);
  }

  async function list(rawFilter: BroadcastListFilter = {}): Promise<BroadcastView[]> {
    const f = parse(broadcastListFilterSchema, rawFilter ?? {}, 'filter');
    const q: Record<string, unknown> = {};
    if (f.status) q.status = f.status;
    if (f.kind) q.kind = f.kind;
    const docs = await models.Broadcast.find(q).sort({ sendAt: -1 }).limit(f.limit).lean<Broadcast[]>();
    return docs.map((d) => toView(d, timeZone));
  }

  async function get(id: string): Promise<BroadcastView> {
    return toView(await load(id), timeZone);
  }

  /** Counts by status, reason, channel and unit; every recipient appears once (one delivery each). */
  async function report(id: string): Promise<DeliveryReport> {
    const b = await load(id);
    const groups = await models.Delivery.aggregate<{
      _id: { status: DeliveryStatus; reason: string | null; channel: string; unitId: string | null };
      n: number;
      read: number;
      delivered: number;
    }>([
      { $match: { broadcastId: id } },
      {
        $group: {
          _id: { status: '$status', reason: '$reason', channel: '$channel', unitId: '$unitId' },
          n: { $sum: 1 },
          read: { $sum: { $cond: [{ $ifNull: ['$readAt', false] }, 1, 0] } },
          delivered: { $sum: { $cond: [{ $ifNull: ['$deliveredAt', false] }, 1, 0] } },
        },
      },
    ]);
    const r: DeliveryReport = {
      broadcast: toView(b, timeZone),
      total: 0,
      byStatus: emptyCounts(),
      byReason: {},
      byChannel: {},
      byUnit: {},
      delivered: 0,
      read: 0,
    };
    for (const g of groups) {
      const { status, reason, channel } = g._id;
      const unit = g._id.unitId ?? '(none)';
      r.total += g.n;
      r.byStatus[status] += g.n;
      if (reason && status !== 'sent') r.byReason[reason] = (r.byReason[reason] ?? 0) + g.n;
      (r.byChannel[channel] ??= emptyCounts())[status] += g.n;
      (r.byUnit[unit] ??= emptyCounts())[status] += g.n;
      r.read += g.read;
      r.delivered += Math.max(g.delivered, g.read);
    }
    return r;
  }

  return { create, preview, update, cancel, list, get, report };
}

export type BroadcastService = ReturnType<typeof createBroadcastService>;

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A stored manual broadcast as the input that would create it (sendAt aside). */
function inputOf(b: Broadcast, message: NonNullable<Broadcast['message']>): Omit<BroadcastInput, 'sendAt'> {
  const { vi, en } = message;
  return {
    title: b.title,
    text: { vi: vi.text, ...(en ? { en: en.text } : {}) },
    choices: vi.choices.map((c, i) => ({ vi: c.title, payload: c.payload, ...(en?.choices[i] ? { en: en.choices[i]!.title } : {}) })),
    ...(vi.link ? { link: { url: vi.link.url, title: { vi: vi.link.title, ...(en?.link ? { en: en.link.title } : {}) } } } : {}),
    audience: {
      bots: b.audience.bots,
      channels: b.audience.channels,
      units: b.audience.units,
      ...(b.audience.activeWithinDays ? { activeWithinDays: b.audience.activeWithinDays } : {}),
      ...(b.audience.answeredToday !== null ? { answeredToday: b.audience.answeredToday } : {}),
    },
    eventUpdate: b.eventUpdate,
  };
}

/** The current input with the patch's named fields applied; `null` removes an optional field. */
export function applyPatch(current: Omit<BroadcastInput, 'sendAt'>, patch: BroadcastPatchParsed): Omit<BroadcastInput, 'sendAt'> {
  const { text, link, audience, sendAt: _sendAt, ...plain } = patch;
  const next: Omit<BroadcastInput, 'sendAt'> = { ...current, ...stripUndefined(plain) };
  if (text) {
    const en = text.en === undefined ? current.text.en : (text.en ?? undefined);
    next.text = { vi: text.vi ?? current.text.vi, ...(en ? { en } : {}) };
  }
  if (link === null) delete next.link;
  else if (link) next.link = link;
  if (audience) {
    const merged: Record<string, unknown> = { ...current.audience, ...stripUndefined(audience) };
    for (const key of ['activeWithinDays', 'answeredToday'] as const) if (merged[key] === null) delete merged[key];
    next.audience = merged as BroadcastInput['audience'];
  }
  return next;
}
