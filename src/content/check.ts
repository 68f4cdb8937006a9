import { DateTime } from 'luxon';
import { DEFAULT_TIME_ZONE, LOCALES, dayOf, type Locale } from '../domain/index.js';
import type { Entry, LoadedContent, LocaleFile } from './load.js';
import {
  ANSWER_LETTERS,
  botAsks,
  CHANNEL_SECRETS,
  isLive,
  isMessageText,
  type BotConfig,
  type BotContest,
  type Campaign,
  type CampaignEvent,
  type ContestConfig,
  type Fact,
  type PlatformChannel,
  type QuestionContent,
  type UnitList,
} from './schema.js';
import {
  BANK_MIN_QUESTIONS,
  BASELINE_MARGIN,
  echoGiveaway,
  FAMILY_BAND,
  FAMILY_BAND_OPTIONS,
  FAMILY_MIN_OPTIONS,
  familyOf,
  guessingBaselines,
  LONGEST_RIGHT_MAX,
  POSITION_TOLERANCE,
  rightIsLongest,
} from './bank.js';
import { cronFixedTime, cronProblem, inQuietHours } from './cron.js';
import { problem, type CodedProblem } from './problems.js';
import { checkMedia } from './media.js';
import { sortProblems, type ContentProblem, type Origin, type Path, type Position } from './source.js';
import { fold } from '../domain/index.js';
import { flattenKeys, pluralBase, templateVariables, type FlatKey } from './text.js';

/**
 * Cross-reference checks over loaded content. Pure: no disk, no database. Each function takes
 * entries (a value and where it was written) and a locator, and returns problems with positions.
 */

/**
 * Variables the campaign-reminder job passes to every event message, on top of the event's `vars`:
 * - `title`: the event's title in the recipient's locale;
 * - `campaign`: the campaign's title in the recipient's locale;
 * - `date`: the event's date as `dd/MM/yyyy` (Asia/Ho_Chi_Minh);
 * - `time`: the event's time of day, `HH:mm`;
 * - `daysLeft` and `count`: whole days until the event (0 on the day), `count` for i18next plurals.
 * On the day itself the job asks for `<key>_today` first (i18next `context: 'today'`), falling back to `<key>`.
 */
export const STANDARD_EVENT_VARS = ['title', 'campaign', 'date', 'time', 'daysLeft', 'count'] as const;

/** Answer positions are balanced only over topics with at least this many questions (below, 35% is unreachable). */
export const BALANCE_MIN_QUESTIONS = 6;
/** No answer letter may be right in more than this share of a topic's questions. */
export const BALANCE_MAX_SHARE = 0.35;

/** Turns an origin into a position and a short reference for "first defined at ..." messages. */
export interface Locator {
  position(origin: Origin): Position;
  describe(origin: Origin): string;
}

/** What a check reports: English words, or a coded problem (src/content/problems.ts) the pages can translate. */
type Report = (origin: Origin, what: string | CodedProblem) => void;

const at = (origin: Origin, ...rest: Path): Origin => ({ file: origin.file, path: [...origin.path, ...rest] });

function reporter(locator: Locator, out: ContentProblem[]): Report {
  return (origin, what) => {
    const { line, column } = locator.position(origin);
    const coded = typeof what === 'string' ? { message: what } : what;
    out.push({ file: origin.file, line, column, path: origin.path, ...coded });
  };
}

/** Every problem of the loaded content: syntax and schema problems from loading, then cross-references. `now` dates history. */
export function checkContent(loaded: LoadedContent, now: Date = new Date()): ContentProblem[] {
  const locator: Locator = {
    position: (o) => loaded.locate(o),
    describe: (o) => {
      const p = loaded.locate(o);
      return `${o.file}:${p.line}:${p.column}`;
    },
  };
  const out: ContentProblem[] = [...loaded.problems];
  const { facts, bots, questions, campaigns, unitLists } = loaded.entries;
  out.push(...checkFacts(facts, locator));
  out.push(
    ...checkQuestions(questions, locator, {
      facts: facts.map((f) => f.value),
      bots: bots.map((b) => b.value),
      now,
      ...(loaded.media ? { media: loaded.media } : {}),
    }),
  );
  out.push(...checkBank(questions, locator));
  out.push(...checkTopicNames(questions, loaded.locales, locator));
  out.push(...checkUnitLists(unitLists, locator));
  out.push(...checkCampaigns(campaigns, bots, loaded.locales, locator, facts.map((f) => f.value)));
  out.push(...checkBots(bots, { questions, campaigns, unitLists, contests: loaded.entries.contests }, locator));
  out.push(...checkLocales(loaded.locales, locator));
  return sortProblems(out);
}

// ------------------------------------------------------------------------------------ facts

