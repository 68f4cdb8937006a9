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
