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
export { ContentError, contentPaths, loadAndCheckContent, loadValidContent, summarise, type ContentSummary } from './service.js';
export { registerContentCommands } from './cli.js';
// The two layers: shipped YAML merged with what organisers edit in the pages (src/content/store).
export { startContent, CONTENT_POLL_MS, type ContentRoom, type ContentRoomOptions, type Upload } from './room.js';
export { PROBLEMS, PERCENT_PARAMS, problem, saidParams, type ProblemCode, type CodedProblem } from './problems.js';
export { SYNC_ACTOR, changedFields, type Actor, type AuditQuery } from './store/audit.js';
export { mergeContent, yamlItems, itemRevision, type Conflict, type Merged, type StoredItem, type StoredCampaign, type StoredContest } from './store/merge.js';
export { checkMerged, newProblems, DATABASE_FILE } from './store/validate.js';
export { createContentStore, readItems, type ContentStore, type LiveContent, type ChangeListener } from './store/live.js';
export { exportContent, type ExportReport } from './store/export.js';
export { questionInputSchema, questionPatchSchema, filterQuestions, calibrate, nextQuestionId, CALIBRATION_MIN_ANSWERS, DIFFICULTY_BANDS } from './store/questions.js';
export type { QuestionInput, QuestionPatch, QuestionFilter, QuestionRow, QuestionEditor } from './store/questions.js';
export { campaignInputSchema, campaignPatchSchema, type CampaignInput, type CampaignPatch, type CampaignEditor } from './store/campaigns.js';
export { contestInputSchema, contestPatchSchema, type ContestInput, type ContestPatch, type ContestEditor } from './store/contests.js';
export { unitListPatchSchema, searchBotUnits, unknownUnits, unitsFromTable, type UnitListPatch, type UnitEditor } from './store/units.js';
export { slugOf, uniqueId } from './store/ids.js';
export { unitKey, unitNames, type UnitRef } from './unit-names.js';
export { IMPORT_LIMITS } from './io/guard.js';
export {
  MEDIA_FORMATS,
  MEDIA_LIMITS,
  MEDIA_NAME,
  MEDIA_TYPES,
  checkMedia,
  mediaPath,
  mediaUrl,
  readImageHeader,
  type MediaCheck,
  type MediaFormat,
  type MediaLimits,
} from './media.js';