/** Facts: unique ids, `replacedBy` naming another fact, and a link for a fact from another public source. */
export function checkFacts(entries: readonly Entry<Fact>[], locator: Locator): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  firstWins(entries, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), `duplicate fact id "${dup.value.id}" (first at ${locator.describe(at(first.origin, 'id'))})`),
  );
  const ids = new Set(entries.map((e) => e.value.id));
  for (const { value: f, origin } of entries) {
    if (f.replacedBy === f.id) report(at(origin, 'replacedBy'), `fact "${f.id}" cannot be replaced by itself`);
    else if (f.replacedBy && !ids.has(f.replacedBy)) report(at(origin, 'replacedBy'), `fact "${f.id}": replacedBy names "${f.replacedBy}", which is not a fact`);
    if (f.id.startsWith('pub-') && !f.link) report(at(origin, 'id'), `fact "${f.id}" comes from a public source: give the link of the page you read`);
    if (f.document.date && !DateTime.fromISO(f.document.date).isValid) report(at(origin, 'document', 'date'), `fact "${f.id}": ${f.document.date} is not a calendar date`);
    if (f.validUntil && !DateTime.fromISO(f.validUntil).isValid) report(at(origin, 'validUntil'), `fact "${f.id}": ${f.validUntil} is not a calendar date`);
  }
  return out;
}

/** Whether a fact describes the past on `day` (YYYY-MM-DD): replaced, out of date, or a seed plan of 2022–2025. */
export function isHistorical(fact: Fact, day: string): boolean {
  return Boolean(fact.replacedBy) || (fact.validUntil !== undefined && fact.validUntil < day) || fact.id.startsWith('seed-');
}

/** A question "says when": a year or "trước" (before) in the Vietnamese text, as history must. */
const SAYS_WHEN = /(?<!\d)(?:19|20)\d{2}(?!\d)|\btrước\b|\btừng\b/iu;

// ------------------------------------------------------------------------------------ questions

/**
 * A question's pictures (`image`, `explanationImage`): a file of content/media that is a PNG, JPEG
 * or WebP by its bytes, at most MEDIA_LIMITS.maxBytes and of a readable size (src/content/media.ts).
 * Reported at the field naming the file, with the question's id in front.
 */
function checkPictures(q: QuestionContent, origin: Origin, report: Report, media: ReadonlyMap<string, Uint8Array>): void {
  for (const field of ['image', 'explanationImage'] as const) {
    const file = q[field];
    if (!file) continue;
    const bytes = media.get(file);
    const checked = bytes ? checkMedia(file, bytes) : null;
    const problems: readonly CodedProblem[] = !checked ? [problem('media_missing', { file })] : checked.ok ? [] : checked.problems;
    for (const p of problems) report(at(origin, field), { ...p, params: { ...p.params, id: q.id }, message: `question "${q.id}": ${p.message}` });
  }
}

export interface QuestionContext {
  readonly facts: readonly Fact[];
  /** For province checks; none given, none made. */
  readonly bots?: readonly BotConfig[];
  /** The day history is judged on. */
  readonly now?: Date;
  /** The files of content/media by name, for the questions' pictures; none given, none checked. */
  readonly media?: ReadonlyMap<string, Uint8Array>;
}

/**
 * Each question: answer letter within the options, English with the same number of options,
 * facts that exist (and, for a replaced fact, the fact that replaced it), province-specific facts
 * carried as the question's province, history that says when, a review trail with two people for a
 * published question, and no option that gives the answer away by echoing the question. Then
 * across questions: unique ids and texts, and balanced answer positions per topic.
 */
export function checkQuestions(entries: readonly Entry<QuestionContent>[], locator: Locator, ctx: QuestionContext): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  const facts = new Map(ctx.facts.map((f) => [f.id, f]));
  const day = dayOf(ctx.now ?? new Date(), DEFAULT_TIME_ZONE);
  const provinces = ctx.bots ? new Set(ctx.bots.flatMap((b) => (b.province ? [b.province] : []))) : undefined;

  for (const { value: q, origin } of entries) {
    checkOptions(q, origin, report);
    checkCitedFacts(q, origin, report, { facts, day, provinces });
    checkReview(q, origin, report);
    if (ctx.media) checkPictures(q, origin, report, ctx.media);
    // Checked on drafts too: a writer sees the give-away before the question goes live.
    const echo = echoGiveaway(q);
    if (echo) {
      report(at(origin, 'options'), problem('question_echo', { id: q.id, echo }));
    }
  }
  checkAcrossQuestions(entries, locator, report);
  return out;
}

