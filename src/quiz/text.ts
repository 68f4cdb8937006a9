/**
 * Folds text for matching what people type: lower case, no Vietnamese diacritics (đ → d),
 * punctuation turned into spaces, whitespace collapsed. "Câu hỏi HÔM NAY!" → "cau hoi hom nay".
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
