import { createHmac } from 'node:crypto';

/**
 * The order one member sees a question's options in: a Fisher–Yates shuffle seeded by a keyed hash
 * (HMAC-SHA-256) of the member and the question. The same member sees the same order every time the
 * question is shown (a pushed daily question, a re-display, a change of language); two members
 * mostly see different orders, so "the answer is B" cannot be passed around and the position of the
 * right answer cannot be learned. Without the key nobody can compute another member's order.
 *
 * Returns `order` with `order[shown] = option`: the option (its index in the content, its identity)
 * shown at each position.
 */
export function optionOrder(key: string, member: string, questionId: string, count: number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  if (count < 2) return order;
  const seed = createHmac('sha256', key).update(`options|${member}|${questionId}`).digest();
  for (let i = count - 1; i > 0; i--) {
    // Two bytes per step (count is small): the bias of the modulo is below 1/5000.
    const j = seed.readUInt16BE(((count - 1 - i) * 2) % (seed.length - 1)) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** The position an option is shown at (the inverse of `optionOrder`). */
export function shownAt(order: readonly number[], option: number): number {
  const at = order.indexOf(option);
  return at >= 0 ? at : option;
}

/**
 * A keyed hash of a member's platform identity (`participantKey`), for what is kept after they
 * delete their data: it names nobody, and without the key it cannot be linked to an account.
 */
export function memberHash(key: string, member: string): string {
  return createHmac('sha256', key).update(`member|${member}`).digest('base64url');
}