/** The answer letter within the options, English with as many options, no option repeated. */
function checkOptions(q: QuestionContent, origin: Origin, report: Report): void {
  const index = ANSWER_LETTERS.indexOf(q.answer);
  if (index >= q.options.length) {
    report(
      at(origin, 'answer'),
      problem('question_answer_beyond_options', { id: q.id, answer: q.answer, count: q.options.length, letters: ANSWER_LETTERS.slice(0, q.options.length).join(', ') }),
    );
  }
  if (q.en.options.length !== q.options.length) {
    report(at(origin, 'en', 'options'), problem('question_en_option_count', { id: q.id, en: q.en.options.length, vi: q.options.length }));
  }
  const seen = new Map<string, number>();
  q.options.forEach((opt, i) => {
    const key = fold(opt);
    const first = seen.get(key);
    if (first !== undefined) report(at(origin, 'options', i), problem('question_option_repeated', { id: q.id, letter: ANSWER_LETTERS[i]!, first: ANSWER_LETTERS[first]! }));
    else seen.set(key, i);
  });
}

/** Facts exist; a replaced one comes with what replaced it; province facts make a province question; the past says when. */
function checkCitedFacts(
  q: QuestionContent,
  origin: Origin,
  report: Report,
  ctx: { facts: ReadonlyMap<string, Fact>; day: string; provinces: ReadonlySet<string> | undefined },
): void {
  const cited: Fact[] = [];
  q.facts.forEach((id, i) => {
    const fact = ctx.facts.get(id);
    if (!fact) report(at(origin, 'facts', i), problem('question_unknown_fact', { id: q.id, fact: id }));
    else cited.push(fact);
  });
  for (const fact of cited) {
    if (fact.replacedBy && !q.facts.includes(fact.replacedBy)) {
      report(at(origin, 'facts'), problem('question_replaced_fact', { id: q.id, fact: fact.id, replacedBy: fact.replacedBy }));
    }
    if (fact.province && fact.province !== q.province) {
      report(at(origin, q.province ? 'province' : 'facts'), problem('question_province_fact', { id: q.id, fact: fact.id, province: fact.province }));
    }
  }
  const past = cited.find((f) => isHistorical(f, ctx.day));
  if (past && !SAYS_WHEN.test(q.question)) {
    report(at(origin, 'question'), problem('question_history_says_when', { id: q.id, fact: past.id }));
  }
  if (q.province && ctx.provinces && isLive(q) && !ctx.provinces.has(q.province)) {
    report(at(origin, 'province'), problem('question_province_no_bot', { id: q.id, province: q.province }));
  }
}

/** A question past draft was reviewed, by someone other than its author, after it was written. */
function checkReview(q: QuestionContent, origin: Origin, report: Report): void {
  const r = q.review;
  if (q.status !== 'draft') {
    if (!r.reviewer || !r.reviewedAt) report(at(origin, 'review'), problem('question_review_missing', { id: q.id, status: q.status }));
    else if (fold(r.reviewer) === fold(r.author)) {
      report(at(origin, 'review', 'reviewer'), problem('question_reviewer_is_author', { id: q.id, status: q.status }));
    }
  }
  if (r.reviewedAt && r.reviewedAt < r.writtenAt) report(at(origin, 'review', 'reviewedAt'), problem('question_reviewed_before_written', { id: q.id, reviewedAt: r.reviewedAt, writtenAt: r.writtenAt }));
  for (const field of ['writtenAt', 'reviewedAt'] as const) {
    const d = r[field];
    if (d && !DateTime.fromISO(d).isValid) report(at(origin, 'review', field), problem('question_bad_date', { id: q.id, date: d }));
  }
}

/** Unique ids and texts, and balanced answer positions per topic. */
function checkAcrossQuestions(entries: readonly Entry<QuestionContent>[], locator: Locator, report: Report): void {
  firstWins(entries, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), problem('question_duplicate_id', { id: dup.value.id, first: locator.describe(at(first.origin, 'id')) })),
  );
  firstWins(entries, (e) => fold(e.value.question), (dup, first) =>
    report(
      at(dup.origin, 'question'),
      problem('question_duplicate_text', { id: dup.value.id, other: first.value.id, otherText: first.value.question, first: locator.describe(at(first.origin, 'question')) }),
    ),
  );

  const byTopic = groupBy(
    entries.filter((e) => isLive(e.value)),
    (e) => e.value.topic,
  );
  for (const [topic, list] of byTopic) {
    if (list.length < BALANCE_MIN_QUESTIONS) continue;
    for (const letter of ANSWER_LETTERS) {
      const holding = list.filter((e) => e.value.answer === letter);
      const share = holding.length / list.length;
      if (share > BALANCE_MAX_SHARE) {
        report(
          at(holding[0]!.origin, 'answer'),
          problem('topic_answer_share', { topic, letter, count: holding.length, total: list.length, percent: share, max: BALANCE_MAX_SHARE }),
        );
      }
    }
  }
}

// ------------------------------------------------------------------------------------ the live bank

/**
 * The live (published) bank cannot be guessed: right answers spread evenly over the letters within
 * each option count, the longest option right in at most 40% of questions, the guessing baselines
 * (last option, longest option, question echo) no better than chance plus a few points, and no
 * option family ("Không…", "Chỉ…", "Tất cả…") that is always wrong or always right.
 */
