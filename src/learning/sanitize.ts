/**
 * Text a member typed (a display name, a unit name) made safe to print on a certificate: one line of
 * NFC text without control or invisible format characters (bidi overrides, zero-width joiners),
 * without piles of combining marks, and at most `max` characters (graphemes) long. Escaping for
 * SVG is separate (`escapeXml`), at the moment the text goes into markup.
 */
export function cleanText(input: string, max: number): string {
  const text = input
    .slice(0, max * 8)
    .normalize('NFD')
    // Cc control, Cf format (bidi, zero-width), Co private use, Cn unassigned, Zl/Zp separators.
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, ' ')
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

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** Caps of what a certificate prints, in characters. */
export const CERTIFICATE_LIMITS = { name: 60, unit: 80, organisation: 90, contest: 120 } as const;
