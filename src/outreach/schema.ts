import { z } from 'zod';
import { CHANNELS, DEFAULT_TIME_ZONE, FIELD_RULES } from '../domain/index.js';
import { parseLocalDateTime } from './timing.js';

const localText = z.string().trim().min(1).max(1800);
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, FIELD_RULES.id);

/** "now", or a local date-time "2026-10-10T08:00" (Asia/Ho_Chi_Minh), or an ISO instant with offset. */
export const sendAtSchema = z
  .string()
  .trim()
  .refine((s) => s === 'now' || parseLocalDateTime(s, DEFAULT_TIME_ZONE) !== null, { message: FIELD_RULES.send_at });

/**
 * A link a broadcast carries: web pages only. `javascript:`, `data:`, `file:` and the like would
 * run or open something on the member's phone. Plain `http:` is accepted here and refused outside
 * development by the service (`requireLinkScheme`).
 */
const linkUrl = z.url({ protocol: /^https?$/, error: 'must be a web address starting with https://' });

export const audienceSchema = z.object({
  /** Empty: every bot. */
  bots: z.array(id).default([]),
  channels: z.array(z.enum(CHANNELS)).default([]),
  units: z.array(z.string().min(1)).default([]),
  /** Only people who wrote to the bot within this many days. */
  activeWithinDays: z.number().int().min(1).max(365).optional(),
  /** true: answered today's daily question; false: not yet. */
  answeredToday: z.boolean().optional(),
});

/** What an organiser submits (admin API, admin page, CLI). Subscribed-only is always applied. */
export const broadcastInputSchema = z.object({
  title: z.string().trim().min(1).max(120).optional(),
  text: z.object({ vi: localText, en: localText.optional() }),
  /** Quick replies; Messenger shows at most 13, titles up to 20 characters. */
  choices: z
    .array(z.object({ vi: z.string().trim().min(1).max(20), en: z.string().trim().min(1).max(20).optional(), payload: z.string().min(1).max(100).optional() }))
    .max(13)
    .default([]),
  link: z.object({ url: linkUrl, title: z.object({ vi: z.string().min(1).max(80), en: z.string().min(1).max(80).optional() }) }).optional(),
  audience: audienceSchema.default({ bots: [], channels: [], units: [] }),
  sendAt: sendAtSchema.default('now'),
  /** Messenger: may be sent outside 24 h as CONFIRMED_EVENT_UPDATE (only for real event updates). */
  eventUpdate: z.boolean().default(false),
});
export type BroadcastInput = z.input<typeof broadcastInputSchema>;
export type BroadcastInputParsed = z.output<typeof broadcastInputSchema>;

/**
 * Editing a scheduled broadcast: only the fields named change, so nothing here has a default (a
 * default would silently reset a field the organiser never touched, e.g. `sendAt` to "now").
 * `audience` merges field by field; `text.en` and `link` take `null` to remove them.
 */
export const broadcastPatchSchema = z
  .object({
    title: z.string().trim().min(1).max(120).optional(),
    text: z.object({ vi: localText.optional(), en: localText.nullable().optional() }).strict().optional(),
    choices: broadcastInputSchema.shape.choices.unwrap().optional(),
    link: broadcastInputSchema.shape.link.unwrap().nullable().optional(),
    audience: z
      .object({
        bots: z.array(id).optional(),
        channels: z.array(z.enum(CHANNELS)).optional(),
        units: z.array(z.string().min(1)).optional(),
        activeWithinDays: z.number().int().min(1).max(365).nullable().optional(),
        answeredToday: z.boolean().nullable().optional(),
      })
      .strict()
      .optional(),
    sendAt: sendAtSchema.optional(),
    eventUpdate: z.boolean().optional(),
  })
  .strict();
export type BroadcastPatch = z.input<typeof broadcastPatchSchema>;
export type BroadcastPatchParsed = z.output<typeof broadcastPatchSchema>;

export const broadcastListFilterSchema = z.object({
  status: z.enum(['scheduled', 'sending', 'done', 'cancelled']).optional(),
  kind: z.enum(['manual', 'daily', 'reminder', 'recap']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type BroadcastListFilter = z.input<typeof broadcastListFilterSchema>;
