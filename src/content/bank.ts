import { ANSWER_LETTERS, type QuestionContent } from './schema.js';
import { fold, formatPercent } from '../domain/index.js';

/**
 * Whether the live bank can be guessed without knowing the facts. Pure: the checker enforces the
 * thresholds below and `content baselines` prints the same figures, from the same functions.
 */

/** Bank-wide rules apply from this many live questions (below it, shares swing by chance alone). */
export const BANK_MIN_QUESTIONS = 20;
/** Each answer letter is right in 1/n of the n-option questions, give or take this share. */
export const POSITION_TOLERANCE = 0.05;
/** The strictly longest option may be the right one in at most this share of the live questions. */
export const LONGEST_RIGHT_MAX = 0.4;
/** A guessing strategy (last option, longest option, question echo) may beat chance by at most this. */
export const BASELINE_MARGIN = 0.06;
/** An option family ("Không…", "Chỉ…", "Tất cả…") is judged from this many live options: never or always right is a give-away. */
export const FAMILY_MIN_OPTIONS = 4;
/** From this many options a family's right share must also stay near what chance gives its options. */
export const FAMILY_BAND_OPTIONS = 12;
/** How far a large family's right share may be from chance (the mean 1/n of the questions it appears in). */
export const FAMILY_BAND = 0.15;

type Text = Pick<QuestionContent, 'question' | 'options'>;
type Q = Pick<QuestionContent, 'question' | 'options' | 'answer'> & { readonly en?: Text | undefined };

const rightIndex = (q: Pick<QuestionContent, 'answer'>) => ANSWER_LETTERS.indexOf(q.answer);

// ------------------------------------------------------------------------------------ echo

/**
 * Old and new province names and the cities the seeds and the reform name, in the form
 * `fold` gives (no diacritics, lower case), so "Bà Rịa – Vũng Tàu" and "Ba Ria - Vung Tau" match.
 */
const PLACES = [
  'quang tri',
  'quang binh',
  'ba ria vung tau',
  'vung tau',
  'bac kan',
  'thai nguyen',
  'dak nong',
  'lam dong',
  'binh thuan',
  'binh duong',
  'ho chi minh',
  'quang ngai',
  'kon tum',
  'ha noi',
] as const;

/** A document symbol: digits, then `/` or `-` parts of which one has a capital letter (749/QĐ-TTg, 52-NQ/TW, 20/2023/QH15). */
const SYMBOL = /\d+(?:[/-][\p{L}\d&]+)+/gu;
const YEAR = /(?<!\d)(?:19|20)\d{2}(?!\d)/g;

/** What a question names that an option could repeat: years, document symbols and place names. */
export function echoTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const m of text.matchAll(SYMBOL)) if (/\p{Lu}/u.test(m[0])) tokens.add(`sym:${fold(m[0])}`);
  // A symbol's year belongs to the symbol; a date's year is a year.
  const withoutSymbols = text.replace(SYMBOL, (m) => (/\p{Lu}/u.test(m) ? ' ' : m));
  for (const m of withoutSymbols.matchAll(YEAR)) tokens.add(`year:${m[0]}`);
  const folded = ` ${fold(text)} `;
  for (const place of PLACES) if (folded.includes(` ${place} `)) tokens.add(`place:${place}`);
  return [...tokens];
}

function optionHas(option: string, token: string): boolean {
  const [kind, value] = token.split(/:(.*)/s) as [string, string];
  if (kind === 'year') return new RegExp(`(?<!\\d)${value}(?!\\d)`).test(option);
  return ` ${fold(option)} `.includes(` ${value} `);
}

/** The index of the only option repeating something the question names, when exactly one does. */
function echoPick(text: Text): number | undefined {
  for (const token of echoTokens(text.question)) {
    const holders = text.options.flatMap((o, i) => (optionHas(o, token) ? [i] : []));
    if (holders.length === 1) return holders[0];
  }
  return undefined;
}

