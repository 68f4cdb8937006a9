import type { Locale } from '../domain/index.js';
import type { Fact, FactDocument } from './schema.js';

/**
 * What members read as a question's source: the documents of its facts in words, never fact ids.
 * "Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ về Ngày Chuyển đổi số quốc gia".
 */

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A date the way Vietnamese documents write it: a day below 10 and the months January and
 * February get a leading zero (03/6/2020, 28/01/2022, 22/4/2022). English: "22 April 2022".
 */
export function documentDate(iso: string, locale: Locale): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  if (locale === 'en') return `${d} ${MONTHS_EN[m - 1]} ${y}`;
  const day = String(d).padStart(2, '0');
  const month = m <= 2 ? String(m).padStart(2, '0') : String(m);
  return `${day}/${month}/${y}`;
}

/** One document in words: kind and number, date, issuer, title. */
export function documentInWords(doc: FactDocument, locale: Locale): string {
  const parts = [doc.kind[locale]];
  if (doc.number) parts.push(doc.number);
  if (doc.date) parts.push(locale === 'en' ? `of ${documentDate(doc.date, 'en')}` : `ngày ${documentDate(doc.date, 'vi')}`);
  if (doc.issuer) parts.push(locale === 'en' ? `by ${lowerArticle(doc.issuer.en)}` : `của ${doc.issuer.vi}`);
  const head = parts.join(' ');
  if (!doc.title) return head;
  return locale === 'en' ? `${head}, ${doc.title.en}` : `${head} ${doc.title.vi}`;
}

/** "The Prime Minister" reads "by the Prime Minister" inside a sentence. */
function lowerArticle(text: string): string {
  return text.replace(/^The /, 'the ');
}

/**
 * The source line of a question: each cited fact's document once (in the order cited), with the
 * link of the page behind it when the fact has one, joined by "; ". Unknown ids are skipped.
 */
export function sourceLine(factIds: readonly string[], facts: ReadonlyMap<string, Fact> | readonly Fact[], locale: Locale): string {
  const byId = facts instanceof Map ? facts : new Map((facts as readonly Fact[]).map((f) => [f.id, f]));
  // Two facts of one document are one source, shown with the first link either of them has.
  const documents = new Map<string, string | undefined>();
  for (const id of factIds) {
    const fact = byId.get(id);
    if (!fact) continue;
    const words = documentInWords(fact.document, locale);
    documents.set(words, documents.get(words) ?? fact.link);
  }
  return [...documents].map(([words, link]) => (link ? `${words} (${link})` : words)).join('; ');
}
