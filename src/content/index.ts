/**
 * Content room: loading, checking and syncing `bots/` and `content/`, plus spreadsheet import/export.
 * Other rooms get the validated `ContentBundle` from the runtime (`content` in src/runtime.ts).
 */
export * from './schema.js';
export { loadContent, type ContentPaths, type Entry, type LoadedContent, type LocaleFile } from './load.js';
export {
  checkContent,
  checkFacts,
  checkBank,
  checkQuestions,
  isHistorical,
  checkTopicNames,
  checkBots,
  checkCampaigns,
  checkUnitLists,
  checkLocales,
  STANDARD_EVENT_VARS,
  BALANCE_MAX_SHARE,
  BALANCE_MIN_QUESTIONS,
  type Locator,
  type QuestionContext,
} from './check.js';
export { formatProblem, type ContentProblem, type Origin, type Position } from './source.js';
export { templateVariables } from './text.js';
export { documentDate, documentInWords, sourceLine } from './sources.js';
export {
  BANK_MIN_QUESTIONS,
  BASELINE_MARGIN,
  LONGEST_RIGHT_MAX,
  POSITION_TOLERANCE,
  echoGiveaway,
  echoTokens,
  familyOf,
  formatBaselines,
  guessingBaselines,
  type GuessingBaselines,
} from './bank.js';
export { contentRevision, questionRecord, syncContent, syncQuestions, syncUnits, type SyncReport } from './sync.js';
export {
  ContentError,
  contentPaths,
  loadAndCheckContent,
  loadAndSyncContent,
  loadValidContent,
  summarise,
  type ContentSummary,
  type StartContentOptions,
} from './service.js';
export { registerContentCommands } from './cli.js';
export { unitKey, unitNames, type UnitRef } from './unit-names.js';
export { importUploadedQuestions } from './io/upload.js';
export { IMPORT_LIMITS } from './io/guard.js';
export { MEDIA_FORMATS, MEDIA_LIMITS, checkMedia, readImageHeader, type MediaCheck, type MediaFormat, type MediaLimits } from './media.js';
