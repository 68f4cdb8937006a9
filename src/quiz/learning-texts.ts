import type { Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import type { Mistake } from './mistakes.js';
import type { PracticeSummary } from './practice-set.js';
import { documentDate } from './facts.js';
import type { Advanced } from './streak-freeze.js';

/**
 * The member-facing sentences of practice sets, reviews and streak protection (learning:* in
 * content/locales), so the engine only chooses which to say. Pure.
 */

type Say = (key: string, vars?: Record<string, unknown>) => string;
const sayer =
  (t: Translate, locale: Locale): Say =>
  (key, vars) =>
    t(locale, `learning:${key}`, vars);

/** "Câu 4/10" above each question of a set. */
export function setProgressText(progress: { readonly number: number; readonly of: number }, t: Translate, locale: Locale): string {
  return sayer(t, locale)('practice.progress', progress);
}

/** Minutes and seconds as members read them: "4 phút 30 giây" / "4 min 30 s". */
export function durationText(ms: number, t: Translate, locale: Locale): string {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const say = sayer(t, locale);
  return minutes > 0 ? say('duration.minutes', { minutes, seconds: seconds % 60 }) : say('duration.seconds', { seconds });
}

/** The end of a set: score, time, topics to review (by name) and what next. */
export function practiceSummaryText(summary: PracticeSummary, topicName: (topic: string) => string, t: Translate, locale: Locale): string {
  const say = sayer(t, locale);
  const lines = [
    say('practice.summary', { correct: summary.correct, total: summary.total, time: durationText(summary.durationMs, t, locale) }),
    summary.reviewTopics.length
      ? say('practice.reviewTopics', { topics: summary.reviewTopics.map((x) => topicName(x.topic)).join(', ') })
      : say('practice.perfect'),
  ];
  return lines.join('\n');
}

/**
 * The review of a set or attempt: one block per wrong answer with the right option's letter and
 * text, the explanation and the source line (`sourceOf` gives the documents of a mistake's facts in
 * words, src/quiz/facts.ts `citeFact`).
 */
export function mistakesText(mistakes: readonly Mistake[], sourceOf: (m: Mistake) => string | null, t: Translate, locale: Locale): string {
  const say = sayer(t, locale);
  if (mistakes.length === 0) return say('review.none');
  const blocks = mistakes.map((m) => {
    const source = sourceOf(m);
    return [
      say('review.question', { number: m.number, question: m.question }),
      m.chosen ? say('review.chosen', { letter: m.chosen.letter, text: m.chosen.text }) : null,
      say('review.right', { letter: m.right.letter, text: m.right.text }),
      m.explanation,
      source ? say('source.line', { source }) : null,
    ]
      .filter((l): l is string => Boolean(l))
      .join('\n');
  });
  return [say('review.title', { count: mistakes.length }), ...blocks].join('\n\n');
}

/** What to tell the member after their streak was settled or advanced; null when nothing happened. */
export function streakNoticeText(result: Pick<Advanced, 'used'> & Partial<Pick<Advanced, 'earned' | 'streak'>>, t: Translate, locale: Locale): string | null {
  const say = sayer(t, locale);
  const lines: string[] = [];
  if (result.used.length) lines.push(say('streak.freezeUsed', { count: result.used.length, days: result.used.map((d) => documentDate(d, locale)).join(', ') }));
  if (result.earned && result.streak) lines.push(say('streak.freezeEarned', { held: result.streak.freezes }));
  return lines.length ? lines.join('\n') : null;
}

/** "Điểm của tôi": the freezes held. */
export function freezesHeldText(freezes: number, t: Translate, locale: Locale): string {
  return sayer(t, locale)('streak.held', { count: freezes });
}
