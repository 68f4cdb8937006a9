import type { InboundEvent, OptInChange } from '../../domain/index.js';
import { eventHash } from '../text.js';
import { GET_STARTED_PAYLOAD, messagingSchema, webhookSchema, type MessengerMessaging } from './types.js';

/**
 * Pure: one Messenger webhook body to the events we handle (text, quick replies, postbacks,
 * Get Started, opt-ins, deliveries, reads). Echoes of our own messages and unknown items are left out.
 */
export function normalizeMessenger(botId: string, body: unknown): InboundEvent[] {
  const parsed = webhookSchema.safeParse(body);
  if (!parsed.success || parsed.data.object !== 'page') return [];
  const events: InboundEvent[] = [];
  for (const entry of parsed.data.entry) {
    for (const raw of entry.messaging ?? []) {
      const item = messagingSchema.safeParse(raw);
      if (!item.success) continue;
      const event = normalizeItem(botId, item.data);
      if (event) events.push(event);
    }
  }
  return events;
}

function normalizeItem(bot: string, m: MessengerMessaging): InboundEvent | null {
  const base = { bot, channel: 'messenger' as const, userId: m.sender.id, at: new Date(m.timestamp ?? Date.now()) };
  if (m.message) {
    const msg = m.message;
    if (msg.is_echo) return null;
    const eventId = `mid:${msg.mid}`;
    if (msg.quick_reply) return { ...base, eventId, kind: 'choice', payload: msg.quick_reply.payload, ...(msg.text ? { text: msg.text } : {}) };
    if (msg.text !== undefined && msg.text.trim() !== '') return { ...base, eventId, kind: 'text', text: msg.text };
    return { ...base, eventId, kind: 'unsupported', what: msg.attachments?.[0]?.type ?? 'message' };
  }
  if (m.postback) {
    const eventId = m.postback.mid ? `mid:${m.postback.mid}` : `postback:${eventHash(m.sender.id, m.timestamp, m.postback.payload)}`;
    // A new conversation opened from an m.me link: Get Started carries the link's ref.
    const ref = refOf(m.postback.referral?.ref);
    if (m.postback.payload === GET_STARTED_PAYLOAD) return { ...base, eventId, kind: 'start', payload: m.postback.payload, ...(ref ? { ref } : {}) };
    return { ...base, eventId, kind: 'choice', payload: m.postback.payload, ...(m.postback.title ? { text: m.postback.title } : {}) };
  }
  if (m.optin?.type === 'notification_messages') {
    const optIn = optInChange(m.optin);
    if (!optIn) return null;
    return { ...base, eventId: `optin:${eventHash(m.sender.id, m.timestamp, optIn.token ?? null, optIn.status)}`, kind: 'optin', optIn };
  }
  if (m.optin) {
    // The Send-to-Messenger plugin: the person starts a conversation.
    const payload = m.optin.payload ?? m.optin.ref;
    return { ...base, eventId: `optin:${eventHash(m.sender.id, m.timestamp, m.optin)}`, kind: 'start', ...(payload ? { payload } : {}) };
  }
  if (m.referral) {
    const ref = refOf(m.referral.ref);
    return { ...base, eventId: `referral:${eventHash(m.sender.id, m.timestamp, m.referral)}`, kind: 'start', ...(ref ? { ref } : {}) };
  }
  if (m.delivery) {
    return {
      ...base,
      eventId: `delivery:${eventHash(m.sender.id, m.delivery.watermark, m.delivery.mids ?? [])}`,
      kind: 'delivered',
      messageIds: m.delivery.mids ?? [],
      watermark: new Date(m.delivery.watermark),
    };
  }
  if (m.read) {
    return { ...base, eventId: `read:${eventHash(m.sender.id, m.read.watermark)}`, kind: 'read', messageIds: [], watermark: new Date(m.read.watermark) };
  }
  return null;
}

type OptinItem = NonNullable<MessengerMessaging['optin']>;

/**
 * A marketing-messages opt-in, stop or resume (docs/reach.md §1.3): the status from
 * `notification_messages_status` (absent on an opt-in), the token, and the legacy expiry and
 * frequency when Meta still sends them. Null when an opt-in carries no token.
 */
function optInChange(o: OptinItem): OptInChange | null {
  const said = o.notification_messages_status?.toUpperCase() ?? '';
  const status = said.startsWith('STOP') ? 'stopped' : said.startsWith('RESUME') ? 'resumed' : 'active';
  const token = o.notification_messages_token?.trim() || undefined;
  if (status === 'active' && !token) return null;
  const expiry = Number(o.token_expiry_timestamp);
  return {
    status,
    ...(token ? { token } : {}),
    ...(o.title ? { title: o.title } : {}),
    // Seconds or milliseconds: anything before 2001 in milliseconds is taken as seconds.
    ...(Number.isFinite(expiry) && expiry > 0 ? { expiresAt: new Date(expiry < 1e12 ? expiry * 1000 : expiry) } : {}),
    ...(o.notification_messages_frequency ? { frequency: o.notification_messages_frequency } : {}),
    ...(o.notification_messages_timezone ? { timezone: o.notification_messages_timezone } : {}),
  };
}

/** Messenger allows up to 250 characters in a ref; anything else is not one of ours. */
function refOf(ref: string | undefined): string | null {
  const r = ref?.trim();
  return r && r.length <= 250 ? r : null;
}
