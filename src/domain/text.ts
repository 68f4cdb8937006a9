/**
 * Folds text for comparing what people type and what content says: lower case, no diacritics
 * (đ → d), punctuation turned into spaces, whitespace collapsed.
 * "Câu hỏi HÔM NAY!" → "cau hoi hom nay"; "Ngày Chuyển đổi số?" and "ngay chuyen doi so" match.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Lower case, composed (NFC), whitespace collapsed: text compared with its diacritics. */
const exact = (text: string) => text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Whether `text` contains every word of a search `query`, for organisers' search boxes. A word typed
 * without diacritics matches with or without them ("chuyen doi" finds "Chuyển đổi"); a word typed
 * with them must match them ("đúng" does not find "dừng").
 */
export function matchesSearch(text: string, query: string): boolean {
  const words = exact(query).split(' ').filter(Boolean);
  if (words.length === 0) return true;
  const plain = fold(text);
  const marked = exact(text);
  return words.every((w) => (fold(w) === w ? plain.includes(w) : marked.includes(w)));
}

/**
 * The most a text matcher reads of what a member typed. Commands, answers and button titles are
 * short; a longer text is cut here before any matching, so every matcher's work is bounded.
 */
export const MAX_MATCH_CHARS = 200;

/** True when the text carries a Vietnamese diacritic (a combining mark after NFD, or đ/Đ). */
export function hasDiacritics(text: string): boolean {
  return /[\p{M}đĐ]/u.test(text.slice(0, MAX_MATCH_CHARS).normalize('NFD'));
}

/** Lower case, NFC, punctuation turned into spaces, whitespace collapsed; diacritics kept. */
export function toneKey(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The key a typed text is compared by, capped at MAX_MATCH_CHARS: with its diacritics when the
 * member typed any ("đúng" stays "đúng", never "dung"), folded when they typed none ("dung").
 * Compare it with `keyOf(candidate, typedKey.toned)`.
 */
export function typedKey(text: string): { readonly key: string; readonly toned: boolean } {
  const capped = text.slice(0, MAX_MATCH_CHARS);
  const toned = hasDiacritics(capped);
  return { key: toned ? toneKey(capped) : fold(capped), toned };
}

/** A candidate (keyword, button title, option text) keyed the way a typed text was. */
export function keyOf(candidate: string, toned: boolean): string {
  return toned ? toneKey(candidate) : fold(candidate);
}

/**
 * True when what the member typed is the candidate: "Đúng" is "đúng" and never "dừng"; "dung",
 * typed without diacritics, is either.
 */
export function sameWords(typed: string, candidate: string): boolean {
  const t = typedKey(typed);
  return t.key !== '' && t.key === keyOf(candidate, t.toned);
}

/**
 * Text a member names something with (a display name, a unit search, a question for the organisers)
 * made safe to store, show and export: NFC, one line, no control characters, no invisible format
 * characters (bidi overrides, zero-width), no private-use, unassigned or non-characters (U+FFFF
 * makes a spreadsheet unreadable), no lone surrogates, no piles of combining marks, whitespace
 * collapsed, at most `max` characters (graphemes; a cut ends with "…"). Linear in the input.
 */
export function cleanMemberText(input: string, max: number): string {
  const text = input
    .slice(0, max * 8)
    .normalize('NFD')
    // Cc control, Cf format, Co private use, Cn unassigned and non-characters, Cs lone surrogates, Zl/Zp separators.
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}]/gu, ' ')
    // A Vietnamese letter carries at most two marks (vowel and tone): more is "zalgo" text.
    .replace(/(\p{M}{2})\p{M}+/gu, '$1')
    .normalize('NFC')
    .replace(/\s+/gu, ' ')
    .trim();
  const graphemes = [...new Intl.Segmenter('vi', { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  return graphemes.length <= max
    ? text
    : `${graphemes
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}
