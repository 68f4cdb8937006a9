import { cleanMemberText } from '../domain/index.js';

/**
 * Text a member typed (a display name, a unit name) made safe to print on a certificate: the one
 * sanitiser of member text (`cleanMemberText`, src/domain). Escaping for SVG is separate
 * (`escapeXml`), at the moment the text goes into markup.
 */
export function cleanText(input: string, max: number): string {
  return cleanMemberText(input, max);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** Caps of what a certificate prints, in characters. */
export const CERTIFICATE_LIMITS = { name: 60, unit: 80, organisation: 90, contest: 120 } as const;
