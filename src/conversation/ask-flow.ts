import { cleanMemberText } from '../domain/index.js';
import { MAX_QUESTION_CHARS, askAnswerText, askFacts, looksLikeQuestion } from '../quiz/index.js';
import { repeatWaiting } from './answering.js';
import type { Turn } from './turn.js';

/**
 * Hỏi đáp (issue 19 item 7): a member's question in their own words, answered from the fact base
 * with the fact's own statement and its document named. It is the last step before the fallback:
 * only text that no offered choice, waiting question, command or small talk took. Never during a
 * contest attempt or while today's question waits (the fact base must not answer a question that
 * counts); during practice it answers and then shows the waiting practice question again.
 */
export function isOwnQuestion(turn: Turn): boolean {
  const text = turn.input.text;
  return text !== null && turn.input.payload === null && turn.input.smallTalk === null && looksLikeQuestion(text.slice(0, MAX_QUESTION_CHARS));
}

export function ask(turn: Turn): void {
  const text = (turn.input.text ?? '').slice(0, MAX_QUESTION_CHARS);
  const result = turn.ctx.facts ? askFacts(turn.ctx.facts, text) : ({ kind: 'none', best: null } as const);
  const practising = turn.state?.pending?.mode === 'practice';
  if (result.kind === 'answer') {
    turn.say(askAnswerText(result, turn.locale, turn.ctx.t), practising ? undefined : turn.menu);
  } else {
    // Nobody could answer it: organisers see it (the text only, no participant) and can add a fact or keywords.
    const cleaned = cleanMemberText(text, MAX_QUESTION_CHARS);
    if (cleaned) turn.effect({ type: 'recordUnanswered', text: cleaned });
    turn.say(turn.ctx.t(turn.locale, practising ? 'learning:ask.noneWaiting' : 'learning:ask.none'), practising ? undefined : turn.menu);
  }
  if (practising && !repeatWaiting(turn)) {
    turn.patch({ pending: undefined });
    turn.say(turn.t('help.short'), turn.menu);
  }
}