export function checkBank(entries: readonly Entry<QuestionContent>[], locator: Locator): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  const live = entries.filter((e) => isLive(e.value));
  if (live.length === 0) return out;
  const first = live[0]!;

  for (const [count, list] of groupBy(live, (e) => String(e.value.options.length))) {
    if (list.length < BANK_MIN_QUESTIONS) continue;
    const n = Number(count);
    for (const letter of ANSWER_LETTERS.slice(0, n)) {
      const holding = list.filter((e) => e.value.answer === letter);
      const share = holding.length / list.length;
      if (Math.abs(share - 1 / n) > POSITION_TOLERANCE + 1e-9) {
        report(
          at((holding[0] ?? list[0]!).origin, 'answer'),
          problem('bank_position', {
            total: list.length,
            n,
            letter,
            count: holding.length,
            share,
            expected: 1 / n,
            tolerance: POSITION_TOLERANCE,
          }),
        );
      }
    }
  }

  if (live.length >= BANK_MIN_QUESTIONS) {
    const b = guessingBaselines(live.map((e) => e.value));
    const longest = live.filter((e) => rightIsLongest(e.value));
    if (b.longestRight > LONGEST_RIGHT_MAX) {
      report(
        at((longest[0] ?? first).origin, 'options'),
        problem('bank_longest', { count: longest.length, total: live.length, share: b.longestRight, max: LONGEST_RIGHT_MAX }),
      );
    }
    const baselines: Array<[string, string, number]> = [
      ['last', 'always picking the last option', b.lastOption],
      ['longest', 'always picking the longest option', b.longestOption],
      ['echo', 'picking the option that repeats the question', b.echo],
    ];
    for (const [strategy, name, score] of baselines) {
      if (score > b.chance + BASELINE_MARGIN + 1e-9) {
        report(first.origin, problem('bank_baseline', { strategy, name, score, chance: b.chance, margin: BASELINE_MARGIN }));
      }
    }
  }

  const families = new Map<string, Array<{ entry: Entry<QuestionContent>; index: number; right: boolean }>>();
  for (const e of live) {
    e.value.options.forEach((o, i) => {
      const family = familyOf(o);
      if (family) families.set(family, [...(families.get(family) ?? []), { entry: e, index: i, right: i === ANSWER_LETTERS.indexOf(e.value.answer) }]);
    });
  }
  for (const [family, list] of families) {
    if (list.length < FAMILY_MIN_OPTIONS) continue;
    const right = list.filter((x) => x.right).length;
    const where = list[0]!;
    if (right === 0 || right === list.length) {
      report(
        at(where.entry.origin, 'options', where.index),
        problem(right === 0 ? 'bank_family_never' : 'bank_family_always', { family, right, count: list.length }),
      );
      continue;
    }
    // A large family may not lean far either way (the old bank: "Không…/Chỉ…" right 7 times in 92).
    const expected = list.reduce((sum, x) => sum + 1 / x.entry.value.options.length, 0) / list.length;
    const share = right / list.length;
    if (list.length >= FAMILY_BAND_OPTIONS && Math.abs(share - expected) > FAMILY_BAND) {
      report(
        at(where.entry.origin, 'options', where.index),
        problem('bank_family_band', { family, right, count: list.length, share, expected: expected, band: FAMILY_BAND }),
      );
    }
  }
  return out;
}

/**
 * Every topic has a display name in every locale, `common:topic.<topic>`, which menus and
 * statistics show instead of the id.
 */
