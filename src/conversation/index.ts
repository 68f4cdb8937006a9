/**
 * The conversation room: the dialogue engine (pure `step`), the service that applies its effects
 * (the webhook pipeline's `InboundHandler`), today's question for the daily job, closing expired
 * contest attempts, and contest results for the CLI and the admin API.
 */
import type { ContentBundle } from '../content/index.js';
import type { Models } from '../db/index.js';
import { DEVELOPMENT_MEMBER_KEY } from '../config/index.js';
import { dayOf, systemClock, type Clock, type InboundHandler, type Locale, type OutboundMessage, type ParticipantRef } from '../domain/index.js';
import { orderSeat } from './turn.js';
import type { Translate } from '../i18n/index.js';
import type { Logger } from '../log/index.js';
import { buildFactIndex, optionOrder, pickDaily, type FactIndex } from '../quiz/index.js';
import { dailyHeader, questionMessage } from './messages.js';
import { createQuestionSource, unitsOf } from './questions.js';
import { loadWeeklyRecap, weekBoardsCache, weeklyRecapMessage } from './recap-message.js';
import { closeExpiredAttempts, createConversationService, type ConversationListeners } from './service.js';
import { contestResults, rankFinishedRounds, type ContestResults } from './results.js';

export { step, viewsFor, intentOf, cleanDisplayName, INTENTS, type Intent } from './engine.js';
export { readTurn, CHOICES_TTL_MS, type TurnInput } from './matcher.js';
export { parsePayload, payload, COMMANDS, type Command, type Payload } from './payloads.js';
export { COMMAND_KEYWORDS, SMALL_TALK, commandOf, languageOf, smallTalkOf } from './keywords.js';
export { questionMessage, menuChoices, readableName, formatDuration } from './messages.js';
export { closeExpiredAttempts, deleteParticipant, type ConversationListeners, type AnswerWithId, type ParticipantWithId } from './service.js';
export { contestResults, contestRounds, findContest, rankFinishedRounds, roundEnd, type ContestResults, type RoundResults } from './results.js';
export {
  formatResults,
  formatSubmittedAt,
  rankingRows,
  resultsView,
  resultsWorkbook,
  writeResultsXlsx,
  RANKING_COLUMNS,
  type EntryView,
  type PrizeView,
  type ResultsView,
  type RoundView,
  type UnitView,
} from './export.js';
export { registerContestCommands } from './cli.js';
export { contestsPort, type ContestsView } from './admin-port.js';
export {
  CONSENT_VERSION,
  NEW_PARTICIPANT,
  parseDialogueState,
  type DialogueState,
  type Effect,
  type EngineContext,
  type ParticipantFacts,
  type QuizQuestion,
  type StepResult,
  type Views,
} from './types.js';
// Ranking rules, for the admin API's contest results.
export { rankContest, rankCollective, awardPrizes, bestAttempts, rankScores, rankUnits } from '../quiz/index.js';

export interface ConversationDeps {
  readonly models: Models;
  /** `facts` turn questions' fact ids into source lines members read; without them no source line is shown. */
  readonly content: Pick<ContentBundle, 'bots' | 'unitLists'> & Partial<Pick<ContentBundle, 'facts'>>;
  readonly t: Translate;
  /** The configured time zone (config.timeZone): what "today" is for the daily question and answers. */
  readonly timeZone: string;
  readonly clock?: Clock;
  readonly logger: Logger;
  readonly listeners?: ConversationListeners;
  /** Key of the per-member option order and of the fairness marks (config.memberKey); a development default without. */
  readonly memberKey?: string;
  /** PUBLIC_URL: certificates are sent as pictures at <publicUrl>/certificates/<code>.png; without it none is sent. */
  readonly publicUrl?: string | undefined;
  /** The bot's Messenger marketing messages are configured (YAML and secrets): members may be asked to opt in. */
  readonly optInEnabled?: (bot: string) => boolean;
}

