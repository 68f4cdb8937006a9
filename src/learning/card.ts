import type { Certificate } from '../db/index.js';
import type { Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { documentDate, formatCode } from '../quiz/index.js';
import { CERTIFICATE_LIMITS, cleanText, escapeXml } from './sanitize.js';

/** What a certificate card shows: the stored certificate's printed fields. */
export type CertificateCard = Pick<Certificate, 'kind' | 'code' | 'locale' | 'organisation' | 'name' | 'unit' | 'day' | 'contest' | 'streak'>;

export const CARD_WIDTH = 1200;
export const CARD_HEIGHT = 800;
/** Text stays between these x positions (inside the inner frame). */
export const TEXT_LEFT = 110;
export const TEXT_RIGHT = CARD_WIDTH - TEXT_LEFT;
export const FONT_FAMILY = 'Be Vietnam Pro';

const NAVY = '#1F3A68';
const GOLD = '#B8902F';
const RED = '#A61B1B';
const INK = '#2B2B2B';
const GREY = '#5C5C5C';

/**
 * Advance widths of Be Vietnam Pro (regular, bold) in hundredths of an em, measured by rendering
 * each character with resvg: enough to choose a font size and break lines so text stays inside the
 * frame (tests/unit/learning/certificates.test.ts checks the margins of cards with the widest text).
 * A letter with Vietnamese marks takes its base letter's width (a horn adds a little); anything
 * else counts as wide.
 */
const GLYPHS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,:;-–/()“”"\'&·…';
const REGULAR = [
  68, 39, 65, 66, 71, 66, 68, 60, 63, 68, 64, 65, 61, 65, 59, 38, 62, 58, 26, 30, 56, 26, 89, 57, 64, 65, 65, 39, 51, 42, 57, 60, 90, 56, 58, 50, 74, 67, 78,
  73, 62, 63, 78, 71, 26, 47, 68, 62, 85, 73, 83, 64, 82, 67, 64, 65, 73, 73, 102, 72, 67, 66, 23, 27, 28, 29, 30, 61, 68, 38, 44, 44, 37, 41, 32, 18, 74, 26,
  73,
];
const BOLD = [
  70, 43, 66, 68, 72, 68, 70, 62, 67, 70, 66, 66, 62, 66, 61, 39, 65, 61, 30, 31, 60, 29, 90, 60, 65, 66, 67, 43, 53, 43, 59, 63, 92, 61, 60, 52, 77, 71, 78,
  75, 64, 64, 79, 73, 29, 49, 72, 64, 89, 75, 83, 68, 83, 71, 68, 69, 74, 76, 107, 77, 72, 67, 23, 30, 32, 34, 35, 61, 70, 41, 45, 45, 44, 46, 39, 22, 76, 31,
  86,
];
const HORN = /[ơưƠƯ]/u;

function charWidth(ch: string, bold: boolean): number {
  const base = ch.normalize('NFD')[0] ?? ch;
  const stroked = base === 'đ' || base === 'Đ';
  const i = GLYPHS.indexOf(stroked ? (base === 'đ' ? 'd' : 'D') : base);
  const width = i < 0 ? 90 : (bold ? BOLD : REGULAR)[i]!;
  return (width + (HORN.test(ch) ? 8 : 0) + (stroked ? 4 : 0)) / 100;
}

export function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text.normalize('NFC')) em += charWidth(ch, bold);
  // A little room for kerning and rounding.
  return em * size * 1.02;
}

/** The largest size up to `max` (not below `min`) at which the text fits `width`. */
export function fitSize(text: string, width: number, max: number, min: number, bold = false): number {
  const atOne = textWidth(text, 1, bold);
  return Math.max(min, Math.min(max, Math.floor(width / Math.max(atOne, 0.001))));
}

/** Breaks text into at most `lines` lines of `width`; what does not fit ends in "…". */
export function wrap(text: string, width: number, size: number, lines: number, bold = false): string[] {
  const out: string[] = [];
  let line = '';
  const words = text.split(' ');
  for (let i = 0; i < words.length; i++) {
    const next = line ? `${line} ${words[i]}` : words[i]!;
    if (textWidth(next, size, bold) <= width || !line) {
      line = next;
      continue;
    }
    out.push(line);
    line = words[i]!;
    if (out.length === lines - 1) {
      line = words.slice(i).join(' ');
      break;
    }
  }
  if (line) out.push(line);
  const last = out.length - 1;
  if (textWidth(out[last]!, size, bold) > width) {
    let cut = out[last]!;
    while (cut.length > 1 && textWidth(`${cut}…`, size, bold) > width) cut = cut.slice(0, -1);
    out[last] = `${cut.trimEnd()}…`;
  }
  return out;
}

interface TextOptions {
  readonly size: number;
  readonly y: number;
  readonly x?: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  readonly bold?: boolean;
  readonly fill?: string;
  readonly spacing?: number;
}

