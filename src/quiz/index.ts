/**
 * Quiz rules as pure functions: matching typed answers, today's question, practice with Leitner
 * boxes, streaks, leaderboards, contest rounds, rankings and prizes. Days and text folding are
 * src/domain's (`dayOf`, `addDays`, `fold`...).
 */
export { hash32 } from './hash.js';
export { pickDaily, rotation } from './daily.js';
export { LEITNER_BOXES, LEITNER_INTERVAL_DAYS, LEITNER_RETRY_MINUTES, pickPractice, reviewCard, type LeitnerCard, type LeitnerDeck } from './leitner.js';
export { advanceStreak, liveStreak, type Streak } from './streak.js';
export { letterOf, parseAnswer, type ParsedAnswer } from './answer.js';
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
