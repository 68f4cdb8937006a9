import { addDays, formatDay, formatPercent, weekStart, type Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { accuracy } from '../stats/index.js';
import { rankScores, rankUnits, type ScoreRow, type UnitScoreRow } from './leaderboard.js';
import { liveProtectedStreak, type ProtectedStreak } from './streak-freeze.js';

/**
 * The weekly recap of one member: figures only, built from what the stats room and the leaderboard
 * queries already produce. Ranks come from `rankScores` / `rankUnits`, the functions behind the
 * leaderboards in chat, so the recap can never disagree with "Bảng xếp hạng" for the same week.
 */

export interface RecapInput {
  /** Any day of the week to recap (YYYY-MM-DD, Asia/Ho_Chi_Minh); weeks start on Monday. */
  readonly day: string;
  /** The day the recap is sent, for the streak as it stands then. */
  readonly today: string;
  readonly participantId: string;
  readonly unitId: string | null;
  /** The member's answers of the week, every mode, with their question's topic. */
  readonly answers: ReadonlyArray<{ readonly correct: boolean; readonly topic: string | null }>;
  readonly streak: ProtectedStreak;
  /** The bot's daily-answer rows of that week: what the weekly leaderboard ranks (conversation `scoreRows(…, 'week', day)`). */
  readonly weekScores: readonly ScoreRow[];
  /** The bot's unit rows of that week: what the weekly unit leaderboard ranks. */
  readonly weekUnits: readonly UnitScoreRow[];
  /** The bot's topics, in its own order: candidates for the suggestion when nothing went wrong. */
  readonly topics: readonly string[];
}

export interface WeeklyRecap {
  readonly weekStart: string;
  readonly weekEnd: string;
  readonly answers: number;
  readonly correct: number;
  /** 0..1, null without answers. */
  readonly accuracy: number | null;
  readonly streak: number;
  /** Own place on the weekly leaderboard (daily answers), null when not on it. */
  readonly rank: { readonly rank: number; readonly of: number } | null;
  /** The member's unit on the weekly unit leaderboard, null without a unit or when it is not ranked. */
  readonly unit: {
    readonly unitId: string;
    readonly name: string;
    readonly rank: number;
    readonly of: number;
    readonly participationRate: number | null;
  } | null;
  /** One topic to practise: the most wrong answers this week, else the topic answered least. */
  readonly suggestedTopic: string | null;
}

/**
 * The week a recap sent on `today` is about: the latest Monday–Sunday week that ends today or before.
 * Sent on Sunday evening (the default, RECAP_CRON) it is the week ending that day; sent on a Monday
 * morning, the week just ended.
 */
export function recapWeekOf(today: string): string {
  return addDays(weekStart(addDays(today, 1)), -7);
}

/** Who gets a recap: members who answered at least once that week and did not say "Dừng tổng kết". */
export function wantsRecap(member: { readonly recap?: boolean | null }, answersThisWeek: number): boolean {
  return member.recap !== false && answersThisWeek > 0;
}

export function buildWeeklyRecap(input: RecapInput): WeeklyRecap {
  const start = weekStart(input.day);
  const correct = input.answers.filter((a) => a.correct).length;
  const ranked = rankScores(input.weekScores);
  const mine = ranked.find((r) => r.participantId === input.participantId);
  const units = rankUnits(input.weekUnits);
  const myUnit = input.unitId ? units.find((u) => u.unitId === input.unitId) : undefined;
  return {
    weekStart: start,
    weekEnd: addDays(start, 6),
    answers: input.answers.length,
    correct,
    accuracy: accuracy(correct, input.answers.length),
    streak: liveProtectedStreak(input.streak, input.today),
    rank: mine ? { rank: mine.rank, of: ranked.length } : null,
    unit: myUnit ? { unitId: myUnit.unitId, name: myUnit.name, rank: myUnit.rank, of: units.length, participationRate: myUnit.participationRate } : null,
    suggestedTopic: suggestTopic(input.answers, input.topics),
  };
}

/** The topic with the most wrong answers (ties: lower accuracy, then the bot's order); else the least answered of the bot's topics. */
export function suggestTopic(answers: RecapInput['answers'], topics: readonly string[]): string | null {
  const stats = new Map<string, { wrong: number; answered: number }>();
  for (const a of answers) {
    if (!a.topic) continue;
    const s = stats.get(a.topic) ?? { wrong: 0, answered: 0 };
    s.answered += 1;
    if (!a.correct) s.wrong += 1;
    stats.set(a.topic, s);
  }
  const order = (topic: string) => {
    const i = topics.indexOf(topic);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const wrong = [...stats.entries()]
    .filter(([, s]) => s.wrong > 0)
    .sort(([ta, a], [tb, b]) => b.wrong - a.wrong || b.wrong / b.answered - a.wrong / a.answered || order(ta) - order(tb) || (ta < tb ? -1 : 1));
  if (wrong[0]) return wrong[0][0];
  let best: string | null = null;
  for (const topic of topics) if (best === null || (stats.get(topic)?.answered ?? 0) < (stats.get(best)?.answered ?? 0)) best = topic;
  return best;
}

/**
 * The recap as one chat message (learning:recap.* in content/locales). `topicName` turns a topic id
 * into the name members read (common:topic.<id>).
 */
export function recapText(recap: WeeklyRecap, t: Translate, locale: Locale, topicName: (topic: string) => string): string {
  const k = (key: string, vars?: Record<string, unknown>) => t(locale, `learning:recap.${key}`, vars);
  const lines = [
    k('title', { from: formatDay(recap.weekStart), to: formatDay(recap.weekEnd) }),
    recap.answers > 0 ? k('answers', { count: recap.answers, correct: recap.correct, accuracy: formatPercent(recap.accuracy ?? 0, locale) }) : k('noAnswers'),
    k('streak', { count: recap.streak }),
    recap.rank ? k('rank', { rank: recap.rank.rank, of: recap.rank.of }) : k('unranked'),
  ];
  if (recap.unit) {
    lines.push(
      recap.unit.participationRate === null
        ? k('unit', { name: recap.unit.name, rank: recap.unit.rank, of: recap.unit.of })
        : k('unitWithRate', { name: recap.unit.name, rank: recap.unit.rank, of: recap.unit.of, rate: formatPercent(recap.unit.participationRate, locale) }),
    );
  }
  if (recap.suggestedTopic) lines.push(k('suggestion', { topic: topicName(recap.suggestedTopic) }));
  lines.push(k('optOut'));
  return lines.join('\n');
}