export interface Conversation {
  /** Plug into `createChannels({ handler })`. */
  readonly handler: InboundHandler;
  /**
   * Today's question of a bot as a message, for the daily-question job; null when the bot has no
   * active question. With `member`, its options are in that member's own order (the fan-out renders
   * it per member). Its buttons carry `ANS|<question>|<revision>|daily|<day>|<option>`, so an answer
   * needs no stored state and a late answer is recognised as expired.
   */
  dailyQuestionMessage(botId: string, day: string, locale: Locale, member?: ParticipantRef): Promise<OutboundMessage | null>;
  /**
   * One member's weekly recap of the week starting `week` (a Monday), for the weekly-recap job; null
   * when they do not get one (unknown, "Dừng tổng kết", or no answer that week).
   */
  weeklyRecapMessage(botId: string, week: string, locale: Locale, member: ParticipantRef): Promise<OutboundMessage | null>;
  /** Agenda job: close attempts whose time limit has passed. */
  closeExpiredAttempts(): Promise<number>;
  /** Gives the certificates of rounds whose results became final their rank (the contest-close job, after closing attempts). */
  rankFinishedRounds(): Promise<number>;
  /** The content changed (an edit in the admin pages): questions are read again at the next event. */
  contentChanged(): void;
  /** Contest results for the admin API. */
  contestResults(contestId: string, options?: { bot?: string; round?: string }): Promise<ContestResults | null>;
}

/**
 * Hỏi đáp: one fact index per bot, built on first use from the loaded content (a content reload
 * builds a new conversation), with the facts of the bot's province (all of them for `allProvinces`).
 */
function factIndexes(content: ConversationDeps['content']): (bot: ContentBundle['bots'][number]) => FactIndex | null {
  const built = new Map<string, FactIndex>();
  return (bot) => {
    if (!content.facts?.length) return null;
    let index = built.get(bot.id);
    if (!index) {
      index = buildFactIndex(content.facts, { province: bot.province ?? null, allProvinces: bot.allProvinces });
      built.set(bot.id, index);
    }
    return index;
  };
}

/** Builds the conversation on the given models, content and translations. */
export function createConversation(deps: ConversationDeps): Conversation {
  const clock = deps.clock ?? systemClock;
  const questions = createQuestionSource(deps.models, () => clock().getTime(), deps.content.facts ?? [], deps.publicUrl);
  const memberKey = deps.memberKey ?? DEVELOPMENT_MEMBER_KEY;
  const handler = createConversationService({ ...deps, clock, questions, memberKey, factIndex: factIndexes(deps.content) });
  const weekBoards = weekBoardsCache(deps.models, () => clock().getTime());
  return {
    handler,
    async dailyQuestionMessage(botId, day, locale, member) {
      const bot = deps.content.bots.find((b) => b.id === botId);
      if (!bot) return null;
      const q = pickDaily(bot.id, day, await questions.forBot(bot));
      if (!q) return null;
      const order = member ? optionOrder(memberKey, orderSeat(member), q.questionId, q.vi.options.length) : undefined;
      const message = questionMessage(deps.t, locale, q, dailyHeader(deps.t, locale, day), 'daily', day, order);
      // Its buttons can be typed or, on Zalo OA, tapped as the member's words (the option's text).
      return message;
    },
    async weeklyRecapMessage(botId, week, locale, member) {
      const bot = deps.content.bots.find((b) => b.id === botId);
      if (!bot) return null;
      const p = await deps.models.Participant.findOne(
        { bot: bot.id, channel: member.channel, userId: member.userId },
        { unitId: 1, streak: 1, recap: 1 },
      ).lean();
      if (!p) return null;
      const today = dayOf(clock(), deps.timeZone);
      const boards = () => weekBoards(bot.id, unitsOf(deps.content, bot), week);
      const recap = await loadWeeklyRecap(deps.models, bot, await questions.forBot(bot), p, week, today, boards);
      return recap ? weeklyRecapMessage(recap, deps.t, locale) : null;
    },
    closeExpiredAttempts: () => closeExpiredAttempts(deps.models, clock),
    rankFinishedRounds: () => rankFinishedRounds(deps.models, deps.content, clock(), deps.timeZone),
    contentChanged: () => questions.clear(),
    contestResults: (contestId, options) => contestResults(deps.models, deps.content, contestId, options),
  };
}
