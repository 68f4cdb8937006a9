import { fold, type Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { citeFact, type Fact } from './facts.js';

/** Vietnamese tone marks (grave, acute, tilde, hook above, dot below) in NFD. */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * Hỏi đáp: a member's own question answered from the fact base, never from generated text.
 *
 * A small full-text index over each fact's statement (vi and en), keywords and document (kind,
 * number, title, issuer). Vietnamese words are syllables separated by spaces, so the terms are:
 *  - folded syllables ("ngay", "chuyen"): what a syllable typed without marks matches;
 *  - exact syllables ("ngày"): a syllable typed with marks matches only the same marks, since
 *    diacritics carry meaning ("giáo" is not "giao"); tone placement is normalised ("hoà" = "hòa");
 *  - folded pairs of neighbouring syllables ("chuyen doi"): Vietnamese words are mostly two syllables;
 *  - whole keyword phrases of a fact found in the question.
 * Facts are ranked with BM25. The best one is given only when it covers enough of the question
 * (`goodEnough`): the share of the question's content words, weighted by rarity, and of its word
 * pairs. Unknown words weigh the most, so a question about something the base does not know
 * ("giá vàng hôm nay") falls under the threshold and gets no answer.
 */

/**
 * Question and function words that say nothing about which fact is meant, with their marks: a
 * word typed with marks is a stopword only in its own spelling ("mà" is, "mã" is not); a word typed
 * without marks is compared folded ("ma" could be either, so it is dropped).
 */
const VI_STOPWORDS =
  'là gì nào khi bao nhiêu có không của được và các những một này đó thì mà ở ai sao thế như về với cho trong từ đến hay hoặc nhé à hả ơi vậy ' +
  'bạn tôi mình em anh chị xin hỏi biết vui lòng giúp đâu rồi chưa sẽ đã đang phải cần muốn người nên khác còn vẫn cũng bị hãy kia nhỉ ạ làm vào';
const EN_STOPWORDS =
  'the an of what when which is are was were be been does do did how who whom in on at to for by and or it its that this with from as ' +
  'please tell me i you can could would will shall should may there their have has had about';
const STOP_EXACT = new Set(VI_STOPWORDS.split(' ').map(toneKey));
const STOP_FOLDED = new Set([...VI_STOPWORDS.split(' '), ...EN_STOPWORDS.split(' ')].map(fold));

/** Question words: text without one of these (or a question mark) is not treated as a question. */
const QUESTION_WORDS =
  /\b(?:gi|nao|bao nhieu|bao gio|khi nao|tai sao|vi sao|sao|ai|dau|the nao|nhu the nao|co phai|khong|chua|what|when|which|why|how|who|where|is|are|does|do|can)\b/;

/** BM25 constants (the usual ones). */
const K1 = 1.2;
const B = 0.75;
/** A matched syllable pair counts this much more than a single syllable. */
const PAIR_WEIGHT = 1.5;
/** A syllable typed with marks matches only the same marks, and counts this much. */
const EXACT_WEIGHT = 1.2;
/** A fact keyword found whole in the question adds this many times the weight of its words. */
const KEYWORD_WEIGHT = 1;
/** Questions are capped before tokenising: matching stays linear in a bounded input. */
export const MAX_QUESTION_CHARS = 300;

/**
 * When the best fact is good enough to be the answer: it covers this share of the question's
 * content words (by rarity), and this share of its word pairs unless one of the fact's keywords is
 * in the question. Calibrated on the table in tests/unit/quiz/ask.test.ts.
 */
export const ANSWER_THRESHOLD = { coverage: 0.65, pairCoverage: 0.6 } as const;
export type AnswerThreshold = { readonly coverage: number; readonly pairCoverage: number };

/** The rule above, on one ranked fact. */
export function goodEnough(r: RankedFact, threshold: AnswerThreshold = ANSWER_THRESHOLD): boolean {
  return r.coverage >= threshold.coverage && (r.keyword || r.pairCoverage >= threshold.pairCoverage);
}

interface IndexedFact {
  readonly fact: Fact;
  readonly terms: ReadonlyMap<string, number>;
  readonly length: number;
  /** Folded token sequences of the fact's keywords, for whole-phrase matches. */
  readonly keywords: readonly string[];
}

export interface FactIndex {
  readonly facts: readonly IndexedFact[];
  readonly df: ReadonlyMap<string, number>;
  readonly averageLength: number;
  readonly byId: ReadonlyMap<string, Fact>;
}

