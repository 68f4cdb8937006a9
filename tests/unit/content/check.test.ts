import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadAndCheckContent, MEDIA_LIMITS } from '../../../src/content/index.js';
import { renderPng } from '../../../src/learning/index.js';
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
      ['content/questions/extra.yaml:2:5: duplicate question id "beta-002" (first at content/questions/beta.yaml:16:5)'],
    ],
    [
      'the same question written without diacritics, in other case and punctuation is a duplicate',
      'duplicate-text',
      ['content/questions/extra.yaml:5:5: question "extra-001" has the same text as question "beta-002" (content/questions/beta.yaml:19:5)'],
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
        'content/campaigns/national-dt-day.yaml:10:7: event "national-dt-day": message key "campaigns:national_dt_day.reminder" is missing in content/locales/en/campaigns.json',
        'content/locales/vi/campaigns.json:3:5: campaigns:national_dt_day.reminder: missing in content/locales/en/campaigns.json',
      ],
    ],
    [
      'a template variable the event does not provide',
      'missing-variable',
      [
        'content/campaigns/national-dt-day.yaml:10:7: event "national-dt-day": the vi message "campaigns:national_dt_day.reminder" uses {{venue}}, which is neither in message.vars nor one of title, campaign, date, time, daysLeft, count',
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
        'content/campaigns/extra.yaml:8:5: events[0].reminderDaysbefore: unknown field "reminderDaysbefore" (known here: id, title, date, yearly, until, perennial, facts, time, reminderDaysBefore, reminderTime, message, bots, eventUpdate)',
      ],
    ],
    [
      'a bot naming an unknown topic, campaign, unit list and secret, a tag filter on no questions, and a contest that cannot run (counting only the questions its filter lets through)',
      'unknown-references',
      [
        'bots/other.yaml:5:17: bot "other": topic "delta" has no published questions',
        'bots/other.yaml:6:30: bot "other": unknown campaign "no-such-campaign" (no content/campaigns file has this id)',
        'bots/other.yaml:7:1: bot "other": unknown unit list "no-such-list" (no content/units file has this id)',
        'bots/other.yaml:10:16: bot "other": messenger has no secret "APP_TOKEN" (known: APP_SECRET, PAGE_TOKEN, VERIFY_TOKEN, PAGE_ID, MM_AD_ACCOUNT_ID, MM_CAMPAIGN_ID, MM_ACCESS_TOKEN)',
        'bots/other.yaml:14:3: bot "other": the contest ends before it starts',
        'bots/other.yaml:16:3: bot "other": the contest asks 10 questions per attempt but its topics have only 0',
        'bots/other.yaml:22:17: bot "other": no published question of topic "alpha" has the tag "no-such-tag"',
        'bots/other.yaml:23:3: bot "other": topicTags names "beta", which is not one of the bot\'s topics',
      ],
    ],
    [
      'facts that do not exist, a replaced fact cited alone, history that does not say when, a province fact in a general question, a published question reviewed by its author, a reviewed one without reviewer, an echo give-away (even in a draft), and bad facts',
      'facts-and-review',
      [
        'content/facts/extra.yaml:10:83: fact "L06b": 2023-13-01 is not a calendar date',
        'content/facts/extra.yaml:19:5: fact "pub-no-link" comes from a public source: give the link of the page you read',
        'content/facts/extra.yaml:27:5: fact "N01": replacedBy names "X01", which is not a fact',
        'content/facts/test.yaml:2:5: duplicate fact id "N01" (first at content/facts/extra.yaml:23:5)',
        'content/questions/extra.yaml:5:5: question "hist-001": fact "L06" describes the past; say when in the question ("Năm 2023, …", "Trước khi …")',
        'content/questions/extra.yaml:9:5: question "hist-001": fact "L06" was replaced by "L06b"; cite it too and say in the explanation what replaced what',
        'content/questions/extra.yaml:20:5: question "prov-001": fact "seed-000-window" is about quang-tri; the question needs province: quang-tri',
        'content/questions/extra.yaml:31:18: question "unknown-001": unknown fact "X42" (no content/facts file has this id)',
        'content/questions/extra.yaml:44:67: question "review-001" is published: the reviewer must be someone other than the author',
        'content/questions/extra.yaml:55:5: question "review-002" is reviewed: give review.reviewer and review.reviewedAt',
        'content/questions/extra.yaml:55:58: question "review-002": reviewed (2026-12-02) before it was written (2026-12-05)',
        'content/questions/extra.yaml:65:5: question "prov-002": no bot has province "bac-kan", so only the demo would ask it',
        'content/questions/extra.yaml:73:5: question "echo-001": only the right option repeats "2020" from the question, which gives the answer away; let a wrong option repeat it too or leave it out of the question',
      ],
    ],
    [
      'a live bank that can be guessed: answer positions, the longest option, the last-option and longest-option baselines, and option families never (or rarely) right',
      'guessable-bank',
      [
        'content/questions/alpha.yaml:2:5: live bank: always picking the last option scores 73.3% against 26.1% by chance; at most chance + 6% (npm run cli -- content baselines)',
        'content/questions/alpha.yaml:2:5: live bank: always picking the longest option scores 85% against 26.1% by chance; at most chance + 6% (npm run cli -- content baselines)',
        'content/questions/alpha.yaml:6:5: live bank: the right option is the longest in 25 of 30 questions (83.3%); at most 40%, lengthen some wrong options',
        'content/questions/alpha.yaml:7:5: live bank: in the 28 questions with 4 options, A is right in 2 (7.1%); each letter must be right in 25% ± 5%',
        'content/questions/alpha.yaml:22:5: live bank: in the 28 questions with 4 options, B is right in 2 (7.1%); each letter must be right in 25% ± 5%',
        'content/questions/alpha.yaml:36:60: live bank: options starting "Không…" are right in 1 of 23 (4.3%) against 25% by chance; keep within 15% of chance',
        'content/questions/alpha.yaml:37:5: live bank: in the 28 questions with 4 options, C is right in 2 (7.1%); each letter must be right in 25% ± 5%',
        'content/questions/alpha.yaml:52:5: live bank: in the 28 questions with 4 options, D is right in 22 (78.6%); each letter must be right in 25% ± 5%',
        'content/questions/gamma.yaml:8:31: live bank: options starting "Tất cả…" are never the right answer (0 of 5), so a guesser learns to skip them',
        'content/questions/gamma.yaml:9:5: topic "gamma": answer D is right in 20 of 20 questions (100%); at most 35% may share one position, move some right answers to other letters',
      ],
    ],
    [
      'a yearly event without an end, one with both ends, events without facts, an end on a one-off event, and units the 2025 reform ended',
      'calendar-and-units',
      [
        'content/campaigns/extra.yaml:4:5: event "report-yearly" rests on no fact: give facts to the event or to campaign "extra"',
        'content/campaigns/extra.yaml:6:5: event "report-yearly" recurs every year: give until (its last day, when the plan or body behind it ends) or perennial: true (a standing date such as 10/10)',
        'content/campaigns/extra.yaml:10:5: event "both-ends": give either until or perennial, not both',
        'content/campaigns/extra.yaml:13:18: event "both-ends": unknown fact "X77" (no content/facts file has this id)',
        'content/campaigns/once.yaml:8:5: events[0].until: until and perennial are for yearly events only (a dated event happens once)',
        'content/units/example.yaml:7:25: unit list "example": "Phòng GDĐT huyện số 1" is not a current unit: the district level ended on 01/7/2025 (P03)',
        'content/units/example.yaml:8:23: unit list "example": "LĐLĐ huyện Chợ Mới" is not a current unit: the district level ended on 01/7/2025 (P03)',
        'content/units/example.yaml:9:25: unit list "example": "CĐCS Sở Thông tin và Truyền thông" is not a current unit: the Departments of Information and Communications merged into the Departments of Science and Technology in 2025 (P04)',
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

  it("checks a question's pictures: a missing file, a GIF named .png, a file over 1 MB; a good PNG passes", () => {
    const dir = fixtureTree();
    const media = path.join(dir, 'content', 'media');
    fs.mkdirSync(media);
    const png = renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#1F3A68"/></svg>').png;
    fs.writeFileSync(path.join(media, 'good.png'), png);
    fs.writeFileSync(path.join(media, 'fake.png'), Buffer.from('GIF89a\x90\x01\x2c\x01', 'latin1'));
    fs.writeFileSync(path.join(media, 'big.png'), Buffer.concat([png, Buffer.alloc(MEDIA_LIMITS.maxBytes)]));
    const beta = path.join(dir, 'content', 'questions', 'beta.yaml');
    const withPictures = (id: string, lines: string) => (text: string) => text.replace(`  - id: ${id}\n`, `  - id: ${id}\n${lines}`);
    let text = fs.readFileSync(beta, 'utf8');
    text = withPictures('beta-001', '    image: nowhere.png\n    explanationImage: fake.png\n')(text);
    text = withPictures('beta-002', '    image: big.png\n    explanationImage: good.png\n')(text);
    fs.writeFileSync(beta, text);
    const bigBytes = png.length + MEDIA_LIMITS.maxBytes;
    expect(loadAndCheckContent(treePaths(dir)).problems.map(formatProblem)).toEqual([
      'content/questions/beta.yaml:3:5: question "beta-001": nowhere.png: no such file in content/media',
      'content/questions/beta.yaml:4:5: question "beta-001": fake.png: not a PNG, JPEG or WebP picture (its first bytes say so, whatever its name)',
      `content/questions/beta.yaml:19:5: question "beta-002": big.png: ${bigBytes} bytes, more than the 1000000 allowed (1 MB, what both Zalo OA and Messenger accept)`,
    ]);
  });
});
