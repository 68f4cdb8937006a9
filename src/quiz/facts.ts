import { DateTime } from 'luxon';
import type { Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';

/**
 * A fact of the fact base (content/facts/*.yaml, the format agreed for issue 15): what members may
 * be told, with the document it rests on. Loading and validating the files belongs to the content
 * room; these are the fields the quiz needs.
 */
export interface Localised {
  readonly vi: string;
  readonly en: string;
}

export interface FactDocument {
  readonly kind: Localised;
  /** "505/QĐ-TTg"; absent when the document has no number. */
  readonly number?: string | undefined;
  /** Issue date, YYYY-MM-DD. */
  readonly date?: string | undefined;
  readonly issuer?: Localised | undefined;
  readonly title?: Localised | undefined;
}

export interface Fact {
  /** FACTS.md id (N09), seed-NNN-slug or pub-slug: for reviewers, never shown to members. */
  readonly id: string;
  readonly statement: Localised;
  readonly document: FactDocument;
  readonly link?: string | undefined;
  readonly quote?: string | undefined;
  readonly quoteFrom?: string | undefined;
  /** A fact that says what replaced this one. */
  readonly replacedBy?: string | undefined;
  /** After this day the fact describes the past. */
  readonly validUntil?: string | undefined;
  /** Province-specific: only that province's bots (and `allProvinces` bots) use it. */
  readonly province?: string | undefined;
  readonly keywords?: { readonly vi?: readonly string[] | undefined; readonly en?: readonly string[] | undefined } | undefined;
}

/** A document's date as members read it: "22/4/2022" in Vietnamese, "22 April 2022" in English. */
export function documentDate(date: string, locale: Locale): string {
  const d = DateTime.fromISO(date, { zone: 'UTC' });
  if (!d.isValid) return date;
  return locale === 'en' ? d.setLocale('en').toFormat('d LLLL yyyy') : d.toFormat('d/M/yyyy');
}

/**
 * The document of a fact in words, the source line under an explanation or an answer:
 * "Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ" /
 * "Decision 505/QĐ-TTg of 22 April 2022 by the Prime Minister". Never the fact's id.
 */
export function citeFact(fact: Pick<Fact, 'document'>, locale: Locale, t: Translate): string {
  const d = fact.document;
  const parts = [d.number ? `${d.kind[locale]} ${d.number}` : d.kind[locale]];
  if (d.date) parts.push(t(locale, 'learning:source.date', { date: documentDate(d.date, locale) }));
  if (d.issuer) parts.push(t(locale, 'learning:source.issuer', { issuer: d.issuer[locale] }));
  if (!d.number && d.title) parts.push(d.title[locale]);
  return parts.join(' ');
}
