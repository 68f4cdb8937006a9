import type { InboundEvent } from '../../domain/index.js';
import { eventHash } from '../text.js';
import { z } from 'zod';
import { ZALO_CHOICE_PREFIX, ZALO_HIDDEN_PREFIX, zaloWebhookSchema } from './types.js';

/**
 * Pure: one Zalo OA webhook to the events we handle. `user_send_text` is text, or a choice when it
 * carries a button payload (`#...`); other `user_send_*` are unsupported (we answer that only text
 * is understood); follow, unfollow, chat-now, received and seen map to their kinds.
 */
export function normalizeZalo(botId: string, body: unknown): InboundEvent[] {
  const parsed = zaloWebhookSchema.safeParse(body);
  if (!parsed.success) return [];
  const w = parsed.data;
  const at = new Date(Number(w.timestamp) || Date.now());
  const base = (userId: string) => ({ bot: botId, channel: 'zalo_oa' as const, userId, at });
  const hashId = (userId: string) => `${w.event_name}:${eventHash(userId, w.timestamp, w.message ?? null)}`;

  switch (w.event_name) {
    case 'user_send_text': {
      const userId = w.sender?.id;
      const text = w.message?.text;
      if (!userId || text === undefined) return [];
      const eventId = w.message?.msg_id ? `msg:${w.message.msg_id}` : hashId(userId);
      // An invitation: the OA link carries no parameter, so the colleague sends "#inv-<code>".
      const ref = invitationRefOf(text);
      if (ref) return [{ ...base(userId), eventId, kind: 'start', ref }];
      const hidden = hiddenChoice(text);
      if (hidden) return [{ ...base(userId), eventId, kind: 'choice', payload: hidden.p, ...(hidden.t ? { text: hidden.t } : {}) }];
      const payload = choicePayload(text);
      if (payload) return [{ ...base(userId), eventId, kind: 'choice', payload }];
      return [{ ...base(userId), eventId, kind: 'text', text }];
    }
    case 'follow':
    case 'unfollow': {
      const userId = w.follower?.id ?? w.user_id;
      if (!userId) return [];
      return [{ ...base(userId), eventId: hashId(userId), kind: w.event_name }];
    }
    case 'user_click_chatnow': {
      const userId = w.user_id ?? w.sender?.id;
      if (!userId) return [];
      return [{ ...base(userId), eventId: hashId(userId), kind: 'start' }];
    }
    case 'user_received_message':
    case 'user_seen_message': {
      // Sent by the OA to the person: the person is the recipient.
      const userId = w.recipient?.id ?? w.user_id;
      if (!userId) return [];
      const messageIds = w.message?.msg_ids ?? [];
      return [{ ...base(userId), eventId: hashId(userId), kind: w.event_name === 'user_received_message' ? 'delivered' : 'read', messageIds }];
    }
    default: {
      if (w.event_name.startsWith('user_send_') && w.sender?.id) {
        const userId = w.sender.id;
        const eventId = w.message?.msg_id ? `msg:${w.message.msg_id}` : hashId(userId);
        return [{ ...base(userId), eventId, kind: 'unsupported', what: w.event_name.slice('user_send_'.length) }];
      }
      return [];
    }
  }
}

/** `#inv-ABCD2345` (the message of an invitation, docs/learning.md) → `inv-ABCD2345`; anything else → null. */
function invitationRefOf(text: string): string | null {
  const m = /^#inv-([2-9a-hj-np-z]{4})-?([2-9a-hj-np-z]{4})$/i.exec(text.trim());
  return m ? `inv-${(m[1]! + m[2]!).toUpperCase()}` : null;
}

const hiddenSchema = z.object({ p: z.string().min(1).max(200), t: z.string().max(200).optional() });

/** A hidden button's `#~{"p":…,"t":…}` (see `renderZalo`), or null. */
function hiddenChoice(text: string): z.infer<typeof hiddenSchema> | null {
  const t = text.trim();
  if (!t.startsWith(ZALO_HIDDEN_PREFIX) || t.length > 1000) return null;
  try {
    const parsed = hiddenSchema.safeParse(JSON.parse(t.slice(ZALO_HIDDEN_PREFIX.length)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A legacy shown payload `#CMD|today` (buttons sent before hidden payloads). */
function choicePayload(text: string): string | null {
  const t = text.trim();
  return t.startsWith(ZALO_CHOICE_PREFIX) && t.length > 1 && !/\s/.test(t) ? t.slice(ZALO_CHOICE_PREFIX.length) : null;
}
