import { CHANNELS, LOCALES, type ChannelName, type Locale, type OutboundMessage } from '../domain/index.js';
import { participantFilter } from './audience.js';
import { broadcastFields, parseInput, requireLinkScheme, resolveSendAt } from './broadcast-input.js';
import type { BroadcastServiceDeps } from './broadcast-store.js';
import { manualMessage, withStopFooter } from './message.js';
import { broadcastInputSchema, type BroadcastInput } from './schema.js';
import { formatLocal } from './timing.js';
import type { ReachForecast } from './predict.js';

export interface BroadcastPreview {
  audienceSize: number;
  /** Members expected per path when it is sent, group posts, and who will be skipped and why. */
  reach: ReachForecast;
  byChannel: Partial<Record<ChannelName, number>>;
  sendAt: string;
  sendAtLocal: string;
  messages: Array<{ locale: Locale; channel: ChannelName | 'neutral'; message: OutboundMessage; rendered: unknown }>;
}

/** What a broadcast would send, per locale and platform, and to how many people per channel. */
export async function previewBroadcast(deps: BroadcastServiceDeps, raw: BroadcastInput, locale: Locale = 'vi'): Promise<BroadcastPreview> {
  const { models, clock, timeZone } = deps;
  const input = parseInput(broadcastInputSchema, raw, 'broadcast');
  requireLinkScheme(input.link, deps.allowHttpLinks ?? false);
  const f = broadcastFields(input, resolveSendAt(input.sendAt, clock(), timeZone));
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
  const reach = await deps.fanout.predictReach(f, f.sendAt, locale);
  return { audienceSize, reach, byChannel, sendAt: f.sendAt.toISOString(), sendAtLocal: formatLocal(f.sendAt, timeZone), messages };
}
