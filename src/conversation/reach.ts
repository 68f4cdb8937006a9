import { unitGroup } from '../content/index.js';
import type { Choice, InboundEvent, Locale, OutboundMessage } from '../domain/index.js';
import { commandChoice, localized } from './messages.js';
import { payload } from './payloads.js';
import type { Effect, EngineContext } from './types.js';

/**
 * The member's side of reach (issue #20 item 2), kept apart from the dialogue engine: asking for
 * Messenger's opt-in to messages outside 24 hours, "what I receive" (see and change), signing up for
 * an event's reminders. Pure: the handlers read the turn and add messages and effects.
 */

/** What these handlers use of the engine's turn (the engine's `Turn` has all of it). */
export interface ReachTurn {
  readonly ctx: EngineContext;
  readonly input: { readonly event: InboundEvent; readonly payload: { readonly kind: string; readonly eventKey?: string } | null };
  readonly locale: Locale;
  readonly unitId: string | null;
  readonly messages: OutboundMessage[];
  t(key: string, vars?: Record<string, unknown>): string;
  say(text: string, choices?: readonly Choice[]): void;
  effect(e: Effect): void;
}

/** Meta: one opt-in request per person and title per week (docs/reach.md §1.3). */
export const OPT_IN_ASK_INTERVAL_MS = 7 * 86_400_000;

/**
 * Whether the member may be asked now: on Messenger, the bot's marketing messages configured, the
 * member receiving reminders, not already opted in, not asked in the last week. A member who stopped
 * at Meta's side is asked only when they turn reminders on (`afterStop`).
 */
export function canAskOptIn(turn: ReachTurn, opts: { subscribed: boolean; afterStop?: boolean }): boolean {
  const { ctx } = turn;
  if (turn.input.event.channel !== 'messenger' || !ctx.reach?.messengerOptIn.enabled || !opts.subscribed) return false;
  const o = ctx.participant.optIn;
  if (o?.status === 'active') return false;
  // Stopped by "dừng": "nhắc nhở" restores it. Stopped at Meta's side: asked again only when reminders are turned on.
  if (o?.status === 'stopped' && (o.stoppedBy === 'member' || !opts.afterStop)) return false;
  return !o?.requestedAt || ctx.now.getTime() - o.requestedAt.getTime() >= OPT_IN_ASK_INTERVAL_MS;
}

/**
 * Meta's opt-in request, as one more message of this turn (the reply is inside the window, where Meta
 * allows it): the text says why, the card's "Get updates" button opts in.
 */
export function askOptIn(turn: ReachTurn): void {
  const title = localized(turn.ctx.reach!.messengerOptIn.title, turn.locale);
  turn.messages.push({ text: turn.t('reach.ask'), optInRequest: { title, payload: 'OPTIN' } });
  turn.effect({ type: 'optInRequested', title, at: turn.ctx.now });
}

/** Asks when the member may be asked (end of onboarding, reminders turned on). */
export function offerOptIn(turn: ReachTurn, opts: { subscribed: boolean; afterStop?: boolean }): void {
  if (canAskOptIn(turn, opts)) askOptIn(turn);
}

/** The "receive messages after 24 hours" button. */
export function optInAsked(turn: ReachTurn): void {
  if (canAskOptIn(turn, { subscribed: turn.ctx.participant.subscribed, afterStop: true })) return askOptIn(turn);
  turn.say(reachLines(turn).join('\n'), reachChoices(turn));
}

/** "What I receive": each path that can reach the member, in words, with buttons to change it. */
export function reachShow(turn: ReachTurn): void {
  turn.say(reachLines(turn).join('\n'), reachChoices(turn));
}

function reachLines(turn: ReachTurn): string[] {
  const { participant, bot, reach } = turn.ctx;
  const lines = [turn.t(participant.subscribed ? 'reach.view.on' : 'reach.view.off')];
  if (!participant.subscribed) return lines;
  const channel = turn.input.event.channel;
  if (channel === 'messenger') {
    if (!reach?.messengerOptIn.enabled) lines.push(turn.t('reach.view.messengerWindow'));
    else lines.push(turn.t(participant.optIn?.status === 'active' ? 'reach.view.optInActive' : 'reach.view.optInNone'));
  }
  if (channel === 'zalo_oa') lines.push(turn.t(participant.oaFollower === false ? 'reach.view.oaNotFollower' : 'reach.view.oaFollower'));
  if (channel !== 'zalo_personal' && unitGroup(bot, turn.unitId)) lines.push(turn.t('reach.view.group'));
  const events = participant.eventSignups?.length ?? 0;
  if (events > 0) lines.push(turn.t('reach.view.events', { count: events }));
  lines.push(turn.t(participant.recap === false ? 'recap.statusOff' : 'recap.statusOn'));
  return lines;
}

function reachChoices(turn: ReachTurn): Choice[] {
  const { ctx } = turn;
  const subscribed = ctx.participant.subscribed;
  return [
    ...(canAskOptIn(turn, { subscribed, afterStop: true }) ? [{ title: turn.t('reach.askButton'), payload: payload.optInAsk() }] : []),
    commandChoice(ctx.t, turn.locale, subscribed ? 'remind_off' : 'remind_on'),
    // The weekly recap goes only to members who receive reminders: its switch is shown with them.
    ...(subscribed ? [commandChoice(ctx.t, turn.locale, ctx.participant.recap === false ? 'recap_on' : 'recap_off')] : []),
    commandChoice(ctx.t, turn.locale, 'help'),
  ];
}

/** "Remind me" on a campaign reminder: updates of that event may then reach the member after 24 hours. */
export function eventSignedUp(turn: ReachTurn): void {
  const key = turn.input.payload?.eventKey;
  if (!key) return;
  turn.effect({ type: 'signUpEvent', eventKey: key });
  turn.say(turn.t('reach.eventSignedUp'), [commandChoice(turn.ctx.t, turn.locale, 'help')]);
}
