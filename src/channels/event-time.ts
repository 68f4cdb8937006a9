import type { InboundEvent } from '../domain/index.js';

/**
 * How far a platform's event time may be from the moment we received it. Platforms redeliver for a
 * while after an outage, so the past reaches back a week; a few minutes ahead allow for clocks.
 */
export const EVENT_TIME_WINDOW = { pastMs: 7 * 24 * 60 * 60 * 1000, futureMs: 5 * 60 * 1000 } as const;

const plausible = (at: Date | undefined, receivedAt: Date): at is Date => {
  const t = at instanceof Date ? at.getTime() : NaN;
  const now = receivedAt.getTime();
  return Number.isFinite(t) && t >= now - EVENT_TIME_WINDOW.pastMs && t <= now + EVENT_TIME_WINDOW.futureMs;
};

/**
 * Pure: the event with its platform times checked. A time the body states but that cannot be right
 * (`1e300`, a 2001 event, a date next year) is replaced by the receive time; a receipt's watermark
 * that cannot be right is dropped (its message ids still count). `clamped` says something changed,
 * for the metric; the signature already proved the body came from the platform.
 */
export function withPlausibleTimes(event: InboundEvent, receivedAt: Date): { event: InboundEvent; clamped: boolean } {
  let clamped = false;
  let checked: InboundEvent = event;
  if (!plausible(event.at, receivedAt)) {
    checked = { ...checked, at: receivedAt };
    clamped = true;
  }
  if ((checked.kind === 'delivered' || checked.kind === 'read') && checked.watermark !== undefined && !plausible(checked.watermark, receivedAt)) {
    const { watermark: _dropped, ...rest } = checked;
    checked = rest;
    clamped = true;
  }
  return { event: checked, clamped };
}
