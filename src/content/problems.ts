import { formatPercent, interpolate, type Locale } from '../domain/index.js';

/**
 * The content checks an organiser can run into in the admin pages, each a stable code with the
 * English words `content:check` prints. The pages and the API say the same problem in the caller's
 * language from `editor:problem.<code>` (content/locales/{vi,en}/editor.json), fed the same params,
 * so a question published through the page is held to exactly the rules of `content:check`.
 * Problems without a code (locale files, secrets, cron) only arise in files developers edit.
 */
export const PROBLEMS = {
  // ---- one question
  question_answer_beyond_options: 'question "{{id}}": answer {{answer}} but there are only {{count}} options ({{letters}})',
  question_en_option_count: 'question "{{id}}": the English version has {{en}} options, the Vietnamese {{vi}}; they must match',
  question_option_repeated: 'question "{{id}}": option {{letter}} repeats option {{first}}',
  question_unknown_fact: 'question "{{id}}": unknown fact "{{fact}}" (no content/facts file has this id)',
  question_replaced_fact: 'question "{{id}}": fact "{{fact}}" was replaced by "{{replacedBy}}"; cite it too and say in the explanation what replaced what',
  question_province_fact: 'question "{{id}}": fact "{{fact}}" is about {{province}}; the question needs province: {{province}}',
  question_history_says_when: 'question "{{id}}": fact "{{fact}}" describes the past; say when in the question ("Năm 2023, …", "Trước khi …")',
  question_province_no_bot: 'question "{{id}}": no bot has province "{{province}}", so only the demo would ask it',
  question_review_missing: 'question "{{id}}" is {{status}}: give review.reviewer and review.reviewedAt',
  question_reviewer_is_author: 'question "{{id}}" is {{status}}: the reviewer must be someone other than the author',
  question_reviewed_before_written: 'question "{{id}}": reviewed ({{reviewedAt}}) before it was written ({{writtenAt}})',
  question_bad_date: 'question "{{id}}": {{date}} is not a calendar date',
  question_echo:
    'question "{{id}}": only the right option repeats "{{echo}}" from the question, which gives the answer away; let a wrong option repeat it too or leave it out of the question',
  // ---- a question's pictures (content/media; the question's id is put in front by the checker)
  media_missing: '{{file}}: no such file in content/media',
  media_too_big: '{{file}}: {{bytes}} bytes, more than the {{maxBytes}} allowed (1 MB, what both Zalo OA and Messenger accept)',
  media_not_picture: '{{file}}: not a PNG, JPEG or WebP picture (its first bytes say so, whatever its name)',
  media_extension: '{{file}}: the file is a {{format}} but its name ends in "{{ext}}"',
  media_too_large: '{{file}}: {{width}}×{{height}} pixels, larger than {{maxWidth}}×{{maxHeight}}',
  media_too_small: '{{file}}: {{width}}×{{height}} pixels, smaller than {{min}} on a side (unreadable in chat)',
  // ---- across questions and the live bank
  question_duplicate_id: 'duplicate question id "{{id}}" (first at {{first}})',
  question_duplicate_text: 'question "{{id}}" has the same text as question "{{other}}" ({{first}})',
  topic_answer_share:
    'topic "{{topic}}": answer {{letter}} is right in {{count}} of {{total}} questions ({{percent}}); at most {{max}} may share one position, move some right answers to other letters',
  bank_position: 'live bank: in the {{total}} questions with {{n}} options, {{letter}} is right in {{count}} ({{share}}); each letter must be right in {{expected}} ± {{tolerance}}',
  bank_longest: 'live bank: the right option is the longest in {{count}} of {{total}} questions ({{share}}); at most {{max}}, lengthen some wrong options',
  bank_baseline: 'live bank: {{name}} scores {{score}} against {{chance}} by chance; at most chance + {{margin}} (npm run cli -- content baselines)',
  bank_family_never: 'live bank: options starting "{{family}}" are never the right answer ({{right}} of {{count}}), so a guesser learns to skip them',
  bank_family_always: 'live bank: options starting "{{family}}" are always the right answer ({{right}} of {{count}}), so a guesser learns to pick them',
  bank_family_band: 'live bank: options starting "{{family}}" are right in {{right}} of {{count}} ({{share}}) against {{expected}} by chance; keep within {{band}} of chance',
  topic_no_name: 'topic "{{topic}}" has no display name: add "topic": { "{{topic}}": "..." } to content/locales/{{locale}}/common.json',
  // ---- unit lists
  unit_list_duplicate_id: 'duplicate unit list id "{{list}}" (first at {{first}})',
  unit_duplicate_id: 'unit list "{{list}}": duplicate unit id "{{unit}}" (first at {{first}})',
  unit_ended_body: 'unit list "{{list}}": "{{name}}" is not a current unit: {{why}}',
  unit_unknown_parent: 'unit list "{{list}}": unit "{{unit}}" has parent "{{parent}}", which is not a unit of this list',
  // ---- campaigns and their events
  campaign_duplicate_id: 'duplicate campaign id "{{campaign}}" (first at {{first}})',
  event_duplicate_id: 'duplicate event id "{{event}}" (first at {{first}})',
  campaign_unknown_fact: 'campaign "{{campaign}}": unknown fact "{{fact}}" (no content/facts file has this id)',
  event_bad_date: 'event "{{event}}": {{date}} is not a calendar date',
  event_bad_yearly: 'event "{{event}}": {{yearly}} is not a month and day (MM-DD)',
  event_until_and_perennial: 'event "{{event}}": give either until or perennial, not both',
  event_needs_until:
    'event "{{event}}" recurs every year: give until (its last day, when the plan or body behind it ends) or perennial: true (a standing date such as 10/10)',
  event_unknown_fact: 'event "{{event}}": unknown fact "{{fact}}" (no content/facts file has this id)',
  event_no_fact: 'event "{{event}}" rests on no fact: give facts to the event or to campaign "{{campaign}}"',
  event_reminder_twice: 'event "{{event}}": reminder {{days}} day(s) before is listed twice',
  event_unknown_bot: 'event "{{event}}": unknown bot "{{bot}}"',
  event_bot_lacks_campaign: 'event "{{event}}": bot "{{bot}}" does not list campaign "{{campaign}}" in its campaigns',
  event_message_key_missing: 'event "{{event}}": message key "{{key}}" is missing in content/locales/{{locale}}/{{namespace}}.json',
  event_message_unknown_var: 'event "{{event}}": the {{locale}} message "{{key}}" uses {{{{variable}}}}, which is neither in message.vars nor one of {{known}}',
  event_text_unknown_var: 'event "{{event}}": the {{locale}} message uses {{{{variable}}}}, which is not one of {{known}}',
  // ---- bots and contests
  bot_topic_no_questions: 'bot "{{bot}}": topic "{{topic}}" has no published questions',
  contest_duplicate_id: 'duplicate contest id "{{contest}}" (first at {{first}})',
  contest_unknown_bot: 'contest "{{contest}}": unknown bot "{{bot}}"',
  contest_bad_date: 'bot "{{bot}}": contest {{which}} {{date}} is not a calendar date',
  contest_ends_before_start: 'bot "{{bot}}": the contest ends before it starts',
  contest_topic_no_questions: 'bot "{{bot}}": contest topic "{{topic}}" has no published questions',
  contest_too_few_questions: 'bot "{{bot}}": the contest asks {{asked}} questions per attempt but its topics have only {{available}}',
  // ---- rows of an imported file
  table_missing_column: 'column {{column}} is missing from the header row',
  table_unknown_column: 'unknown column {{column}}; the columns are {{known}}',
  table_empty: 'the file has no rows under its header',
  table_option_gap: 'empty, but a later option is filled; options must be consecutive from {{first}}',
  table_topic_forbidden: 'none of your bots asks topic "{{topic}}"',
  table_status_workflow: 'questions start as drafts; leave status empty or write draft',
  table_duplicate_id: 'id {{id}} appears twice in the file',
  table_exists: 'a question {{id}} exists already and was not written by you',
  unit_duplicate_name: 'unit "{{name}}" appears twice in the file',
  unit_parent_unknown: 'parent "{{parent}}" is not a unit of the file',
  unit_size_invalid: '"{{value}}" is not a number of members (a whole number above 0, or empty)',
} as const;

export type ProblemCode = keyof typeof PROBLEMS;
export type ProblemParams = Readonly<Record<string, string | number>>;

/** A coded problem: its code, params and English words. */
export interface CodedProblem {
  readonly code: ProblemCode;
  readonly params: ProblemParams;
  readonly message: string;
}

/**
 * Params that hold a rate (0–1), written as a percentage in the reader's language by the one
 * formatter (`formatPercent`: "73,3%" in Vietnamese, "73.3%" in English), never pre-formatted.
 */
export const PERCENT_PARAMS: readonly string[] = ['percent', 'share', 'expected', 'tolerance', 'max', 'score', 'chance', 'margin', 'band'];

/** A problem's params with its rates written as percentages in `locale`, the rest as they are. */
export function saidParams(params: ProblemParams, locale: Locale): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, PERCENT_PARAMS.includes(k) && typeof v === 'number' ? formatPercent(v, locale) : v]),
  );
}

export function problem(code: ProblemCode, params: ProblemParams): CodedProblem {
  return { code, params, message: interpolate(PROBLEMS[code], saidParams(params, 'en')) };
}