/** Lower-case syllables in NFC, diacritics kept; punctuation (/, -, …) separates. */
export function syllables(text: string): string[] {
  return text
    .normalize('NFC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * A syllable with its tone mark moved to the end, so both tone placements match ("hoà" and "hòa",
 * "thuỷ" and "thủy"); vowel marks (â, ă, ơ, ư, đ) stay where they are.
 */
export function toneKey(syllable: string): string {
  const d = syllable.normalize('NFD');
  const tones = d.match(TONE_MARKS) ?? [];
  return `${d.replace(TONE_MARKS, '').normalize('NFC')}${tones.join('')}`;
}

/** Folded, and an English plural "s" dropped (no Vietnamese syllable ends in s). */
function foldWord(syllable: string): string {
  const f = fold(syllable);
  return /^[a-z]{4,}s$/.test(f) && !f.endsWith('ss') ? f.slice(0, -1) : f;
}

interface Token {
  readonly folded: string;
  readonly exact: string;
  /** Typed with diacritics: then only the same marks match. */
  readonly marked: boolean;
  readonly stop: boolean;
}

function tokens(text: string): Token[] {
  return syllables(text).map((s) => {
    const marked = s !== fold(s);
    const exact = toneKey(s);
    return { folded: foldWord(s), exact, marked, stop: marked ? STOP_EXACT.has(exact) : STOP_FOLDED.has(fold(s)) };
  });
}

/**
 * Index terms of a fact text: for every content syllable its folded form (u:) and its exact form
 * (e:), and folded pairs of neighbouring content syllables (p:).
 */
function indexTerms(text: string): string[] {
  const content = tokens(text).filter((t) => !t.stop);
  const out: string[] = [];
  content.forEach((t, i) => {
    out.push(`u:${t.folded}`, `e:${t.exact}`);
    const next = content[i + 1];
    if (next) out.push(`p:${t.folded} ${next.folded}`);
  });
  return out;
}

interface QueryTerms {
  /** One match term per distinct content syllable: e: when typed with marks, else u:. */
  readonly words: string[];
  /** term → weight in the query (words and pairs). */
  readonly terms: Map<string, number>;
  /** Distinct pairs of neighbouring content syllables. */
  readonly pairs: string[];
  /** The whole question folded, for keyword phrases. */
  readonly phrase: string;
}

function queryTerms(question: string): QueryTerms {
  const all = tokens(question.slice(0, MAX_QUESTION_CHARS));
  const content = all.filter((t) => !t.stop);
  const terms = new Map<string, number>();
  const words: string[] = [];
  const pairs = new Set<string>();
  content.forEach((t, i) => {
    const word = t.marked ? `e:${t.exact}` : `u:${t.folded}`;
    if (!terms.has(word)) words.push(word);
    terms.set(word, t.marked ? EXACT_WEIGHT : 1);
    const next = content[i + 1];
    if (next) pairs.add(`p:${t.folded} ${next.folded}`);
  });
  for (const p of pairs) terms.set(p, PAIR_WEIGHT);
  return { words, terms, pairs: [...pairs], phrase: ` ${all.map((t) => t.folded).join(' ')} ` };
}

/** True when the text reads as a question: a question mark or a question word (with or without marks). */
export function looksLikeQuestion(text: string): boolean {
  const t = text.slice(0, MAX_QUESTION_CHARS);
  return t.includes('?') || QUESTION_WORDS.test(fold(t));
}

function factFields(f: Fact): string[] {
  const d = f.document;
  return [
    f.statement.vi,
    f.statement.en,
    ...(f.keywords?.vi ?? []),
    ...(f.keywords?.en ?? []),
    d.kind.vi,
    d.kind.en,
    d.number ?? '',
    d.title?.vi ?? '',
    d.title?.en ?? '',
    d.issuer?.vi ?? '',
    d.issuer?.en ?? '',
  ].filter(Boolean);
}

export interface IndexOptions {
  /** The bot's province: facts of other provinces are left out. */
  readonly province?: string | null;
  /** A bot that asks every province's questions (the demo) answers with every province's facts too. */
  readonly allProvinces?: boolean;
}

/** Builds the index once per content load (pure; a few hundred facts take a few milliseconds). */
export function buildFactIndex(facts: readonly Fact[], options: IndexOptions = {}): FactIndex {
  const usable = facts.filter((f) => !f.province || options.allProvinces || f.province === options.province);
  const df = new Map<string, number>();
  const indexed = usable.map((fact) => {
    const terms = new Map<string, number>();
    let length = 0;
    // Fields are indexed one by one so that a pair never spans two of them.
    for (const field of factFields(fact)) {
      for (const t of indexTerms(field)) {
        if (t.startsWith('u:')) length += 1;
        terms.set(t, (terms.get(t) ?? 0) + 1);
      }
    }
    for (const t of terms.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const keywords = [...(fact.keywords?.vi ?? []), ...(fact.keywords?.en ?? [])]
      .map((k) =>
        tokens(k)
          .map((t) => t.folded)
          .join(' '),
      )
      .filter(Boolean)
      .map((k) => ` ${k} `);
    return { fact, terms, length, keywords };
  });
  const averageLength = indexed.reduce((s, f) => s + f.length, 0) / Math.max(1, indexed.length);
  return { facts: indexed, df, averageLength, byId: new Map(facts.map((f) => [f.id, f])) };
}

function idf(index: FactIndex, term: string): number {
  const n = index.facts.length;
  const df = index.df.get(term) ?? 0;
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

export interface RankedFact {
  readonly fact: Fact;
  readonly score: number;
  /** 0..1: the share of the question's content words (by rarity) this fact contains. */
  readonly coverage: number;
  /**
   * 0..1: the share of the question's neighbouring word pairs the fact contains (1 with fewer than
   * two pairs). Low when the fact matches the syllables of the question but not its words
   * ("Luật Giao thông" against "Luật Giao dịch điện tử").
   */
  readonly pairCoverage: number;
  /** One of the fact's keywords appears whole in the question. */
  readonly keyword: boolean;
}

/** Every fact matching at least one content word of the question, best first. */
export function rankFacts(index: FactIndex, question: string): RankedFact[] {
  const q = queryTerms(question);
  if (q.words.length === 0) return [];
  const total = q.words.reduce((s, w) => s + idf(index, w), 0);
  const ranked: RankedFact[] = [];
  for (const f of index.facts) {
    let score = 0;
    for (const [term, weight] of q.terms) {
      const tf = f.terms.get(term);
      if (!tf) continue;
      const norm = tf + K1 * (1 - B + (B * f.length) / (index.averageLength || 1));
      score += weight * idf(index, term) * ((tf * (K1 + 1)) / norm);
    }
    if (score <= 0) continue;
    let keyword = false;
    for (const k of f.keywords) {
      if (!q.phrase.includes(k)) continue;
      keyword = true;
      score +=
        KEYWORD_WEIGHT *
        k
          .trim()
          .split(' ')
          .reduce((s, w) => s + idf(index, `u:${w}`), 0);
    }
    const covered = q.words.filter((w) => f.terms.has(w)).reduce((s, w) => s + idf(index, w), 0);
    const pairCoverage = q.pairs.length < 2 ? 1 : q.pairs.filter((p) => f.terms.has(p)).length / q.pairs.length;
    ranked.push({ fact: f.fact, score, coverage: total > 0 ? covered / total : 0, pairCoverage, keyword });
  }
  return ranked.sort((a, b) => b.score - a.score || b.coverage - a.coverage || (a.fact.id < b.fact.id ? -1 : 1));
}

export type AskResult =
  | {
      readonly kind: 'answer';
      readonly fact: Fact;
      /** What replaced it, when the fact says so (answer with both: history framed as history). */
      readonly replacement: Fact | null;
      readonly score: number;
      readonly coverage: number;
    }
  | { readonly kind: 'none'; readonly best: RankedFact | null };

/**
 * The answer to a member's question, or `none` when it does not read as a question or no fact
 * covers it well enough.
 */
export function askFacts(index: FactIndex, question: string, threshold: AnswerThreshold = ANSWER_THRESHOLD): AskResult {
  if (!looksLikeQuestion(question)) return { kind: 'none', best: null };
  const [best] = rankFacts(index, question);
  if (!best || !goodEnough(best, threshold)) return { kind: 'none', best: best ?? null };
  const replacement = best.fact.replacedBy ? (index.byId.get(best.fact.replacedBy) ?? null) : null;
  return { kind: 'answer', fact: best.fact, replacement, score: best.score, coverage: best.coverage };
}

/**
 * The reply: the fact's own statement and its document in words (learning:ask.* in
 * content/locales), then what replaced it. Nothing else is said.
 */
export function askAnswerText(result: Extract<AskResult, { kind: 'answer' }>, locale: Locale, t: Translate): string {
  const line = (f: Fact) => t(locale, 'learning:ask.answer', { statement: f.statement[locale], source: citeFact(f, locale, t) });
  return result.replacement ? `${line(result.fact)}\n\n${t(locale, 'learning:ask.replacedBy')}\n${line(result.replacement)}` : line(result.fact);
}
