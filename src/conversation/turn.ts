import { dayOf, participantKey, type Choice, type Locale, type OutboundMessage, type ParticipantRef } from '../domain/index.js';
import { optionOrder, pickDaily } from '../quiz/index.js';
import { commandChoice, menuChoices, textOf } from './messages.js';
import type { AnswerTarget, MatchContext, TurnInput } from './matcher.js';
import type { Command } from './payloads.js';
import type { DialogueState, Effect, EngineContext, QuizQuestion } from './types.js';

export type Phase = 'consent' | 'unit' | 'name' | 'ready';

/** Accumulates one turn's messages, effects and state; the facts it changes are seen by later steps. */
export class Turn {
  readonly messages: OutboundMessage[] = [];
  readonly effects: Effect[] = [];
  state: DialogueState | null;
  locale: Locale;
  consented: boolean;
  unitId: string | null;
  displayName: string | null;
  readonly today: string;
  input!: TurnInput;

  constructor(
    state: DialogueState,
    readonly ctx: EngineContext,
    /** The member's platform identity (`participantKey`). */
    readonly member: string,
    /** The seed of the option order they see (`orderSeat`): their own, or their group chat's. */
    readonly seat: string = member,
  ) {
    this.state = state;
    this.locale = ctx.participant.locale;
    this.consented = ctx.participant.consented;
    this.unitId = ctx.participant.unitId;
    this.displayName = ctx.participant.displayName;
    this.today = dayOf(ctx.now, ctx.timeZone);
  }

  t(key: string, vars?: Record<string, unknown>): string {
    return this.ctx.t(this.locale, `conversation:${key}`, vars);
  }

  /** A message; `image` (a question's or explanation's picture) is sent before its text. */
  say(text: string, choices?: readonly Choice[], image?: OutboundMessage['image']): void {
    this.messages.push({ text, ...(choices && choices.length > 0 ? { choices } : {}), ...(image ? { image } : {}) });
  }

  effect(e: Effect): void {
    this.effects.push(e);
  }

  patch(changes: Partial<DialogueState>): void {
    const next: Record<string, unknown> = { ...(this.state ?? {}), ...changes };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    this.state = next as DialogueState;
  }

  get phase(): Phase {
    if (!this.consented) return 'consent';
    if (!this.unitId) return 'unit';
    if (!this.displayName) return 'name';
    return 'ready';
  }

  get menu(): Choice[] {
    return menuChoices(this.ctx.t, this.locale, this.ctx.bot, this.today);
  }

  choice(command: Command): Choice {
    return commandChoice(this.ctx.t, this.locale, command);
  }

  question(id: string): QuizQuestion | undefined {
    return this.ctx.questions.find((q) => q.questionId === id);
  }

  /** The order this member sees a question's options in (`order[shown] = option`). */
  order(q: QuizQuestion): number[] {
    return optionOrder(this.ctx.memberKey, this.seat, q.questionId, q.vi.options.length);
  }

  /** Today's question was answered, by this membership or by one deleted today. */
  get answeredToday(): boolean {
    return this.ctx.participant.streak.lastDay === this.today || this.ctx.participant.carried.answeredDay === this.today;
  }
}

/**
 * Whose option order a member sees: their own, or in a group chat the group's. One post in a group
 * (the daily question's group path, issue #20) is read by every member, so they all answer in its order.
 */
export function orderSeat(ref: ParticipantRef): string {
  return ref.groupId ? [ref.channel, ref.bot, 'group', ref.groupId].join(':') : participantKey(ref);
}

/** A turn for an event: its member, and its input read by the one matcher against the state. */
export function startTurn(state: DialogueState, ctx: EngineContext, event: TurnInput['event'], read: (m: MatchContext) => TurnInput): Turn {
  const turn = new Turn(state, ctx, participantKey(event), orderSeat(event));
  turn.input = read({ state, now: ctx.now, waiting: () => waitingTarget(turn), pushed: () => pushedTarget(turn) });
  return turn;
}

function target(turn: Turn, q: QuizQuestion | undefined, fields: Omit<AnswerTarget, 'q' | 'order' | 'shown'>): AnswerTarget {
  if (!q) return { ...fields, q, order: [0, 1, 2, 3], shown: ['A', 'B', 'C', 'D'] };
  const order = turn.order(q);
  const options = textOf(q, turn.locale).options;
  return { ...fields, q, order, shown: order.map((i) => options[i] ?? '') };
}

/** The question a typed answer refers to: the current contest question, else the pending one. */
export function waitingTarget(turn: Turn): AnswerTarget | null {
  const attempt = turn.state?.contest;
  if (attempt) {
    const ref = attempt.questions[attempt.index];
    if (!ref) return null;
    return target(turn, turn.question(ref.questionId), { questionId: ref.questionId, revision: ref.revision, mode: 'contest', ref: attempt.attemptId });
  }
  const pending = turn.state?.pending;
  if (!pending) return null;
  return target(turn, turn.question(pending.questionId), { questionId: pending.questionId, revision: pending.revision, mode: pending.mode, ref: pending.day });
}

/** Today's question, for a bare answer to the pushed daily question; null once answered. */
function pushedTarget(turn: Turn): AnswerTarget | null {
  if (turn.answeredToday || !turn.consented) return null;
  const q = pickDaily(turn.ctx.bot.id, turn.today, turn.ctx.questions);
  return q ? target(turn, q, { questionId: q.questionId, revision: q.revision, mode: 'daily', ref: turn.today }) : null;
}
