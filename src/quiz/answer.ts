import { fold } from '../domain/index.js';

export type ParsedAnswer =
  | { readonly kind: 'choice'; readonly index: number }
  /** Looks like an answer but does not name exactly one option: ask again. */
  | { readonly kind: 'ambiguous' }
  /** Not an answer at all (a command, a greeting...). */
  | { readonly kind: 'none' };

const LETTERS = ['a', 'b', 'c', 'd'] as const;
const PREFIX = /^(?:dap an|phuong an|chon|toi chon|answer|option|my answer is|la)(?:\s+|$)/;

function letterIndex(token: string): number {
  const letter = LETTERS.indexOf(token as (typeof LETTERS)[number]);
  if (letter >= 0) return letter;
  if (/^[1-9]$/.test(token)) return Number(token) - 1;
  return -1;
}

/**
 * Reads an answer typed in chat: "B", "b", "2", "đáp án B", "Đáp án: b." or the option's own text
 * (diacritics and case ignored). Letters and numbers beyond the options ("E", "5"), two letters
 * ("A hoặc B") or a piece of text that fits several options are ambiguous.
 */
export function parseAnswer(text: string, options: readonly string[]): ParsedAnswer {
  const folded = fold(text);
  if (!folded) return { kind: 'none' };
  const bare = folded.replace(PREFIX, '');
  if (!bare) return { kind: 'ambiguous' };
  if (/^[a-z0-9]$/.test(bare)) {
    const index = letterIndex(bare);
    if (index >= 0 && index < options.length) return { kind: 'choice', index };
    return /^[a-z]$/.test(bare) && bare > 'h' ? { kind: 'none' } : { kind: 'ambiguous' };
  }
  const foldedOptions = options.map(fold);
  const exact = foldedOptions.findIndex((o) => o === bare);
  if (exact >= 0) return { kind: 'choice', index: exact };
  if (bare.length >= 4) {
    const containing = foldedOptions.flatMap((o, i) => (o.includes(bare) ? [i] : []));
    if (containing.length === 1) return { kind: 'choice', index: containing[0]! };
    if (containing.length > 1) return { kind: 'ambiguous' };
  }
  const tokens = bare.split(' ');
  const letterTokens = tokens.filter((tok) => letterIndex(tok) >= 0 && tok.length === 1 && /[a-d1-4]/.test(tok));
  if (PREFIX.test(folded) || (letterTokens.length >= 2 && tokens.length <= 4)) return { kind: 'ambiguous' };
  return { kind: 'none' };
}

/** "A".."D" for a 0-based option index. */
export function letterOf(index: number): string {
  return String.fromCharCode(65 + index);
}
