import { questionMessage } from './messages.js';
import type { Turn } from './turn.js';
import type { QuizQuestion } from './types.js';

/** Shows a question in the member's own option order, its picture first. */
export function showQuestion(turn: Turn, q: QuizQuestion, header: string, mode: 'daily' | 'practice' | 'contest', ref: string): void {
  const msg = questionMessage(turn.ctx.t, turn.locale, q, header, mode, ref, turn.order(q));
  turn.say(msg.text, msg.choices, msg.image);
}
