import type { BotConfig } from '../content/index.js';
import { fold, formatDay, type Choice, type Locale, type OutboundMessage } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { letterOf, type UnitInfo } from '../quiz/index.js';
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

/** The main menu as buttons; the contest button only on bots that run one. */
export function menuChoices(t: Translate, locale: Locale, bot: BotConfig): Choice[] {
  const commands: Command[] = ['today', 'practice', 'score', 'leaderboard', ...(bot.contest ? (['contest'] as const) : []), 'help'];
  return commands.map((c) => commandChoice(t, locale, c));
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
): OutboundMessage {
  const text = textOf(q, locale);
  const lines = text.options.map((o, i) => `${letterOf(i)}. ${o}`);
  return {
    text: [header, '', text.question, '', ...lines, '', t(locale, 'conversation:question.hint', { last: letterOf(text.options.length - 1) })].join('\n'),
    choices: text.options.map((_, i) => ({
      title: letterOf(i),
      payload: payload.answer({ questionId: q.questionId, revision: q.revision, mode, ref, index: i }),
    })),
  };
}

export function dailyHeader(t: Translate, locale: Locale, day: string): string {
  return t(locale, 'conversation:question.daily', { date: formatDay(day) });
}

/** Right or wrong, the right answer, the explanation and the source documents in words. */
export function feedbackLines(t: Translate, locale: Locale, q: QuizQuestion, choice: number): string[] {
  const text = textOf(q, locale);
  const right = choice === q.answer;
  const source = q.source[locale] || q.source.vi;
  return [
    right
      ? t(locale, 'conversation:feedback.correct')
      : t(locale, 'conversation:feedback.wrong', { letter: letterOf(q.answer), option: text.options[q.answer] ?? '' }),
    t(locale, 'conversation:feedback.explanation', { text: text.explanation }),
    ...(source ? [t(locale, 'conversation:feedback.source', { source })] : []),
  ];
}

/** Units whose folded name or id contains every word of the query. */
export function searchUnits(units: readonly UnitInfo[], query: string): UnitInfo[] {
  const words = fold(query).split(' ').filter(Boolean);
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
