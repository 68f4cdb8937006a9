import type { BotConfig } from '../content/index.js';
import { blankOptIn, type Models, type ParticipantOptIn } from '../db/index.js';
import type { InboundEvent } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import type { Effect, ReachContext } from './types.js';

/** The title Meta shows on the opt-in request when the bot's YAML names none. */
const DEFAULT_TITLE = { vi: 'Câu hỏi chuyển đổi số hằng ngày', en: 'Daily digital-transformation question' };

/** The engine's view of the bot's opt-in path. */
export function reachContext(bot: BotConfig, optInEnabled: ((bot: string) => boolean) | undefined): ReachContext {
  const mm = bot.channels.messenger?.marketingMessages;
  return { messengerOptIn: { enabled: Boolean(mm?.enabled) && (optInEnabled?.(bot.id) ?? false), title: mm?.title ?? DEFAULT_TITLE } };
}

/** The `$set` an opt-in effect of the engine makes (whole sub-document, so it works when there is none yet). */
export function optInEffect(
  current: ParticipantOptIn | null,
  effect: Extract<Effect, { type: 'optInRequested' | 'optInStopped' }>,
  now: Date,
): Record<string, unknown> {
  const o = { ...blankOptIn(), ...(current ?? {}) };
  if (effect.type === 'optInRequested') {
    // A request does not change an opt-in that is in force; otherwise the member is waiting to tap it.
    return { optIn: { ...o, title: effect.title, requestedAt: effect.at, status: o.status === 'active' ? 'active' : 'requested' } };
  }
  if (!current) return {};
  if (effect.stopped && current.status === 'active') return { optIn: { ...o, status: 'stopped', stoppedAt: now, stoppedBy: 'member' } };
  // "nhắc nhở" restores what "dừng" stopped: the member never told Meta to stop.
  if (!effect.stopped && current.status === 'stopped' && current.stoppedBy === 'member' && current.token) {
    return { optIn: { ...o, status: 'active', stoppedAt: null, stoppedBy: null } };
  }
  return {};
}

/**
 * A platform's opt-in event (Messenger `messaging_optins`): opted in (with the subscription token),
 * stopped or resumed at Meta's side. Only for someone the bot knows (Meta asks only people who
 * wrote); the token is a credential and is never logged.
 */
export async function applyOptInChange(models: Models, event: Extract<InboundEvent, { kind: 'optin' }>, logger: Logger): Promise<void> {
  const key = { bot: event.bot, channel: event.channel, userId: event.userId };
  const p = await models.Participant.findOne(key).select('optIn').lean<{ optIn: ParticipantOptIn | null }>();
  if (!p) {
    logger.warn({ bot: event.bot, channel: event.channel }, 'opt-in from someone the bot does not know: ignored');
    return;
  }
  const o = { ...blankOptIn(), ...(p.optIn ?? {}) };
  const c = event.optIn;
  let next: ParticipantOptIn;
  if (c.status === 'stopped') next = { ...o, status: 'stopped', stoppedAt: event.at, stoppedBy: 'platform', token: c.token ?? o.token };
  else {
    const token = c.token ?? o.token;
    if (!token) return; // a resume for a token we never had: nothing to send with
    next = {
      ...o,
      status: 'active',
      token,
      title: c.title ?? o.title,
      optedInAt: c.status === 'active' ? event.at : (o.optedInAt ?? event.at),
      stoppedAt: null,
      stoppedBy: null,
      expiresAt: c.expiresAt ?? (c.status === 'active' ? null : o.expiresAt),
      frequency: c.frequency ?? o.frequency,
      timezone: c.timezone ?? o.timezone,
    };
  }
  await models.Participant.updateOne(key, { $set: { optIn: next } });
  logger.info({ bot: event.bot, status: next.status }, 'Messenger opt-in changed');
}