export function checkTopicNames(
  entries: readonly Entry<QuestionContent>[],
  locales: readonly LocaleFile[],
  locator: Locator,
): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  const keys = localeKeyIndex(locales);
  const firstOfTopic = new Map<string, Entry<QuestionContent>>();
  for (const e of entries) if (!firstOfTopic.has(e.value.topic)) firstOfTopic.set(e.value.topic, e);
  // A locale whose common.json is missing or unreadable is reported once by checkLocales; not again per topic.
  const withCommon = LOCALES.filter((l) => locales.some((f) => f.locale === l && f.namespace === 'common'));
  for (const [topic, first] of firstOfTopic) {
    for (const locale of withCommon.length ? withCommon : LOCALES) {
      if (!keys.has(`${locale}|common|topic.${topic}`)) {
        report(at(first.origin, 'topic'), problem('topic_no_name', { topic, locale }));
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ units

/**
 * Bodies the 2025 reform ended (facts P03, P04): district education offices and district labour
 * federations (the district level ended on 01/7/2025), and provincial Departments of Information and
 * Communications (merged into the Departments of Science and Technology). A unit list names units
 * members belong to now.
 */
const ENDED_BODIES: ReadonlyArray<{ readonly pattern: RegExp; readonly why: string; readonly reason: 'district' | 'ict' }> = [
  // A Phòng GD&ĐT was always a district-level office (the province has a Sở); a federation only when of a district.
  { pattern: /\bphòng\s+(gd\s*&?\s*đt|gdđt|giáo\s+dục)/iu, why: 'the district level ended on 01/7/2025 (P03)', reason: 'district' },
  { pattern: /\b(lđlđ|liên\s+đoàn\s+lao\s+động)\s+(các\s+)?(huyện|quận|thị\s+xã)/iu, why: 'the district level ended on 01/7/2025 (P03)', reason: 'district' },
  {
    pattern: /sở\s+(thông\s+tin\s+và\s+truyền\s+thông|tt\s*&\s*tt|tttt)\b/iu,
    why: 'the Departments of Information and Communications merged into the Departments of Science and Technology in 2025 (P04)',
    reason: 'ict',
  },
];

/** Unit lists: list ids unique across files, unit ids unique within a list, parents that exist, no body the 2025 reform ended. */
export function checkUnitLists(entries: readonly Entry<UnitList>[], locator: Locator): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  firstWins(entries, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), problem('unit_list_duplicate_id', { list: dup.value.id, first: locator.describe(at(first.origin, 'id')) })),
  );
  for (const { value: list, origin } of entries) {
    const units = list.units.map((u, i) => ({ value: u, origin: at(origin, 'units', i) }));
    firstWins(units, (u) => u.value.id, (dup, first) =>
      report(at(dup.origin, 'id'), problem('unit_duplicate_id', { list: list.id, unit: dup.value.id, name: dup.value.name, first: locator.describe(at(first.origin, 'id')) })),
    );
    const ids = new Set(list.units.map((u) => u.id));
    for (const u of units) {
      const ended = ENDED_BODIES.find((b) => b.pattern.test(u.value.name));
      if (ended) report(at(u.origin, 'name'), problem('unit_ended_body', { list: list.id, name: u.value.name, why: ended.why, reason: ended.reason }));
      if (u.value.parent && !ids.has(u.value.parent)) {
        report(at(u.origin, 'parent'), problem('unit_unknown_parent', { list: list.id, unit: u.value.id, name: u.value.name, parent: u.value.parent }));
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ campaigns

/**
 * Campaigns: unique campaign and event ids, real calendar dates, bots that exist and list the
 * campaign, message keys present in every locale whose `{{variables}}` the event provides, every
 * event resting on facts that exist, and every yearly event ending (`until`) or marked perennial.
 */
export function checkCampaigns(
  entries: readonly Entry<Campaign>[],
  bots: readonly Entry<BotConfig>[],
  locales: readonly LocaleFile[],
  locator: Locator,
  facts: readonly Fact[],
): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  firstWins(entries, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), problem('campaign_duplicate_id', { campaign: dup.value.id, first: locator.describe(at(first.origin, 'id')) })),
  );
  const events = entries.flatMap(({ value: c, origin }) =>
    c.events.map((ev, i) => ({ value: ev, campaign: c, origin: at(origin, 'events', i) })),
  );
  firstWins(events, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), problem('event_duplicate_id', { event: dup.value.id, first: locator.describe(at(first.origin, 'id')) })),
  );

  const botsById = new Map(bots.map((b) => [b.value.id, b.value]));
  const keys = localeKeyIndex(locales);
  const factIds = new Set(facts.map((f) => f.id));
  for (const { value: c, origin } of entries) {
    c.facts.forEach((id, i) => {
      if (!factIds.has(id)) report(at(origin, 'facts', i), problem('campaign_unknown_fact', { campaign: c.id, fact: id }));
    });
  }
  for (const { value: ev, campaign, origin } of events) {
    if (ev.date && !DateTime.fromISO(ev.date).isValid) report(at(origin, 'date'), problem('event_bad_date', { event: ev.id, date: ev.date }));
    if (ev.yearly && !DateTime.fromISO(`2024-${ev.yearly}`).isValid) {
      report(at(origin, 'yearly'), problem('event_bad_yearly', { event: ev.id, yearly: ev.yearly }));
    }
    if (ev.yearly && Boolean(ev.until) === ev.perennial) {
      report(
        at(origin, 'yearly'),
        problem(ev.perennial ? 'event_until_and_perennial' : 'event_needs_until', { event: ev.id }),
      );
    }
    if (ev.until && !DateTime.fromISO(ev.until).isValid) report(at(origin, 'until'), problem('event_bad_date', { event: ev.id, date: ev.until }));
    ev.facts.forEach((id, i) => {
      if (!factIds.has(id)) report(at(origin, 'facts', i), problem('event_unknown_fact', { event: ev.id, fact: id }));
    });
    if (campaign.facts.length === 0 && ev.facts.length === 0) {
      report(at(origin, 'id'), problem('event_no_fact', { event: ev.id, campaign: campaign.id }));
    }
    ev.reminderDaysBefore.forEach((d, i) => {
      if (ev.reminderDaysBefore.indexOf(d) !== i) report(at(origin, 'reminderDaysBefore', i), problem('event_reminder_twice', { event: ev.id, days: d }));
    });
    (ev.bots ?? []).forEach((botId, i) => {
      const bot = botsById.get(botId);
      if (!bot) report(at(origin, 'bots', i), problem('event_unknown_bot', { event: ev.id, bot: botId }));
      else if (!bot.campaigns.includes(campaign.id)) {
        report(at(origin, 'bots', i), problem('event_bot_lacks_campaign', { event: ev.id, bot: botId, campaign: campaign.id }));
      }
    });

    checkEventMessage(ev, origin, keys, report);
  }
  return out;
}

