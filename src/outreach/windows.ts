import type { ChannelName, SendPurpose } from '../domain/index.js';

export const MESSENGER_WINDOW_MS = 24 * 3600_000;
/** Zalo OA consultation messages are accepted for 7 days after the person's last interaction (error -230 after). */
export const ZALO_OA_WINDOW_MS = 7 * 24 * 3600_000;

export type WindowDecision = { readonly send: true; readonly purpose: SendPurpose } | { readonly send: false; readonly reason: 'window_closed' };

/**
 * Platform messaging windows, decided before we call the platform so a closed window costs no
 * request: Messenger allows free-form messages for 24 h after the person's last message, after
 * that only tagged ones (CONFIRMED_EVENT_UPDATE for event reminders); Zalo OA for 7 days.
 * See https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#24hours_window
 */
export function decideWindow(channel: ChannelName, lastInboundAt: Date | null, now: Date, eventUpdate: boolean): WindowDecision {
  const since = lastInboundAt ? now.getTime() - lastInboundAt.getTime() : Number.POSITIVE_INFINITY;
  switch (channel) {
    case 'messenger':
      if (since <= MESSENGER_WINDOW_MS) return { send: true, purpose: 'update' };
      return eventUpdate ? { send: true, purpose: 'event_update' } : { send: false, reason: 'window_closed' };
    case 'zalo_oa':
      if (since <= ZALO_OA_WINDOW_MS) return { send: true, purpose: eventUpdate ? 'event_update' : 'update' };
      return { send: false, reason: 'window_closed' };
    case 'zalo_personal':
    case 'web':
      return { send: true, purpose: eventUpdate ? 'event_update' : 'update' };
  }
}
