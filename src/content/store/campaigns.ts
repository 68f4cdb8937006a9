import { z } from 'zod';
import { ConflictError, ForbiddenError, invalidInput, NotFoundError } from '../../domain/index.js';
import { campaignEventFields, campaignFileSchema, withEventRules, type Campaign } from '../schema.js';
import type { Actor } from './audit.js';
import type { Editor } from './editor.js';
import { slugOf, uniqueId } from './ids.js';
import type { ContentStore } from './live.js';
import type { StoredCampaign } from './merge.js';

/**
 * The campaign calendar as organisers edit it: a campaign, its events (a date, or a yearly date with
 * an end), their reminders (days before, times) and words (vi, en), and which bots remind of it.
 * Ids are made from the titles when not given.
 */

const botIds = z.array(campaignFileSchema.shape.id).min(1);
const eventInput = withEventRules(z.object({ ...campaignEventFields, id: campaignEventFields.id.optional() }).strict());

/** `POST /campaigns`: a campaign file's fields, plus the bots that remind of it; ids may be left out. */
export const campaignInputSchema = z
  .object({
    id: campaignFileSchema.shape.id.optional(),
    title: campaignFileSchema.shape.title,
    facts: campaignFileSchema.shape.facts,
    events: z.array(eventInput).min(1),
    bots: botIds,
  })
  .strict();
export type CampaignInput = z.input<typeof campaignInputSchema>;

/** `PATCH /campaigns/:id`: only the fields named change; `events`, when given, is the whole new list. */
export const campaignPatchSchema = z
  .object({
    title: campaignFileSchema.shape.title.optional(),
    facts: campaignFileSchema.shape.facts.unwrap().optional(),
    events: z.array(eventInput).min(1).optional(),
    bots: botIds.optional(),
  })
  .strict();
export type CampaignPatch = z.input<typeof campaignPatchSchema>;

type EventInput = z.output<typeof eventInput>;

export function createCampaignEditor(deps: { editor: Editor; store: ContentStore }) {
  const { editor, store } = deps;

  /** Every campaign with the bots that remind of it. */
  function list(actor: Actor): StoredCampaign[] {
    return store.live.campaigns
      .map((c) => ({ ...c, bots: store.live.bots.filter((b) => b.campaigns.includes(c.id)).map((b) => b.id) }))
      .filter((c) => actor.role === 'admin' || c.bots.some((b) => actor.bots!.includes(b)));
  }

  function find(id: string): StoredCampaign {
    const found = editor.current('campaign', id);
    if (!found || found.retired) throw new NotFoundError('campaign_not_found', { id });
    return found.value;
  }

  /** Organisers change only campaigns all of whose bots (before and after) they manage. */
  function requireBots(actor: Actor, ...lists: ReadonlyArray<readonly string[]>): void {
    if (actor.role === 'admin') return;
    if (lists.some((bots) => bots.some((b) => !actor.bots!.includes(b)))) throw new ForbiddenError('content_item_forbidden', { kind: 'campaign' });
  }

  /** Events with ids: those given, the others made from their titles (unique across every calendar). */
  function withIds(events: readonly EventInput[], own: readonly string[]): Campaign['events'] {
    const taken = new Set(store.live.campaigns.flatMap((c) => c.events.map((e) => e.id)).filter((id) => !own.includes(id)));
    return events.map((e) => {
      const id = e.id ?? uniqueId(slugOf(e.title.vi), taken);
      taken.add(id);
      return { ...e, id };
    });
  }

  /** A body checked with a schema: what it refuses is a 400 naming the fields (the preview's body is looser than a save's). */
  function parsed<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
    const r = schema.safeParse(raw);
    if (!r.success) throw invalidInput(r.error, 'body');
    return r.data;
  }

  /**
   * The campaign as content/campaigns/*.yaml holds it. Its schema is stricter than the API's body
   * (a message given as text needs both vi and en), so what it refuses is a 400 naming the fields,
   * never a 500.
   */
  function asCampaignFile(value: unknown): Campaign {
    return parsed(campaignFileSchema, value);
  }

  /** The campaign a create (no `id`) or a change of campaign `id` would save; checks who may. */
  function build(actor: Actor, change: { raw: unknown; id?: string | undefined }): StoredCampaign {
    if (change.id === undefined) {
      const input = parsed(campaignInputSchema, change.raw);
      requireBots(actor, input.bots);
      const ids = new Set(store.live.campaigns.map((c) => c.id));
      const id = input.id ?? uniqueId(slugOf(input.title.vi), ids);
      if (ids.has(id)) throw new ConflictError('content_item_exists', { kind: 'campaign', id });
      return { ...asCampaignFile({ ...input, id, events: withIds(input.events, []) }), bots: input.bots };
    }
    const p = parsed(campaignPatchSchema, change.raw);
    const old = find(change.id);
    requireBots(actor, old.bots, p.bots ?? []);
    const events = p.events ? withIds(p.events, old.events.map((e) => e.id)) : old.events;
    return {
      ...asCampaignFile({ id: change.id, title: p.title ?? old.title, facts: p.facts ?? old.facts, events }),
      bots: p.bots ?? old.bots,
    };
  }

  async function create(raw: CampaignInput, actor: Actor) {
    const value = build(actor, { raw });
    return editor.save({ kind: 'campaign', key: value.id, value, actor, action: 'create' });
  }

  async function patch(id: string, raw: CampaignPatch, actor: Actor) {
    const value = build(actor, { raw, id });
    return editor.save({ kind: 'campaign', key: id, value, actor, action: 'update' });
  }

  /** The content in force as it would be with a campaign created or changed (for previews), unsaved. */
  function preview(actor: Actor, change: { raw: unknown; id?: string | undefined }) {
    const value = build(actor, change);
    return { campaign: value, content: editor.mergedWith({ kind: 'campaign', key: value.id, value }) };
  }

  return { list, find, create, patch, preview };
}

export type CampaignEditor = ReturnType<typeof createCampaignEditor>;