/**
 * An event's message: an i18next key present in every locale, or text in both languages; either way
 * using only the variables the reminder job provides (the standard ones and the key's `vars`).
 */
function checkEventMessage(ev: CampaignEvent, origin: Origin, keys: ReadonlyMap<string, string>, report: Report): void {
  const message = ev.message;
  if (isMessageText(message)) {
    for (const locale of LOCALES) {
      for (const variable of templateVariables(message.text[locale])) {
        if (!(STANDARD_EVENT_VARS as readonly string[]).includes(variable)) {
          report(at(origin, 'message', 'text', locale), problem('event_text_unknown_var', { event: ev.id, locale, variable, known: STANDARD_EVENT_VARS.join(', ') }));
        }
      }
    }
    return;
  }
  const [ns, key] = splitKey(message.key);
  const provided = new Set<string>([...STANDARD_EVENT_VARS, ...Object.keys(message.vars)]);
  for (const locale of LOCALES) {
    const forms = (base: string) => [base, ...PLURAL_FORMS.map((p) => `${base}_${p}`)];
    const found = forms(key).filter((k) => keys.has(`${locale}|${ns}|${k}`));
    const templates = [...found, ...forms(`${key}_today`)].map((k) => keys.get(`${locale}|${ns}|${k}`)).filter((t) => t !== undefined);
    if (!found.length) report(at(origin, 'message', 'key'), problem('event_message_key_missing', { event: ev.id, key: message.key, locale, namespace: ns }));
    for (const template of templates) {
      for (const variable of templateVariables(template)) {
        if (!provided.has(variable)) {
          report(at(origin, 'message', 'key'), problem('event_message_unknown_var', { event: ev.id, locale, key: message.key, variable, known: STANDARD_EVENT_VARS.join(', ') }));
        }
      }
    }
  }
}

/** i18next plural forms: a key may exist only as `key_one` / `key_other` (the job passes `count`). */
const PLURAL_FORMS = ['zero', 'one', 'two', 'few', 'many', 'other'] as const;

function splitKey(full: string): [string, string] {
  const i = full.indexOf(':');
  return [full.slice(0, i), full.slice(i + 1)];
}

/** `locale|namespace|key` → string template. */
function localeKeyIndex(locales: readonly LocaleFile[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const f of locales) {
    for (const k of flattenKeys(f.data)) if (typeof k.value === 'string') index.set(`${f.locale}|${f.namespace}|${k.key}`, k.value);
  }
  return index;
}

// ------------------------------------------------------------------------------------ bots

interface BotContext {
  readonly questions: readonly Entry<QuestionContent>[];
  readonly campaigns: readonly Entry<Campaign>[];
  readonly unitLists: readonly Entry<UnitList>[];
  /** Every contest with where it is written; default: each bot's `contest` and `contests`. */
  readonly contests?: readonly Entry<BotContest>[] | undefined;
}

