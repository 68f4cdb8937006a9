import type { BotConfig } from '../content/index.js';
import type { Models, Participant } from '../db/index.js';
import { addDays, type Choice, type Locale, type OutboundMessage } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import {
  buildWeeklyRecap,
  readProtectedStreak,
  recapText,
  wantsRecap,
  type ScoreRow,
  type UnitInfo,
  type UnitScoreRow,
  type WeeklyRecap,
} from '../quiz/index.js';
import { commandChoice } from './messages.js';
import { payload } from './payloads.js';
import type { QuizQuestion } from './types.js';
import { scoreRows, unitScoreRows } from './views.js';
import type { Types } from 'mongoose';

/**
 * One member's weekly recap from the database: their answers of the week (every mode, with each
 * question's topic), the bot's weekly rows that "Bảng xếp hạng" ranks (`scoreRows`, `unitScoreRows`),
 * and their streak. The figures are `buildWeeklyRecap`'s; null when the member does not get one
 * (opted out, or no answer that week).
 */
export async function loadWeeklyRecap(
  models: Models,
  bot: BotConfig,
  questions: readonly QuizQuestion[],
  member: Pick<Participant, 'unitId' | 'streak' | 'recap'> & { readonly _id: Types.ObjectId },
  week: string,
  today: string,
  /** The bot's weekly rows (`weekBoardsCache`): the same for every member of the week. */
  boards: () => Promise<WeekBoards>,
): Promise<WeeklyRecap | null> {
  const answers = await models.Answer.find(
    { participantId: member._id, bot: bot.id, day: { $gte: week, $lte: addDays(week, 6) } },
    { questionId: 1, correct: 1 },
  ).lean();
  if (!wantsRecap(member, answers.length)) return null;
  const topicOf = new Map(questions.map((q) => [q.questionId, q.topic]));
  const { weekScores, weekUnits } = await boards();
  return buildWeeklyRecap({
    day: week,
    today,
    participantId: String(member._id),
    unitId: member.unitId,
    answers: answers.map((a) => ({ correct: a.correct, topic: topicOf.get(a.questionId) ?? null })),
    streak: readProtectedStreak(member.streak),
    weekScores,
    weekUnits,
    topics: bot.topics,
  });
}

/** The bot's weekly rows every member's recap of that week ranks against. */
export interface WeekBoards {
  readonly weekScores: ScoreRow[];
  readonly weekUnits: UnitScoreRow[];
}

/** How long one bot's weekly rows are reused while its recaps go out (a batch sends hundreds). */
const BOARDS_MS = 60_000;

/**
 * The weekly rows of a bot, read at most once a minute while the recaps of a week are sent, rather
 * than two aggregations of the week's answers per member.
 */
export function weekBoardsCache(models: Models, now: () => number) {
  const held = new Map<string, { at: number; boards: Promise<WeekBoards> }>();
  return (bot: string, units: readonly UnitInfo[], week: string): Promise<WeekBoards> => {
    const key = `${bot}|${week}`;
    const hit = held.get(key);
    if (hit && now() - hit.at < BOARDS_MS) return hit.boards;
    const boards = Promise.all([scoreRows(models, bot, 'week', week), unitScoreRows(models, bot, units, 'week', week)]).then(([weekScores, weekUnits]) => ({
      weekScores,
      weekUnits,
    }));
    // One week of one bot at a time is what a running job needs; a failed read is not kept.
    if (held.size > 16) held.clear();
    held.set(key, { at: now(), boards });
    boards.catch(() => held.delete(key));
    return boards;
  };
}

/**
 * The recap as the member reads it: the text, a button that starts a practice set on the suggested
 * topic (all levels mixed), "Dừng tổng kết" and "Điểm của tôi".
 */
export function weeklyRecapMessage(recap: WeeklyRecap, t: Translate, locale: Locale): OutboundMessage {
  const topicName = (topic: string) => t(locale, `common:topic.${topic}`);
  const choices: Choice[] = [
    ...(recap.suggestedTopic ? [{ title: t(locale, 'learning:recap.practice'), payload: payload.practiceSet(recap.suggestedTopic, 'mixed') }] : []),
    commandChoice(t, locale, 'recap_off'),
    commandChoice(t, locale, 'score'),
  ];
  // No `reply`: the fan-out sends it, not a turn, so no offered choice is remembered to match typed words
  // against; Zalo OA carries the payload in a hidden button, Messenger in the quick reply, the simulator in its button.
  return { text: recapText(recap, t, locale, topicName), choices };
}
