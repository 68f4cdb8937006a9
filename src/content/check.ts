import { DateTime } from 'luxon';
import { LOCALES, type Locale } from '../domain/index.js';
import type { Entry, LoadedContent, LocaleFile } from './load.js';
import {
  ANSWER_LETTERS,
  botAsks,
  CHANNEL_SECRETS,
  type BotConfig,
  type Campaign,
  type PlatformChannel,
  type QuestionContent,
  type UnitList,
} from './schema.js';
import { cronFixedTime, cronProblem, inQuietHours } from './cron.js';
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

type Report = (origin: Origin, message: string) => void;

const at = (origin: Origin, ...rest: Path): Origin => ({ file: origin.file, path: [...origin.path, ...rest] });

function reporter(locator: Locator, out: ContentProblem[]): Report {
  return (origin, message) => {
    const { line, column } = locator.position(origin);
    out.push({ file: origin.file, line, column, message });
  };
}

/** Every problem of the loaded content: syntax and schema problems from loading, then cross-references. */
export function checkContent(loaded: LoadedContent): ContentProblem[] {
  const locator: Locator = {
    position: (o) => loaded.locate(o),
    describe: (o) => {
      const p = loaded.locate(o);
      return `${o.file}:${p.line}:${p.column}`;
    },
  };
  const out: ContentProblem[] = [...loaded.problems];
  const { bots, questions, campaigns, unitLists } = loaded.entries;
  out.push(...checkQuestions(questions, locator));
  out.push(...checkTopicNames(questions, loaded.locales, locator));
  out.push(...checkUnitLists(unitLists, locator));
  out.push(...checkCampaigns(campaigns, bots, loaded.locales, locator));
  out.push(...checkBots(bots, { questions, campaigns, unitLists }, locator));
  out.push(...checkLocales(loaded.locales, locator));
  return sortProblems(out);
}

// ------------------------------------------------------------------------------------ questions

/**
 * Questions: answer letter within the options, English with the same number of options, unique
 * ids, no two questions with the same normalised text, and balanced answer positions per topic.
 */