/** Bots: unique ids, campaigns and unit lists that exist, topics that have questions, sane contests and secrets. */
export function checkBots(entries: readonly Entry<BotConfig>[], ctx: BotContext, locator: Locator): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  firstWins(entries, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), `duplicate bot id "${dup.value.id}" (first at ${locator.describe(at(first.origin, 'id'))})`),
  );
  const campaignIds = new Set(ctx.campaigns.map((c) => c.value.id));
  const listIds = new Set(ctx.unitLists.map((l) => l.value.id));
  const live = ctx.questions.filter((q) => isLive(q.value));
  const topicsWithQuestions = new Set(live.map((q) => q.value.topic));

  for (const { value: bot, origin } of entries) {
    bot.topics.forEach((topic, i) => {
      if (!topicsWithQuestions.has(topic)) report(at(origin, 'topics', i), problem('bot_topic_no_questions', { bot: bot.id, topic }));
    });
    if (bot.allProvinces && bot.province) report(at(origin, 'province'), `bot "${bot.id}": give province or allProvinces, not both`);
    for (const [topic, tags] of Object.entries(bot.topicTags)) {
      if (!bot.topics.includes(topic)) {
        report(at(origin, 'topicTags', topic), `bot "${bot.id}": topicTags names "${topic}", which is not one of the bot's topics`);
        continue;
      }
      tags.forEach((tag, i) => {
        if (!live.some((q) => q.value.topic === topic && q.value.tags.includes(tag))) {
          report(at(origin, 'topicTags', topic, i), `bot "${bot.id}": no published question of topic "${topic}" has the tag "${tag}"`);
        }
      });
    }
    bot.campaigns.forEach((id, i) => {
      if (!campaignIds.has(id)) report(at(origin, 'campaigns', i), `bot "${bot.id}": unknown campaign "${id}" (no content/campaigns file has this id)`);
    });
    const cron = cronProblem(bot.dailyQuestion.cron);
    if (cron) report(at(origin, 'dailyQuestion', 'cron'), `bot "${bot.id}": ${cron}`);
    const dailyAt = cron ? undefined : cronFixedTime(bot.dailyQuestion.cron);
    if (dailyAt && bot.quietHours && inQuietHours(dailyAt, bot.quietHours)) {
      report(at(origin, 'dailyQuestion', 'cron'), `bot "${bot.id}": the daily question at ${dailyAt} falls in the bot's quiet hours ${bot.quietHours}, so it would always be deferred`);
    }
    if (!listIds.has(bot.units)) report(at(origin, 'units'), `bot "${bot.id}": unknown unit list "${bot.units}" (no content/units file has this id)`);
    checkGroupUnits(bot, origin, ctx.unitLists.find((l) => l.value.id === bot.units)?.value, report);

    for (const channel of ['messenger', 'zalo_oa'] as const satisfies readonly PlatformChannel[]) {
      const overrides = bot.channels[channel]?.secrets ?? {};
      const allowed: readonly string[] = CHANNEL_SECRETS[channel];
      for (const name of Object.keys(overrides)) {
        if (!allowed.includes(name)) {
          report(at(origin, 'channels', channel, 'secrets', name), `bot "${bot.id}": ${channel} has no secret "${name}" (known: ${allowed.join(', ')})`);
        }
      }
    }

  }
  const contests = ctx.contests ?? entries.flatMap(({ value: bot, origin }) => botContestEntries(bot, origin));
  firstWins(contests, (e) => e.value.contest.id, (dup, first) =>
    report(at(dup.origin, 'id'), problem('contest_duplicate_id', { contest: dup.value.contest.id, first: locator.describe(at(first.origin, 'id')) })),
  );
  const bots = new Map(entries.map((e) => [e.value.id, e.value]));
  for (const { value, origin } of contests) {
    const bot = bots.get(value.bot);
    if (!bot) report(at(origin, 'bot'), problem('contest_unknown_bot', { contest: value.contest.id, bot: value.bot }));
    else checkContest(bot, value.contest, origin, live, report);
  }
  return out;
}

/** A bot's contests as written in its file: `contest`, then each of `contests`. */
function botContestEntries(bot: BotConfig, origin: Origin): Entry<BotContest>[] {
  return [
    ...(bot.contest ? [{ value: { bot: bot.id, contest: bot.contest }, origin: at(origin, 'contest') }] : []),
    ...bot.contests.map((contest, i) => ({ value: { bot: bot.id, contest }, origin: at(origin, 'contests', i) })),
  ];
}

/** A contest: real dates in order, topics with published questions, enough questions for one attempt. */
function checkContest(bot: BotConfig, contest: ContestConfig, c: Origin, live: readonly Entry<QuestionContent>[], report: Report): void {
  const start = DateTime.fromISO(contest.window.start);
  const end = DateTime.fromISO(contest.window.end);
  if (!start.isValid) report(at(c, 'window', 'start'), problem('contest_bad_date', { bot: bot.id, which: 'start', date: contest.window.start }));
  if (!end.isValid) report(at(c, 'window', 'end'), problem('contest_bad_date', { bot: bot.id, which: 'end', date: contest.window.end }));
  if (start.isValid && end.isValid && end < start) report(at(c, 'window'), problem('contest_ends_before_start', { bot: bot.id }));
  const topics = contest.topics ?? bot.topics;
  const topicsWithQuestions = new Set(live.map((q) => q.value.topic));
  (contest.topics ?? []).forEach((topic, i) => {
    if (!topicsWithQuestions.has(topic)) report(at(c, 'topics', i), problem('contest_topic_no_questions', { bot: bot.id, topic }));
  });
  const available = live.filter((q) => botAsks({ ...bot, topics }, q.value)).length;
  if (available < contest.questionsPerAttempt) {
    report(at(c, 'questionsPerAttempt'), problem('contest_too_few_questions', { bot: bot.id, asked: contest.questionsPerAttempt, available }));
  }
}