function text(content: string, o: TextOptions): string {
  const attrs = [
    `x="${o.x ?? CARD_WIDTH / 2}"`,
    `y="${o.y}"`,
    `font-family="${FONT_FAMILY}"`,
    `font-size="${o.size}"`,
    `font-weight="${o.bold ? 700 : 400}"`,
    `fill="${o.fill ?? INK}"`,
    `text-anchor="${o.anchor ?? 'middle'}"`,
    ...(o.spacing ? [`letter-spacing="${o.spacing}"`] : []),
  ];
  return `<text ${attrs.join(' ')}>${escapeXml(content)}</text>`;
}

/**
 * The card as SVG, in the certificate's language. Every text that came from a member or an
 * organiser is cleaned and capped again here and XML-escaped, so a name like `</text><script>`
 * prints as those characters and nothing else.
 */
export function certificateSvg(card: CertificateCard, t: Translate, verifyUrl?: string): string {
  const locale: Locale = card.locale;
  const k = (key: string, vars?: Record<string, unknown>) => t(locale, `learning:certificate.${key}`, vars);
  const width = TEXT_RIGHT - TEXT_LEFT;
  const name = cleanText(card.name, CERTIFICATE_LIMITS.name) || '—';
  const unit = card.unit ? cleanText(card.unit, CERTIFICATE_LIMITS.unit) : '';
  const organisation = cleanText(card.organisation, CERTIFICATE_LIMITS.organisation);
  const parts: string[] = [];

  parts.push(
    `<rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="#FFFDF6"/>`,
    `<rect x="20" y="20" width="${CARD_WIDTH - 40}" height="${CARD_HEIGHT - 40}" fill="none" stroke="${NAVY}" stroke-width="10"/>`,
    `<rect x="40" y="40" width="${CARD_WIDTH - 80}" height="${CARD_HEIGHT - 80}" fill="none" stroke="${GOLD}" stroke-width="2"/>`,
  );
  for (const [i, line] of wrap(organisation, width, 24, 1).entries()) parts.push(text(line, { size: 24, y: 100 + i * 30, fill: NAVY }));
  parts.push(text(k('title'), { size: 64, y: 185, bold: true, fill: NAVY, spacing: 6 }));
  parts.push(text(k(card.kind === 'contest' ? 'contestTitle' : 'streakTitle'), { size: 28, y: 232, bold: true, fill: GOLD, spacing: 3 }));
  parts.push(text(k('awardedTo'), { size: 24, y: 300, fill: GREY }));
  const nameSize = fitSize(name, width, 60, 30, true);
  for (const [i, line] of wrap(name, width, nameSize, 2, true).entries())
    parts.push(text(line, { size: nameSize, y: 372 + i * (nameSize + 6), bold: true, fill: RED }));
  let y = 372 + (name && wrap(name, width, nameSize, 2, true).length > 1 ? nameSize + 6 : 0);
  if (unit) {
    const unitSize = fitSize(unit, width, 28, 20);
    y += 52;
    for (const [i, line] of wrap(unit, width, unitSize, 2).entries()) parts.push(text(line, { size: unitSize, y: y + i * (unitSize + 6) }));
    y += wrap(unit, width, unitSize, 2).length > 1 ? unitSize + 6 : 0;
  }
  y += 78;
  if (card.kind === 'contest' && card.contest) {
    const c = card.contest;
    const score = k('contestScore', { correct: c.correct, total: c.questionCount });
    const rank = c.rank !== null && c.of !== null ? ` · ${k('contestRank', { rank: c.rank, of: c.of })}` : '';
    parts.push(text(`${score}${rank}`, { size: 34, y, bold: true, fill: NAVY }));
    const contest = k('contestIn', { contest: cleanText(c.name, CERTIFICATE_LIMITS.contest) });
    for (const [i, line] of wrap(contest, width, 26, 2).entries()) parts.push(text(line, { size: 26, y: y + 46 + i * 34 }));
  } else if (card.streak) {
    parts.push(text(k('streakDays', { count: card.streak.days }), { size: 44, y: y + 6, bold: true, fill: NAVY }));
    for (const [i, line] of wrap(k('streakWhat'), width, 26, 2).entries()) parts.push(text(line, { size: 26, y: y + 52 + i * 34 }));
  }
  parts.push(text(k('date', { date: documentDate(card.day, locale) }), { size: 22, y: 712, x: 80, anchor: 'start', fill: GREY }));
  parts.push(text(k('code', { code: formatCode(card.code) }), { size: 22, y: 712, x: CARD_WIDTH - 80, anchor: 'end', bold: true, fill: NAVY }));
  if (verifyUrl) parts.push(text(k('verifyAt', { url: verifyUrl }), { size: 18, y: 746, fill: GREY }));

  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}">${parts.join('')}</svg>`;
}
