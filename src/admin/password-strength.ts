import { ZxcvbnFactory, type TranslationKeys } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import { InvalidError } from '../domain/index.js';

/**
 * How guessable a chosen password is, by zxcvbn (pattern matching against ~40,000 common passwords,
 * names, words, keyboard walks, sequences, dates and repeats), not by length alone: "1234567890"
 * has ten characters and is among the first guesses of every cracker.
 */

/** Rules for a chosen password: at least this long, and at least this zxcvbn score (0–4). */
export const MIN_PASSWORD_LENGTH = 10;
/** 3 = "safely unguessable": would resist an offline attack on a slow hash such as ours (scrypt). */
export const MIN_PASSWORD_SCORE = 3;

/** Words anyone would try first against this product's accounts; zxcvbn counts them as guessable. */
const PRODUCT_WORDS = ['matkhau', 'password', 'admin', 'quantri', 'congdoan', 'doanvien', 'chuyendoiso', 'cds', 'chatbot', 'zalo', 'messenger', 'vietnam'];

/** Translations whose texts are their own keys (`warnings.topTen`), so the caller can say them in vi or en. */
function keysAsTexts(t: TranslationKeys): TranslationKeys {
  const section = <S extends Record<string, string>>(name: string, s: S) => Object.fromEntries(Object.keys(s).map((k) => [k, `${name}.${k}`])) as S;
  return { warnings: section('warnings', t.warnings), suggestions: section('suggestions', t.suggestions), timeEstimation: t.timeEstimation };
}

// Built on first use: unpacking the dictionaries takes about half a second.
let estimator: ZxcvbnFactory | undefined;
const zxcvbn = () =>
  (estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: keysAsTexts(en.translations),
  }));

export interface PasswordStrength {
  /** zxcvbn's score, 0 (guessed at once) to 4. */
  readonly score: number;
  readonly ok: boolean;
  /** Why it is weak, as keys of `password.*` in content/locales/{vi,en}/admin.json (`warnings.topHundred`...). */
  readonly reasons: readonly string[];
}

/** Pure: the strength of a new password; `personal` are words of the account (its email) that count as guessable. */
export function passwordStrength(password: string, personal: readonly string[] = []): PasswordStrength {
  if (password.length < MIN_PASSWORD_LENGTH) return { score: 0, ok: false, reasons: ['tooShort'] };
  const inputs = [...PRODUCT_WORDS, ...personal.flatMap((p) => p.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 3)];
  // zxcvbn's work grows with the length; what is past 100 characters adds nothing to the verdict.
  const r = zxcvbn().check(password.slice(0, 100), inputs);
  const reasons = [r.feedback.warning, ...r.feedback.suggestions].filter((x): x is string => !!x);
  const ok = r.score >= MIN_PASSWORD_SCORE;
  return { score: r.score, ok, reasons: ok ? [] : reasons.length ? reasons : ['suggestions.anotherWord'] };
}

/** The English texts of reasons, for the API's message and the CLI. */
export function reasonsInEnglish(reasons: readonly string[]): string {
  const t = en.translations as unknown as Record<string, Record<string, string>>;
  return reasons
    .map((key) => (key === 'tooShort' ? `use at least ${MIN_PASSWORD_LENGTH} characters` : (t[key.split('.')[0]!]?.[key.split('.')[1]!] ?? key)))
    .join(' ');
}

/**
 * Throws InvalidError('password_weak') for a password that is too short or too easy to guess: the
 * message says why in English, `problems` holds the reasons' keys for a page to say them in vi or en.
 */
export function requireStrongPassword(password: string, personal: readonly string[] = []): void {
  const s = passwordStrength(password, personal);
  if (s.ok) return;
  throw new InvalidError('password_weak', { reason: reasonsInEnglish(s.reasons) }, { problems: s.reasons });
}