/** The units a Zalo group reaches (the group path): units of the bot's list, each in one group at most. */
function checkGroupUnits(bot: BotConfig, origin: Origin, list: UnitList | undefined, report: Report): void {
  const known = new Set(list?.units.map((u) => u.id) ?? []);
  const seen = new Map<string, string>();
  (bot.channels.zalo_personal?.groups ?? []).forEach((group, g) => {
    group.units.forEach((unit, i) => {
      const where = at(origin, 'channels', 'zalo_personal', 'groups', g, 'units', i);
      if (list && !known.has(unit)) report(where, `bot "${bot.id}": group ${group.id} names unit "${unit}", which is not in the unit list "${bot.units}"`);
      const other = seen.get(unit);
      if (other && other !== group.id) report(where, `bot "${bot.id}": unit "${unit}" is in two groups (${other} and ${group.id}); a unit reaches one group`);
      seen.set(unit, group.id);
    });
  });
}

// ------------------------------------------------------------------------------------ locales

interface KeyGroup {
  keys: FlatKey[];
  vars: Set<string>;
  /** Some key of the group carries a plural suffix (`_one`, `_other`...). */
  plural: boolean;
}

/**
 * Locales: every key of one locale exists in the other (plural forms counted as one key, since
 * Vietnamese has only `_other`), with the same `{{variables}}`, and every value is a string.
 */
export function checkLocales(files: readonly LocaleFile[], locator: Locator): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  const namespaces = [...new Set(files.map((f) => f.namespace))].sort();

  for (const ns of namespaces) {
    const perLocale = new Map<Locale, { file: LocaleFile; groups: Map<string, KeyGroup> }>();
    for (const file of files.filter((f) => f.namespace === ns)) {
      const groups = new Map<string, KeyGroup>();
      for (const k of flattenKeys(file.data)) {
        if (typeof k.value !== 'string') {
          report({ file: file.file, path: k.path }, `${ns}:${k.key}: must be a text (string), got ${Array.isArray(k.value) ? 'a list' : typeof k.value}`);
          continue;
        }
        const base = pluralBase(k.key);
        const g = groups.get(base) ?? { keys: [], vars: new Set<string>(), plural: false };
        g.keys.push(k);
        if (base !== k.key) g.plural = true;
        for (const v of templateVariables(k.value)) g.vars.add(v);
        groups.set(base, g);
      }
      perLocale.set(file.locale, { file, groups });
    }

    for (const locale of LOCALES) {
      const mine = perLocale.get(locale);
      if (!mine) continue;
      for (const other of LOCALES.filter((l) => l !== locale)) {
        const theirs = perLocale.get(other);
        if (!theirs) {
          // One line for a whole missing (or unreadable) file rather than one per key.
          const first = [...mine.groups.values()][0]?.keys[0];
          report(
            { file: mine.file.file, path: first?.path ?? [] },
            `${ns}: content/locales/${other}/${ns}.json is missing or could not be read; every ${locale} key needs its ${other} text`,
          );
          continue;
        }
        for (const [base, group] of mine.groups) {
          const first = group.keys[0]!;
          const origin = { file: mine.file.file, path: first.path };
          const counterpart = theirs.groups.get(base);
          if (!counterpart) {
            report(origin, `${ns}:${base}: missing in content/locales/${other}/${ns}.json`);
            continue;
          }
          // Report variable differences once, from the Vietnamese side.
          if (locale !== 'vi') continue;
          // With plural forms, English "1 day" may leave {{count}} out of `_one`; count is then implied.
          const implied = (v: string) => v === 'count' && (group.plural || counterpart.plural);
          const missing = [...group.vars].filter((v) => !counterpart.vars.has(v) && !implied(v));
          const extra = [...counterpart.vars].filter((v) => !group.vars.has(v) && !implied(v));
          if (missing.length || extra.length) {
            const parts = [
              missing.length ? `${other} lacks ${missing.map((v) => `{{${v}}}`).join(', ')}` : '',
              extra.length ? `${other} adds ${extra.map((v) => `{{${v}}}`).join(', ')}` : '',
            ].filter(Boolean);
            report(origin, `${ns}:${base}: variables differ between ${locale} and ${other}: ${parts.join('; ')}`);
          }
        }
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ helpers

/** Calls `onDuplicate` for every entry whose key was already seen, with the first entry of that key. */
function firstWins<E>(entries: readonly E[], key: (e: E) => string, onDuplicate: (dup: E, first: E) => void): void {
  const first = new Map<string, E>();
  for (const e of entries) {
    const k = key(e);
    const f = first.get(k);
    if (f === undefined) first.set(k, e);
    else onDuplicate(e, f);
  }
}

function groupBy<E>(entries: readonly E[], key: (e: E) => string): Map<string, E[]> {
  const out = new Map<string, E[]>();
  for (const e of entries) {
    const k = key(e);
    const list = out.get(k);
    if (list) list.push(e);
    else out.set(k, [e]);
  }
  return out;
}
