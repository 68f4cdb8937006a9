/**
 * Quiz rules as pure functions: matching typed answers, today's question, practice with Leitner
 * boxes, streaks, leaderboards, contest rounds, rankings and prizes. Days and text folding are
 * src/domain's (`dayOf`, `addDays`, `fold`...).
 */
export { hash32 } from './hash.js';
export { pickDaily, rotation } from './daily.js';
export { LEITNER_BOXES, LEITNER_INTERVAL_DAYS, LEITNER_RETRY_MINUTES, pickPractice, reviewCard, type LeitnerCard, type LeitnerDeck } from './leitner.js';
export { advanceStreak, liveStreak, type Streak } from './streak.js';
export { exactOption, letterOf, parseAnswer, type ParsedAnswer } from './answer.js';
export { memberHash, optionOrder, shownAt } from './order.js';
export { compareScores, participationRate, rankScores, rankUnits, type RankedScore, type RankedUnit, type ScoreRow, type UnitScoreRow } from './leaderboard.js';
export {
  PRIZE_KINDS,
  awardPrizes,
  bestAttempts,
  countPerfect,
  pickContestQuestions,
  rankCollective,
  rankContest,
  roundOf,
  type CollectiveCriterion,
  type CollectiveRow,
  type ContestEntry,
  type Prize,
  type PrizeCounts,
  type PrizeKind,
  type RankedEntry,
  type UnitInfo,
} from './contest.js';
export {
  PRACTICE_LEVELS,
  PRACTICE_SET_SIZE,
  answerSetQuestion,
  currentSetQuestion,
  isSetFinished,
  leitnerOrder,
  planPracticeSet,
  practiceSetSchema,
  practiceTopics,
  setProgress,
  startPracticeSet,
  summarizePracticeSet,
  type PracticeChoice,
  type PracticeLevel,
  type PracticePlan,
  type PracticeQuestion,
  type PracticeSet,
  type PracticeSummary,
  type SetAnswer,
  type TopicCount,
  type TopicMistakes,
  type Widened,
} from './practice-set.js';
export {
  missedQuestionIds,
  planMistakesSet,
  reviewMistakes,
  type AnswerHistoryItem,
  type GivenAnswer,
  type Mistake,
  type OptionRef,
  type QuestionTexts,
  type ReviewableQuestion,
} from './mistakes.js';
export {
  FREEZE_EVERY_DAYS,
  MAX_FREEZES,
  STREAK_MILESTONES,
  advanceProtectedStreak,
  lastCoveredDay,
  liveProtectedStreak,
  readProtectedStreak,
  settleStreak,
  type Advanced,
  type ProtectedStreak,
  type Settled,
  type StreakMilestone,
} from './streak-freeze.js';
export { buildWeeklyRecap, recapText, recapWeekOf, suggestTopic, wantsRecap, type RecapInput, type WeeklyRecap } from './recap.js';
export { citeFact, documentDate, type Fact, type FactDocument, type Localised } from './facts.js';
export {
  ANSWER_THRESHOLD,
  MAX_QUESTION_CHARS,
  askAnswerText,
  askFacts,
  buildFactIndex,
  goodEnough,
  rankFacts,
  looksLikeQuestion,
  syllables,
  toneKey,
  type AnswerThreshold,
  type AskResult,
  type FactIndex,
  type IndexOptions,
  type RankedFact,
} from './ask.js';
export { CODE_ALPHABET, CODE_BYTES, CODE_LENGTH, formatCode, parseCode, typeableCode } from './code.js';
export {
  INVITATION_REF_PREFIX,
  decideJoin,
  invitationCodeOf,
  invitationLinks,
  invitationRef,
  type InvitationChannels,
  type InvitationLinks,
  type JoinDecision,
} from './invitation.js';
export { durationText, freezesHeldText, mistakesText, practiceSummaryText, setProgressText, streakNoticeText } from './learning-texts.js';
