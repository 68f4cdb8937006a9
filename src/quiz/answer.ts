import { MAX_MATCH_CHARS, fold, keyOf, typedKey } from '../domain/index.js';

export type ParsedAnswer =
  /** `index` is the position the option is shown at (A = 0), not its identity. */
  | { readonly kind: 'choice'; readonly index: number }
  /** Looks like an answer but does not name exactly one option: ask again. */
  | { readonly kind: 'ambiguous' }
  /** Not an answer at all (a command, a greeting...). */
  | { readonly kind: 'none' };

const LETTERS = 'abcdefgh';
const PREFIXES = ['dap an', 'phuong an', 'chon', 'toi chon', 'answer', 'option', 'my answer is', 'la'];

/** The position a lone letter or digit names, or -1. */
function letterIndex(token: string): number {
  if (token.length !== 1) return -1;
  const letter = LETTERS.indexOf(token);
  if (letter >= 0) return letter;
  return token >= '1' && token <= '9' ? Number(token) - 1 : -1;
}

/** The folded text without a leading "đáp án", "chọn"...: word comparisons only, no regular expression. */
function withoutPrefix(folded: string): { bare: string; prefixed: boolean } {
  for (const p of PREFIXES) {
    if (folded === p) return { bare: '', prefixed: true };
    if (folded.startsWith(`${p} `)) return { bare: folded.slice(p.length + 1), prefixed: true };
  }
  return { bare: folded, prefixed: false };
}

/**
 * Reads an answer typed in chat against the options in the order they were shown: "B", "b", "2",
 * "đáp án B", "Đáp án: b." or the option's own text. Text typed with diacritics must match the
 * option with them ("Đúng" is not "Dừng"); text typed without is compared folded. A unique part of
 * an option's text (4 characters or more) is enough. Letters and numbers beyond the options ("E",
 * "5"), two letters ("A hoặc B") or a part that fits several options are ambiguous. Linear in the
 * input, of which at most MAX_MATCH_CHARS characters are read.
 */
export function parseAnswer(text: string, options: readonly string[]): ParsedAnswer {
  const capped = text.slice(0, MAX_MATCH_CHARS);
  const folded = fold(capped);
  if (!folded) return { kind: 'none' };
  const { bare, prefixed } = withoutPrefix(folded);
  if (!bare) return { kind: 'ambiguous' };
  if (bare.length === 1) {
    const index = letterIndex(bare);
    if (index >= 0 && index < options.length) return { kind: 'choice', index };
    return bare > 'h' && bare <= 'z' ? { kind: 'none' } : { kind: 'ambiguous' };
  }
  const byText = optionByText(capped, options, folded.split(' ').length - bare.split(' ').length);
  if (byText) return byText;
  const tokens = bare.split(' ');
  const letterTokens = tokens.filter((tok) => tok.length === 1 && letterIndex(tok) >= 0 && letterIndex(tok) < 4);
  if (prefixed || (letterTokens.length >= 2 && tokens.length <= 4)) return { kind: 'ambiguous' };
  return { kind: 'none' };
}

/** The option whose text the member typed (whole, or a unique part of 4+ characters), by the diacritics rule. */
function optionByText(text: string, options: readonly string[], prefixWords: number): ParsedAnswer | null {
  const typed = typedKey(text);
  const prefixedTyped = typed.key.split(' ').slice(prefixWords).join(' ') || typed.key;
  const keys = options.map((o) => keyOf(o, typed.toned));
  for (const candidate of [typed.key, prefixedTyped]) {
    const exact = keys.indexOf(candidate);
    if (exact >= 0) return { kind: 'choice', index: exact };
  }
  if (prefixedTyped.length >= 4) {
    const containing = keys.flatMap((o, i) => (o.includes(prefixedTyped) ? [i] : []));
    if (containing.length === 1) return { kind: 'choice', index: containing[0]! };
    if (containing.length > 1) return { kind: 'ambiguous' };
  }
  return null;
}

/** The option whose whole text the member typed, by the diacritics rule; -1 if none. No letters, no parts. */
export function exactOption(text: string, options: readonly string[]): number {
  const typed = typedKey(text);
  return typed.key ? options.map((o) => keyOf(o, typed.toned)).indexOf(typed.key) : -1;
}

/** "A".."D" for a 0-based position. */
export function letterOf(index: number): string {
  return String.fromCharCode(65 + index);
}
