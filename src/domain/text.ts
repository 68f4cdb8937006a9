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