export function checkQuestions(entries: readonly Entry<QuestionContent>[], locator: Locator): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);

  for (const { value: q, origin } of entries) {
    const index = ANSWER_LETTERS.indexOf(q.answer);
    if (index >= q.options.length) {
      report(at(origin, 'answer'), `question "${q.id}": answer ${q.answer} but there are only ${q.options.length} options (${ANSWER_LETTERS.slice(0, q.options.length).join(', ')})`);
    }
    if (q.en && q.en.options.length !== q.options.length) {
      report(at(origin, 'en', 'options'), `question "${q.id}": the English version has ${q.en.options.length} options, the Vietnamese ${q.options.length}; they must match`);
    }
    const seen = new Map<string, number>();
    q.options.forEach((opt, i) => {
      const key = fold(opt);
      const first = seen.get(key);
      if (first !== undefined) report(at(origin, 'options', i), `question "${q.id}": option ${ANSWER_LETTERS[i]} repeats option ${ANSWER_LETTERS[first]}`);
      else seen.set(key, i);
    });
  }

  firstWins(entries, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), `duplicate question id "${dup.value.id}" (first at ${locator.describe(at(first.origin, 'id'))})`),
  );
  firstWins(entries, (e) => fold(e.value.question), (dup, first) =>
    report(
      at(dup.origin, 'question'),
      `question "${dup.value.id}" has the same text as question "${first.value.id}" (${locator.describe(at(first.origin, 'question'))})`,
    ),
  );

  const byTopic = groupBy(entries, (e) => e.value.topic);
  for (const [topic, list] of byTopic) {
    if (list.length < BALANCE_MIN_QUESTIONS) continue;
    for (const letter of ANSWER_LETTERS) {
      const holding = list.filter((e) => e.value.answer === letter);
      const share = holding.length / list.length;
      if (share > BALANCE_MAX_SHARE) {
        report(
          at(holding[0]!.origin, 'answer'),
          `topic "${topic}": answer ${letter} is right in ${holding.length} of ${list.length} questions (${Math.round(share * 100)}%); at most ${BALANCE_MAX_SHARE * 100}% may share one position, move some right answers to other letters`,
        );
      }
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
        report(at(first.origin, 'topic'), `topic "${topic}" has no display name: add "topic": { "${topic}": "..." } to content/locales/${locale}/common.json`);
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ units

/** Unit lists: list ids unique across files, unit ids unique within a list, parents that exist. */
export function checkUnitLists(entries: readonly Entry<UnitList>[], locator: Locator): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  firstWins(entries, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), `duplicate unit list id "${dup.value.id}" (first at ${locator.describe(at(first.origin, 'id'))})`),
  );
  for (const { value: list, origin } of entries) {
    const units = list.units.map((u, i) => ({ value: u, origin: at(origin, 'units', i) }));
    firstWins(units, (u) => u.value.id, (dup, first) =>
      report(at(dup.origin, 'id'), `unit list "${list.id}": duplicate unit id "${dup.value.id}" (first at ${locator.describe(at(first.origin, 'id'))})`),
    );
    const ids = new Set(list.units.map((u) => u.id));
    for (const u of units) {
      if (u.value.parent && !ids.has(u.value.parent)) {
        report(at(u.origin, 'parent'), `unit list "${list.id}": unit "${u.value.id}" has parent "${u.value.parent}", which is not a unit of this list`);
      }
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ campaigns

/**
 * Campaigns: unique campaign and event ids, real calendar dates, bots that exist and list the
 * campaign, and message keys present in every locale whose `{{variables}}` the event provides.
 */
export function checkCampaigns(
  entries: readonly Entry<Campaign>[],
  bots: readonly Entry<BotConfig>[],
  locales: readonly LocaleFile[],
  locator: Locator,
): ContentProblem[] {
  const out: ContentProblem[] = [];
  const report = reporter(locator, out);
  firstWins(entries, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), `duplicate campaign id "${dup.value.id}" (first at ${locator.describe(at(first.origin, 'id'))})`),
  );
  const events = entries.flatMap(({ value: c, origin }) =>
    c.events.map((ev, i) => ({ value: ev, campaign: c, origin: at(origin, 'events', i) })),
  );
  firstWins(events, (e) => e.value.id, (dup, first) =>
    report(at(dup.origin, 'id'), `duplicate event id "${dup.value.id}" (first at ${locator.describe(at(first.origin, 'id'))})`),
  );

  const botsById = new Map(bots.map((b) => [b.value.id, b.value]));
  const keys = localeKeyIndex(locales);
  for (const { value: ev, campaign, origin } of events) {
    if (ev.date && !DateTime.fromISO(ev.date).isValid) report(at(origin, 'date'), `event "${ev.id}": ${ev.date} is not a calendar date`);
    if (ev.yearly && !DateTime.fromISO(`2024-${ev.yearly}`).isValid) {
      report(at(origin, 'yearly'), `event "${ev.id}": ${ev.yearly} is not a month and day (MM-DD)`);
    }
    ev.reminderDaysBefore.forEach((d, i) => {
      if (ev.reminderDaysBefore.indexOf(d) !== i) report(at(origin, 'reminderDaysBefore', i), `event "${ev.id}": reminder ${d} day(s) before is listed twice`);
    });
    (ev.bots ?? []).forEach((botId, i) => {
      const bot = botsById.get(botId);
      if (!bot) report(at(origin, 'bots', i), `event "${ev.id}": unknown bot "${botId}"`);
      else if (!bot.campaigns.includes(campaign.id)) {
        report(at(origin, 'bots', i), `event "${ev.id}": bot "${botId}" does not list campaign "${campaign.id}" in its campaigns`);
      }
    });

    const [ns, key] = splitKey(ev.message.key);
    const provided = new Set<string>([...STANDARD_EVENT_VARS, ...Object.keys(ev.message.vars)]);
    for (const locale of LOCALES) {
      const forms = (base: string) => [base, ...PLURAL_FORMS.map((p) => `${base}_${p}`)];
      const found = forms(key).filter((k) => keys.has(`${locale}|${ns}|${k}`));
      const templates = [...found, ...forms(`${key}_today`)].map((k) => keys.get(`${locale}|${ns}|${k}`)).filter((t) => t !== undefined);
      if (!found.length) {
        report(at(origin, 'message', 'key'), `event "${ev.id}": message key "${ev.message.key}" is missing in content/locales/${locale}/${ns}.json`);
      }
      for (const template of templates) {
        for (const v of templateVariables(template)) {
          if (!provided.has(v)) {
            report(
              at(origin, 'message', 'key'),
              `event "${ev.id}": the ${locale} message "${ev.message.key}" uses {{${v}}}, which is neither in message.vars nor one of ${STANDARD_EVENT_VARS.join(', ')}`,
            );
          }
        }
      }
    }
  }
  return out;
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
  const topicsWithQuestions = new Set(ctx.questions.map((q) => q.value.topic));

  for (const { value: bot, origin } of entries) {
    bot.topics.forEach((topic, i) => {
      if (!topicsWithQuestions.has(topic)) report(at(origin, 'topics', i), `bot "${bot.id}": topic "${topic}" has no questions`);
    });
    for (const [topic, tags] of Object.entries(bot.topicTags)) {
      if (!bot.topics.includes(topic)) {
        report(at(origin, 'topicTags', topic), `bot "${bot.id}": topicTags names "${topic}", which is not one of the bot's topics`);
        continue;
      }
      tags.forEach((tag, i) => {
        if (!ctx.questions.some((q) => q.value.topic === topic && q.value.tags.includes(tag))) {
          report(at(origin, 'topicTags', topic, i), `bot "${bot.id}": no question of topic "${topic}" has the tag "${tag}"`);
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

    const contest = bot.contest;
    if (contest) {
      const c = at(origin, 'contest');
      const start = DateTime.fromISO(contest.window.start);
      const end = DateTime.fromISO(contest.window.end);
      if (!start.isValid) report(at(c, 'window', 'start'), `bot "${bot.id}": contest start ${contest.window.start} is not a calendar date`);
      if (!end.isValid) report(at(c, 'window', 'end'), `bot "${bot.id}": contest end ${contest.window.end} is not a calendar date`);
      if (start.isValid && end.isValid && end < start) report(at(c, 'window'), `bot "${bot.id}": the contest ends before it starts`);
      const topics = contest.topics ?? bot.topics;
      (contest.topics ?? []).forEach((topic, i) => {
        if (!topicsWithQuestions.has(topic)) report(at(c, 'topics', i), `bot "${bot.id}": contest topic "${topic}" has no questions`);
      });
      const available = ctx.questions.filter((q) => botAsks({ topics, topicTags: bot.topicTags }, q.value)).length;
      if (available < contest.questionsPerAttempt) {
        report(at(c, 'questionsPerAttempt'), `bot "${bot.id}": the contest asks ${contest.questionsPerAttempt} questions per attempt but its topics have only ${available}`);
      }
    }
  }
  return out;
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
