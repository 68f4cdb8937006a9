import type { z } from 'zod';
import type { Broadcast, BroadcastText } from '../db/index.js';
import { InvalidError, invalidInput, type Locale } from '../domain/index.js';
import type { BroadcastInput, BroadcastInputParsed, BroadcastPatchParsed } from './schema.js';
import { formatLocal, parseLocalDateTime } from './timing.js';

/** An organiser's input through its schema; a bad one is `validation_failed` with the fields at fault. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw invalidInput(r.error, what);
  return r.data;
}

/** Refuses a plain-http link unless `allowHttp` (development): members get https links only. */
export function requireLinkScheme(link: { url: string } | undefined | null, allowHttp: boolean): void {
  if (!link || allowHttp || link.url.startsWith('https:')) return;
  throw new InvalidError(
    'validation_failed',
    { what: 'broadcast', summary: 'link.url: must start with https://' },
    { fields: [{ field: 'link.url', message: 'must start with https://' }] },
  );
}

/** "now", or a local time (not in the past) in `timeZone`, as an instant. */
export function resolveSendAt(sendAt: string, now: Date, timeZone: string): Date {
  if (sendAt === 'now') return now;
  const at = parseLocalDateTime(sendAt, timeZone);
  if (!at) throw new InvalidError('send_at_invalid', { sendAt, timeZone });
  if (at.getTime() < now.getTime() - 60_000) throw new InvalidError('send_at_past', { sendAt: formatLocal(at, timeZone) });
  return at;
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

/** The stored fields of a manual broadcast from an organiser's (checked) input. */
export function broadcastFields(input: Omit<BroadcastInputParsed, 'sendAt'>, sendAt: Date) {
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
    // Organisers' broadcasts name no event occurrence members signed up for, so they are never tagged.
    eventKey: null,
    sendAt,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A stored manual broadcast as the input that would create it (sendAt aside). */
export function inputOf(b: Broadcast, message: NonNullable<Broadcast['message']>): Omit<BroadcastInput, 'sendAt'> {
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
