/**
 * Channels: one folder per platform (verify, normalize, render, client) behind one `Channel`
 * interface, the one send pipeline, and the inbound side (webhooks, the inbox and its worker).
 *
 * Built in two steps so the rooms that sit between them can be wired with typed dependencies: the
 * sending side first (outreach sends through it), the receiving side after the conversation and
 * outreach it hands events and receipts to. `createChannels` builds both at once.
 */
import { createChannelReceiving, type ChannelReceiving, type ChannelReceivingDeps } from './receiving.js';
import { createChannelSending, type ChannelSending, type ChannelSendingDeps } from './sending.js';

export type { Channel, RawWebhook, Verdict, RawSend } from './types.js';
export { GET_STARTED_PAYLOAD, MESSENGER_LIMITS, renderMessenger, normalizeMessenger, signMessengerBody } from './messenger/index.js';
export { ZALO_CHOICE_PREFIX, renderZalo, normalizeZalo, signZaloBody } from './zalo-oa/index.js';
export { renderZaloPersonal, type ZaloPersonalClient, type ZaloPersonalSession } from './zalo-personal/index.js';
export { splitText } from './text.js';
export { inboxKey } from './inbox/store.js';
export { MENU_PAYLOADS } from './messenger/profile.js';
export { renderFor } from './render.js';
export { registerChannelCommands } from './cli.js';
export { createChannelSending, sendPipeline, type ChannelSending, type ChannelSendingDeps, type ChannelParts } from './sending.js';
export { createChannelReceiving, type ChannelReceiving, type ChannelReceivingDeps, type ReceiptEvent } from './receiving.js';

export type ChannelsDeps = ChannelSendingDeps & Omit<ChannelReceivingDeps, 'config' | 'logger' | 'models'>;

/** Both sides of the channels: `send` and the Zalo token store, webhooks, the simulator's API, the inbox worker. */
export type Channels = Omit<ChannelSending, 'parts'> & ChannelReceiving;

/** The two sides as one `Channels`. */
export function joinChannels(sending: ChannelSending, receiving: ChannelReceiving): Channels {
  const { parts: _parts, ...outbound } = sending;
  return { ...outbound, ...receiving };
}

/** Builds every channel, the webhook pipeline, the inbox worker and the send stack in one go (tests, benchmarks). */
export function createChannels(deps: ChannelsDeps): Channels {
  const sending = createChannelSending(deps);
  return joinChannels(sending, createChannelReceiving(sending, deps));
}
