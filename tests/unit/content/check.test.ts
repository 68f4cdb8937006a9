import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadAndCheckContent } from '../../../src/content/index.js';
import { fixtureTree, treePaths } from './fixture-tree.js';

const problemsOf = (overlay?: string) => loadAndCheckContent(treePaths(fixtureTree(overlay))).problems.map(formatProblem);

describe('content check', () => {
  it('finds nothing wrong in good content and loads every part of it', () => {
    const { loaded, problems } = loadAndCheckContent(treePaths(fixtureTree()));
    expect(problems).toEqual([]);
    expect(loaded.bundle.questions).toHaveLength(10);
    expect(loaded.bundle.bots.map((b) => b.id)).toEqual(['demo']);
    expect(loaded.bundle.campaigns[0]?.events[0]?.reminderDaysBefore).toEqual([7, 1, 0]);
    expect(loaded.bundle.unitLists[0]?.units).toHaveLength(2);
  });

  it('passes on the shipped content of the project', () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const { problems } = loadAndCheckContent({ botsDir: path.join(root, 'bots'), contentDir: path.join(root, 'content'), root });
    expect(problems.map(formatProblem)).toEqual([]);
  });

  const cases: Array<[string, string, string[]]> = [
    [
      'bad YAML syntax is reported where the parser stopped',
      'bad-yaml',
      ['content/questions/extra.yaml:5:5: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ],
    [
      'a missing field points at the question that lacks it',
      'missing-field',
      ['content/questions/extra.yaml:2:5: questions[0].explanation: required field is missing'],
    ],
    [
      'an answer letter beyond the options, and an English version with fewer options',
      'answer-out-of-range',
      [
        'content/questions/extra.yaml:7:5: question "extra-001": answer D but there are only 3 options (A, B, C)',
        'content/questions/extra.yaml:12:7: question "extra-001": the English version has 2 options, the Vietnamese 3; they must match',
      ],
    ],
    [
      'a question id used twice across files names the first place',
      'duplicate-id',
      ['content/questions/extra.yaml:2:5: duplicate question id "beta-002" (first at content/questions/beta.yaml:10:5)'],
    ],
    [
      'the same question written without diacritics, in other case and punctuation is a duplicate',
      'duplicate-text',
      ['content/questions/extra.yaml:5:5: question "extra-001" has the same text as question "beta-002" (content/questions/beta.yaml:13:5)'],
    ],
    [
      'one answer letter holding more than 35% of a topic',
      'unbalanced',
      [
        'content/questions/gamma.yaml:7:5: topic "gamma": answer A is right in 3 of 6 questions (50%); at most 35% may share one position, move some right answers to other letters',
      ],
    ],
    [
      'an event message key missing in English',
      'missing-locale-key',
      [
        'content/campaigns/national-dt-day.yaml:9:7: event "national-dt-day": message key "campaigns:national_dt_day.reminder" is missing in content/locales/en/campaigns.json',
        'content/locales/vi/campaigns.json:3:5: campaigns:national_dt_day.reminder: missing in content/locales/en/campaigns.json',
      ],
    ],
    [
      'a template variable the event does not provide',
      'missing-variable',
      [
        'content/campaigns/national-dt-day.yaml:9:7: event "national-dt-day": the vi message "campaigns:national_dt_day.reminder" uses {{venue}}, which is neither in message.vars nor one of title, campaign, date, time, daysLeft, count',
        'content/locales/vi/campaigns.json:3:5: campaigns:national_dt_day.reminder: variables differ between vi and en: en lacks {{venue}}',
      ],
    ],
    [
      'locale keys present in one language only, or with other variables (plural forms count as one key)',
      'locale-mismatch',
      [
        'content/locales/en/common.json:7:16: common:only_en.nested: missing in content/locales/vi/common.json',
        'content/locales/vi/common.json:5:3: common:greeting: variables differ between vi and en: en lacks {{name}}; en adds {{firstName}}',
        'content/locales/vi/common.json:6:3: common:only_vi: missing in content/locales/en/common.json',
      ],
    ],
    [
      'a locale file that only YAML could read (i18next reads JSON), once, without a line per key',
      'bad-json',
      [
        'content/locales/en/common.json:5:1: not valid JSON: Expected double-quoted property name',
        'content/locales/vi/common.json:2:3: common: content/locales/en/common.json is missing or could not be read; every vi key needs its en text',
      ],
    ],
    [
      'a daily question in quiet hours, an impossible cron hour and date, and a reminder listed twice',
      'schedule-mistakes',
      [
        "bots/night.yaml:4:18: bot \"night\": the daily question at 22:30 falls in the bot's quiet hours 21:00-07:00, so it would always be deferred",
        'bots/typo.yaml:4:18: bot "typo": cron "0 25 * * 1-5": hour "25" is outside 0-23',
        'content/campaigns/extra.yaml:7:5: event "extra-day": 2027-02-30 is not a calendar date',
        'content/campaigns/extra.yaml:8:32: event "extra-day": reminder 7 day(s) before is listed twice',
      ],
    ],
    [
      'a topic without a display name in each language',
      'missing-topic-name',
      [
        'content/questions/delta.yaml:3:5: topic "delta" has no display name: add "topic": { "delta": "..." } to content/locales/en/common.json',
        'content/questions/delta.yaml:3:5: topic "delta" has no display name: add "topic": { "delta": "..." } to content/locales/vi/common.json',
      ],
    ],
    [
      'a misspelt field instead of silently using the default',
      'unknown-field',
      [
        'content/campaigns/extra.yaml:8:5: events[0].reminderDaysbefore: unknown field "reminderDaysbefore" (known here: id, title, date, yearly, time, reminderDaysBefore, reminderTime, message, bots, eventUpdate)',
      ],
    ],
    [
      'a bot naming an unknown topic, campaign, unit list and secret, a tag filter on no questions, and a contest that cannot run (counting only the questions its filter lets through)',
      'unknown-references',
      [
        'bots/other.yaml:5:17: bot "other": topic "delta" has no questions',
        'bots/other.yaml:6:30: bot "other": unknown campaign "no-such-campaign" (no content/campaigns file has this id)',
        'bots/other.yaml:7:1: bot "other": unknown unit list "no-such-list" (no content/units file has this id)',
        'bots/other.yaml:10:16: bot "other": messenger has no secret "APP_TOKEN" (known: APP_SECRET, PAGE_TOKEN, VERIFY_TOKEN, MM_AD_ACCOUNT_ID, MM_CAMPAIGN_ID, MM_ACCESS_TOKEN)',
        'bots/other.yaml:14:3: bot "other": the contest ends before it starts',
        'bots/other.yaml:16:3: bot "other": the contest asks 10 questions per attempt but its topics have only 0',
        'bots/other.yaml:22:17: bot "other": no question of topic "alpha" has the tag "no-such-tag"',
        'bots/other.yaml:23:3: bot "other": topicTags names "beta", which is not one of the bot\'s topics',
      ],
    ],
  ];

  it.each(cases)('reports %s', (_name, overlay, expected) => {
    expect(problemsOf(overlay)).toEqual(expected);
  });

  it('every broken fixture is covered by a case above', () => {
    const dirs = fs.readdirSync(path.resolve(import.meta.dirname, '../../fixtures/content/broken')).sort();
    expect(dirs).toEqual(cases.map(([, overlay]) => overlay).sort());
  });
});
