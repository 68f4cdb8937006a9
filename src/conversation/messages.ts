import type { BotConfig } from '../content/index.js';
import { MAX_MATCH_CHARS, fold, formatDay, type Choice, type Locale, type OutboundMessage } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { letterOf, shownAt, type UnitInfo } from '../quiz/index.js';
import { payload, type Command } from './payloads.js';
import type { QuizQuestion } from './types.js';

/** Units shown per page of the unit picker (plus "previous" / "more": at most 10 buttons). */
export const UNIT_PAGE_SIZE = 8;

export function textOf(q: QuizQuestion, locale: Locale) {
  return locale === 'en' && q.en ? q.en : q.vi;
}

export function localized(value: { vi: string; en?: string | undefined }, locale: Locale): string {
  return locale === 'en' && value.en ? value.en : value.vi;
}

export function commandChoice(t: Translate, locale: Locale, command: Command): Choice {
  return { title: t(locale, `conversation:menu.${command}`), payload: payload.command(command) };
}

/** The main menu as buttons; the contest button only on bots whose contest has not closed (`today` on or before its last day). */
export function menuChoices(t: Translate, locale: Locale, bot: BotConfig, today: string): Choice[] {
  const open = bot.contest !== undefined && today <= bot.contest.window.end;
  const commands: Command[] = ['today', 'practice', 'score', 'leaderboard', ...(open ? (['contest'] as const) : []), 'help'];
  return commands.map((c) => commandChoice(t, locale, c));
}

/** A question's options in the order one member sees them (`order[shown] = option`); identity order without one. */
function shownOptions(options: readonly string[], order: readonly number[] | undefined): number[] {
  return order && order.length === options.length ? [...order] : options.map((_, i) => i);
}

/**
 * A question with its options in the text (so it reads well where buttons are not rendered) and
 * one button per option whose payload says everything needed to grade it later.
 */
export function questionMessage(
  t: Translate,
  locale: Locale,
  q: QuizQuestion,
  header: string,
  mode: 'daily' | 'practice' | 'contest',
  ref: string,
  order?: readonly number[],
): OutboundMessage {
  const text = textOf(q, locale);
  const shown = shownOptions(text.options, order);
  const lines = shown.map((option, i) => `${letterOf(i)}. ${text.options[option]}`);
  // An English reader of a question the content has only in Vietnamese is told so, not left to guess.
  const onlyVi = locale === 'en' && !q.en ? [t(locale, 'conversation:question.viOnly'), ''] : [];
  return {
    // The question's picture is sent first (every renderer puts `image` before the text).
    ...(q.image ? { image: { url: q.image, alt: t(locale, 'conversation:question.pictureAlt') } } : {}),
    text: [header, '', ...onlyVi, text.question, '', ...lines, '', t(locale, 'conversation:question.hint', { last: letterOf(shown.length - 1) })].join('\n'),
    // The payload names the option itself; a Zalo tap shows the option's text as the member's words.
    choices: shown.map((option, i) => ({
      title: letterOf(i),
      payload: payload.answer({ questionId: q.questionId, revision: q.revision, mode, ref, index: option }),
      reply: text.options[option] ?? letterOf(i),
    })),
  };
}

export function dailyHeader(t: Translate, locale: Locale, day: string): string {
  return t(locale, 'conversation:question.daily', { date: formatDay(day) });
}

/**
 * Right or wrong, the right answer by its letter (as this member saw it) and its text, the
 * explanation and the source documents in words.
 */
export function feedbackLines(t: Translate, locale: Locale, q: QuizQuestion, choice: number, order?: readonly number[]): string[] {
  const text = textOf(q, locale);
  const right = choice === q.answer;
  const source = q.source[locale] || q.source.vi;
  const letter = letterOf(shownAt(shownOptions(text.options, order), q.answer));
  return [
    right
      ? t(locale, 'conversation:feedback.correct', { letter, option: text.options[q.answer] ?? '' })
      : t(locale, 'conversation:feedback.wrong', { letter, option: text.options[q.answer] ?? '' }),
    t(locale, 'conversation:feedback.explanation', { text: text.explanation }),
    ...(source ? [t(locale, 'conversation:feedback.source', { source })] : []),
  ];
}

/** The explanation's picture, sent with the feedback once the member has answered. */
export function explanationPicture(t: Translate, locale: Locale, q: QuizQuestion): OutboundMessage['image'] {
  return q.explanationImage ? { url: q.explanationImage, alt: t(locale, 'conversation:feedback.pictureAlt') } : undefined;
}

/** Units whose folded name or id contains every word of the query (at most MAX_MATCH_CHARS of it read). */
export function searchUnits(units: readonly UnitInfo[], query: string): UnitInfo[] {
  const words = fold(query.slice(0, MAX_MATCH_CHARS)).split(' ').filter(Boolean);
  if (words.length === 0) return [];
  return units.filter((u) => {
    const hay = `${fold(u.name)} ${fold(u.unitId)}`;
    return words.every((w) => hay.includes(w));
  });
}

/** One page of the unit picker. */
export function unitPage(t: Translate, locale: Locale, units: readonly UnitInfo[], page: number, intro: string): OutboundMessage {
  const pages = Math.max(1, Math.ceil(units.length / UNIT_PAGE_SIZE));
  const p = Math.min(Math.max(0, page), pages - 1);
  const slice = units.slice(p * UNIT_PAGE_SIZE, (p + 1) * UNIT_PAGE_SIZE);
  const choices: Choice[] = slice.map((u) => ({ title: u.name, payload: payload.unit(u.unitId) }));
  if (p > 0) choices.push({ title: t(locale, 'conversation:unit.prev'), payload: payload.unitPage(p - 1) });
  if (p < pages - 1) choices.push({ title: t(locale, 'conversation:unit.more'), payload: payload.unitPage(p + 1) });
  // No list in the text: renderers number the choices there when they cannot show them as buttons.
  return { text: `${intro}\n${t(locale, 'conversation:unit.page', { page: p + 1, pages })}`, choices };
}

/** "3 phút 05 giây" / "3 min 05 s". */
export function formatDuration(t: Translate, locale: Locale, ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return t(locale, 'conversation:duration', { minutes, seconds });
}

/**
 * A display name as a reader in `locale` reads it: the anonymous "Đoàn viên 8811" is "Member 8811"
 * to English readers and the other way round; every other name is shown as the member chose it.
 */
export function readableName(t: Translate, locale: Locale, name: string | null | undefined): string {
  if (!name) return '—';
  const anonymous = /^(?:Đoàn viên|Member) (\d{4})$/u.exec(name);
  return anonymous ? t(locale, 'conversation:name.anonymousName', { n: anonymous[1] }) : name;
}