/**
 * The question-echo give-away: only the right option repeats a year, place or document symbol of
 * the question, in Vietnamese or English. Returns the repeated thing, for the message.
 */
export function echoGiveaway(q: Q): string | undefined {
  const answer = rightIndex(q);
  for (const text of [q, q.en].filter((t): t is Text => Boolean(t))) {
    for (const token of echoTokens(text.question)) {
      const holders = text.options.flatMap((o, i) => (optionHas(o, token) ? [i] : []));
      if (holders.length === 1 && holders[0] === answer) return token.replace(/^[a-z]+:/, '');
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------ lengths and families

/** Indexes of the longest options (by characters; several when tied). */
export function longestOptions(options: readonly string[]): number[] {
  const max = Math.max(...options.map((o) => o.length));
  return options.flatMap((o, i) => (o.length === max ? [i] : []));
}

/** True when the right option is strictly the longest one. */
export function rightIsLongest(q: Q): boolean {
  const longest = longestOptions(q.options);
  return longest.length === 1 && longest[0] === rightIndex(q);
}

/** Option families a guesser learns to avoid (or pick): the Vietnamese option's first words. */
export const OPTION_FAMILIES: ReadonlyArray<{ readonly name: string; readonly pattern: RegExp }> = [
  // "Không gian mạng" (cyberspace) is a noun, not a negation.
  { name: 'Không…', pattern: /^không(?!\s+gian)\b/iu },
  // "Chỉ thị", "chỉ số", "chỉ tiêu", "chỉ đạo" are nouns and verbs, not "only".
  { name: 'Chỉ…', pattern: /^chỉ(?!\s+(?:thị|số|tiêu|đạo|định))(?=\s|$)/iu },
  { name: 'Tất cả…', pattern: /^tất\s+cả(?=\s|$)/iu },
];

export function familyOf(option: string): string | undefined {
  const text = option.trim();
  return OPTION_FAMILIES.find((f) => f.pattern.test(text))?.name;
}

// ------------------------------------------------------------------------------------ baselines

export interface PositionStats {
  readonly optionCount: number;
  readonly questions: number;
  /** How often each letter is right, A first. */
  readonly right: readonly number[];
}

export interface FamilyStats {
  readonly family: string;
  readonly options: number;
  readonly right: number;
  /** How many of its options chance alone would make right: the sum of 1/n over the options. */
  readonly expected: number;
}

export interface GuessingBaselines {
  readonly questions: number;
  /** Expected score of a blind guess: the mean of 1/n. */
  readonly chance: number;
  /** Score of always picking the last option. */
  readonly lastOption: number;
  /** Score of always picking the longest option (a tie split evenly). */
  readonly longestOption: number;
  /** Share of questions whose right option is strictly the longest. */
  readonly longestRight: number;
  /** Score of picking the only option that repeats the question's year, place or symbol, else guessing. */
  readonly echo: number;
  /** Questions where the echo strategy had an only-echoing option to pick. */
  readonly echoApplicable: number;
  readonly positions: readonly PositionStats[];
  readonly families: readonly FamilyStats[];
  /** Score of always picking the k-th shortest option (ties split), per option count; reported, not enforced. */
  readonly lengthRanks: ReadonlyArray<{ readonly optionCount: number; readonly rank: number; readonly score: number }>;
}

/** Score of picking the option of each length rank (1 = shortest), ties split evenly. */
function lengthRankScores(questions: readonly Q[]): GuessingBaselines['lengthRanks'] {
  const out: Array<{ optionCount: number; rank: number; score: number }> = [];
  for (const n of [...new Set(questions.map((q) => q.options.length))].sort()) {
    const group = questions.filter((q) => q.options.length === n);
    for (let rank = 1; rank <= n; rank++) {
      let score = 0;
      for (const q of group) {
        const lengths = q.options.map((o) => o.length);
        const target = [...lengths].sort((a, b) => a - b)[rank - 1]!;
        const tied = lengths.flatMap((l, i) => (l === target ? [i] : []));
        if (tied.includes(rightIndex(q))) score += 1 / tied.length;
      }
      out.push({ optionCount: n, rank, score: score / group.length });
    }
  }
  return out;
}

const ordinal = (n: number) => (n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`);

/** The guessing baselines of a set of (live) questions. */
export function guessingBaselines(questions: readonly Q[]): GuessingBaselines {
  const n = questions.length || 1;
  let chance = 0;
  let last = 0;
  let longest = 0;
  let longestRight = 0;
  let echo = 0;
  let echoApplicable = 0;
  const positions = new Map<number, { questions: number; right: number[] }>();
  const families = new Map<string, { options: number; right: number; expected: number }>();
  for (const q of questions) {
    const count = q.options.length;
    const answer = rightIndex(q);
    chance += 1 / count;
    if (answer === count - 1) last++;
    const tied = longestOptions(q.options);
    if (tied.includes(answer)) longest += 1 / tied.length;
    if (rightIsLongest(q)) longestRight++;
    const pick = echoPick(q);
    if (pick === undefined) echo += 1 / count;
    else {
      echoApplicable++;
      if (pick === answer) echo++;
    }
    const p = positions.get(count) ?? { questions: 0, right: Array.from({ length: count }, () => 0) };
    p.questions++;
    p.right[answer] = (p.right[answer] ?? 0) + 1;
    positions.set(count, p);
    q.options.forEach((o, i) => {
      const family = familyOf(o);
      if (!family) return;
      const f = families.get(family) ?? { options: 0, right: 0, expected: 0 };
      f.options++;
      f.expected += 1 / count;
      if (i === answer) f.right++;
      families.set(family, f);
    });
  }
  return {
    questions: questions.length,
    chance: chance / n,
    lastOption: last / n,
    longestOption: longest / n,
    longestRight: longestRight / n,
    echo: echo / n,
    echoApplicable,
    positions: [...positions.entries()].sort(([a], [b]) => a - b).map(([optionCount, p]) => ({ optionCount, ...p })),
    families: [...families.entries()].map(([family, f]) => ({ family, ...f })),
    lengthRanks: lengthRankScores(questions),
  };
}

/** A rate as the one percentage formatter writes it in English ("73.3%"): the terminal's lines are English. */
const pct = (x: number) => formatPercent(x, 'en');

/** The baselines as lines for a terminal. */
export function formatBaselines(b: GuessingBaselines): string[] {
  const lines = [
    `live questions: ${b.questions}; chance (mean 1/n): ${pct(b.chance)}`,
    `always the last option: ${pct(b.lastOption)} (at most chance + ${pct(BASELINE_MARGIN)})`,
    `always the longest option: ${pct(b.longestOption)} (at most chance + ${pct(BASELINE_MARGIN)}); right option strictly longest in ${pct(b.longestRight)} (at most ${pct(LONGEST_RIGHT_MAX)})`,
    `question echo: ${pct(b.echo)} (${b.echoApplicable} questions with an only-echoing option; at most chance + ${pct(BASELINE_MARGIN)})`,
  ];
  for (const p of b.positions) {
    const letters = p.right.map((r, i) => `${ANSWER_LETTERS[i]} ${r} (${pct(r / p.questions)})`).join(', ');
    lines.push(`${p.optionCount}-option questions: ${p.questions}; right answers ${letters}; each within ${pct(1 / p.optionCount)} ± ${pct(POSITION_TOLERANCE)}`);
  }
  for (const f of b.families) lines.push(`options "${f.family}": ${f.options}, right ${f.right} (chance ${f.expected.toFixed(1)})`);
  for (const r of b.lengthRanks) {
    lines.push(`picking the ${ordinal(r.rank)} shortest of ${r.optionCount} options: ${pct(r.score)} (reported only; chance ${pct(1 / r.optionCount)})`);
  }
  return lines;
}
