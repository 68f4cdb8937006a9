import type { InboundEvent } from '../../domain/index.js';
import type { ZaloPersonalIncoming } from './types.js';

/**
 * Pure: a group message to an event, only for the bot's configured groups and never our own
 * messages. A reply that is just an option number stays text: the conversation maps it.
 */
export function normalizeZaloPersonal(botId: string, groups: readonly string[], m: ZaloPersonalIncoming): InboundEvent[] {
  if (m.isSelf || !groups.includes(m.groupId)) return [];
  const base = { bot: botId, channel: 'zalo_personal' as const, userId: m.fromId, groupId: m.groupId, at: m.at, eventId: `zmsg:${m.msgId}` };
  if (m.text === null || m.text.trim() === '') return [{ ...base, kind: 'unsupported', what: 'attachment' }];
  return [{ ...base, kind: 'text', text: m.text }];
}
