import { hash32 } from './hash.js';

/** Days until a question in box 1..5 comes back after a right answer. */
export const LEITNER_INTERVAL_DAYS = [1, 2, 4, 8, 16] as const;
export const LEITNER_BOXES = LEITNER_INTERVAL_DAYS.length;
/** A wrong answer comes back in the same session, after this many minutes. */
export const LEITNER_RETRY_MINUTES = 10;

export interface LeitnerCard {
  /** 1..5. */
  readonly box: number;
  /** ISO instant when the question is due again. */
  readonly due: string;
}

/** Practice memory of one participant: question id → card. Unseen questions have no card. */
export type LeitnerDeck = Readonly<Record<string, LeitnerCard>>;

/** Moves a card after an answer: wrong → box 1, due soon; right → next box, due later. */
export function reviewCard(card: LeitnerCard | undefined, correct: boolean, now: Date): LeitnerCard {
  if (!correct) return { box: 1, due: new Date(now.getTime() + LEITNER_RETRY_MINUTES * 60_000).toISOString() };
  const box = Math.min((card?.box ?? 0) + 1, LEITNER_BOXES);
  const days = LEITNER_INTERVAL_DAYS[box - 1]!;
  return { box, due: new Date(now.getTime() + days * 86_400_000).toISOString() };
}

/**
 * The next practice question: first the due questions from the lowest box (the ones answered wrong
 * come back soonest), then questions never seen (in a fixed order per participant), then, when
 * everything is learned for now, the one due earliest. Never the question just asked, unless it is
 * the only one.
 */
export function pickPractice<Q extends { readonly questionId: string }>(
  deck: LeitnerDeck,
  questions: readonly Q[],
  now: Date,
  seed: string,
  lastQuestionId?: string,
): Q | null {
  const pool = questions.length > 1 ? questions.filter((q) => q.questionId !== lastQuestionId) : [...questions];
  if (pool.length === 0) return null;
  const nowIso = now.toISOString();
  const seen = pool.filter((q) => deck[q.questionId]);
  const due = seen
    .filter((q) => deck[q.questionId]!.due <= nowIso)
    .sort((a, b) => deck[a.questionId]!.box - deck[b.questionId]!.box || cmp(deck[a.questionId]!.due, deck[b.questionId]!.due));
  if (due[0]) return due[0];
  let best: { q: Q; h: number } | null = null;
  for (const q of pool) {
    if (deck[q.questionId]) continue;
    const h = hash32(`${seed}|${q.questionId}`);
    if (!best || h < best.h || (h === best.h && q.questionId < best.q.questionId)) best = { q, h };
  }
  if (best) return best.q;
  return seen.sort((a, b) => cmp(deck[a.questionId]!.due, deck[b.questionId]!.due))[0] ?? null;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
