import type { Choice, InboundEvent } from '../domain/index.js';
import { streakNoticeText } from '../quiz/index.js';
import type { Turn } from './turn.js';

/**
 * The member's side of the weekly recap (issue 19 item 4) and of a streak freeze the daily job
 * applied (item 3): "Dừng tổng kết" / "Nhận tổng kết", the recap's line in "Điểm của tôi" and "Tin tôi
 * nhận", and the freeze notice told at the member's next message. Pure: handlers add messages and effects.
 */

/** "Dừng tổng kết": no more weekly recaps; everything else (reminders, the daily question) is unchanged. */
export function recapOff(turn: Turn): void {
  if (turn.ctx.participant.known) turn.effect({ type: 'setRecap', recap: false });
  turn.say(turn.t('recap.off'), [turn.choice('recap_on'), turn.choice('help')]);
}

/** "Nhận tổng kết": the recap again; it goes only to members who receive reminders, so say so when they do not. */
export function recapOn(turn: Turn): void {
  turn.effect({ type: 'setRecap', recap: true });
  if (!turn.ctx.participant.subscribed) return void turn.say(turn.t('recap.onButStopped'), [turn.choice('remind_on'), turn.choice('help')]);
  turn.say(turn.t('recap.on'), turn.phase === 'ready' ? turn.menu : [turn.choice('help')]);
}

/** The recap's line in "Điểm của tôi" and "Tin tôi nhận". */
export function recapStatusLine(turn: Pick<Turn, 'ctx' | 't'>): string {
  return turn.t(turn.ctx.participant.recap === false ? 'recap.statusOff' : 'recap.statusOn');
}

/** The button that turns the recap the other way. */
export function recapToggle(turn: Pick<Turn, 'ctx' | 'choice'>): Choice {
  return turn.choice(turn.ctx.participant.recap === false ? 'recap_on' : 'recap_off');
}

/** A message from the member (not a receipt, an opt-in change or leaving). */
const MEMBER_MESSAGES = new Set<InboundEvent['kind']>(['text', 'choice', 'start', 'follow', 'unsupported']);

/**
 * Days the daily job covered with a freeze while the member could not be told (outside the platform's
 * window, or not receiving the daily question): said once, first, at their next message.
 */
export function tellFrozenDays(turn: Turn): void {
  const days = turn.ctx.participant.freezeNotice ?? [];
  if (days.length === 0 || turn.state === null || !MEMBER_MESSAGES.has(turn.input.event.kind)) return;
  const text = streakNoticeText({ used: [...days].sort() }, turn.ctx.t, turn.locale);
  if (!text) return;
  turn.messages.unshift({ text });
  turn.effect({ type: 'freezeNoticeTold', days: [...days] });
}
