import { DateTime } from 'luxon';
import { z } from 'zod';
import { campaignInputSchema, campaignPatchSchema, type ContentBundle } from '../../content/index.js';
import { ForbiddenError } from '../../domain/index.js';
import type { Translate } from '../../i18n/index.js';
import { plannedReminders, reminderText } from '../../outreach/index.js';
import { principalOf } from '../auth.js';
import { actorOf, idParam, type ApiContext } from './shared.js';

/** How far ahead a calendar preview looks: this year and the next. */
const PREVIEW_YEARS = 1;

/**
 * Every reminder a calendar will send, from the outreach room's own planning (`plannedReminders`,
 * which never plans an occurrence after an event's end) and its own words (`reminderText`): the
 * local day and time in the configured zone (Asia/Ho_Chi_Minh), the bots, the text in vi and en.
 */
export function reminderPreview(content: Pick<ContentBundle, 'bots' | 'campaigns'>, campaignId: string, deps: { t: Translate; timeZone: string; now: Date }) {
  const campaign = content.campaigns.find((c) => c.id === campaignId);
  if (!campaign) return [];
  return plannedReminders(content, deps.now, deps.timeZone, { years: PREVIEW_YEARS, campaignId }).map((slot) => {
    const event = campaign.events.find((e) => e.id === slot.eventId)!;
    const local = DateTime.fromJSDate(slot.at, { zone: deps.timeZone });
    const words = { ...slot, time: event.time, campaignTitle: campaign.title };
    return {
      eventId: slot.eventId,
      event: slot.title,
      eventDate: slot.eventDate,
      daysBefore: slot.daysBefore,
      at: slot.at.toISOString(),
      localDay: local.toFormat('dd/MM/yyyy'),
      localTime: local.toFormat('HH:mm'),
      bots: slot.bots,
      text: { vi: reminderText(deps.t, 'vi', words, deps.timeZone), en: reminderText(deps.t, 'en', words, deps.timeZone) },
    };
  });
}

const previewBody = z
  .object({ id: z.string().min(1).max(100).optional().describe('the campaign being edited (its fields below are a change); absent: a new campaign') })
  .passthrough();

/** `/campaigns`: the campaign calendar — list, create, change, and the preview of every reminder it will send. */
export function addCampaignRoutes(ctx: ApiContext): void {
  const { api, deps } = ctx;
  const content = () => ctx.part('content');
  const say = () => ({ t: deps.t, timeZone: deps.timeZone, now: new Date() });
  api.add({
    method: 'get',
    path: '/campaigns',
    tag: 'content',
    summary: 'Campaigns of your bots, with their events and the bots that remind of them',
    handler: async (_i, req) => ({ items: content().campaigns.list(actorOf(principalOf(req))) }),
  });
  api.add({
    method: 'get',
    path: '/campaigns/:id',
    tag: 'content',
    summary: 'One campaign and every reminder it will send (local dates and times)',
    params: idParam,
    handler: async ({ params }, req) => {
      const campaign = content().campaigns.find(params.id);
      if (
        !content()
          .campaigns.list(actorOf(principalOf(req)))
          .some((c) => c.id === params.id)
      )
        throw new ForbiddenError('content_item_forbidden', { kind: 'campaign' });
      return { campaign, reminders: reminderPreview(content().live, campaign.id, say()) };
    },
  });
  api.add({
    method: 'post',
    path: '/campaigns/preview',
    tag: 'content',
    summary: 'Every reminder a campaign would send as typed, unsaved (with `id`: a change of that campaign, the other fields as in PATCH)',
    body: previewBody,
    handler: async ({ body }, req) => {
      const { id, ...raw } = body;
      const { campaign, content: merged } = content().campaigns.preview(actorOf(principalOf(req)), { raw, id });
      return { campaign, reminders: reminderPreview(merged, campaign.id, say()) };
    },
  });
  api.add({
    method: 'post',
    path: '/campaigns',
    tag: 'content',
    summary: 'Create a campaign (a campaign file’s fields and its bots); its reminders are scheduled at once',
    body: campaignInputSchema,
    handler: async ({ body }, req) => content().campaigns.create(body, actorOf(principalOf(req))),
  });
  api.add({
    method: 'patch',
    path: '/campaigns/:id',
    tag: 'content',
    summary: 'Change a campaign: only the fields named change (`events` is the whole new list); its reminders are rescheduled',
    params: idParam,
    body: campaignPatchSchema,
    handler: async ({ params, body }, req) => content().campaigns.patch(params.id, body, actorOf(principalOf(req))),
  });
}
