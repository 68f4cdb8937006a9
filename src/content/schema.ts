import { z } from 'zod';
import { QUESTION_STATUSES, type QuestionStatus } from '../domain/index.js';
import { MEDIA_NAME } from './media.js';

/**
 * The shape of everything under `bots/` and `content/`. Pure zod schemas and the types inferred
 * from them; loading, line numbers and cross-references live in the loader and checker.
 */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. "quang-tri-2023"');
const localized = z.object({ vi: z.string().min(1), en: z.string().min(1).optional() });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 08:00');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2025-10-10');
const envName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must be an environment variable name in upper case');
const bilingual = z.object({ vi: z.string().min(1), en: z.string().min(1) });

// ---------------------------------------------------------------- facts

/**
 * A fact id: a row of shared/FACTS.md ("N09", "L02b", "S06b", "P02"), a seed sentence
 * ("seed-000-contest-window") or a fact from another public source ("pub-union-day").
 * Reviewers see ids; members never do.
 */
export const FACT_ID = /^([A-Z]\d{2}[a-z]?|seed-\d{3}-[a-z0-9][a-z0-9-]*|pub-[a-z0-9][a-z0-9-]*)$/;
const factId = z.string().regex(FACT_ID, 'must be a fact id: a FACTS.md row (N09, L02b), seed-NNN-<slug> or pub-<slug>');
/** A province slug as the seeds name them, e.g. "quang-tri", "ba-ria-vung-tau". */
const provinceSlug = id;

/** The document a fact rests on, as members read it ("Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ"). */
export const factDocumentSchema = z.object({
  kind: bilingual,
  number: z.string().min(1).optional(),
  date: isoDate.optional(),
  issuer: bilingual.optional(),
  title: bilingual.optional(),
});

export const factSchema = z.object({
  id: factId,
  statement: bilingual,
  document: factDocumentSchema,
  /** A public page the writer read; shown to members with the document. */
  link: z.url({ protocol: /^https?$/, error: 'must be an http(s) address' }).optional(),
  /** The sentence of the document or source page that supports the fact, verbatim. */
  quote: z.string().min(10),
  /** Where the quote comes from when it is not the document itself, e.g. "shared/FACTS.md". */
  quoteFrom: z.string().min(1).optional(),
  /** The fact that says what replaced this one (history framed as history). */
  replacedBy: factId.optional(),
  /** After this day the fact describes the past. */
  validUntil: isoDate.optional(),
  /** A province-specific fact (seed slug). */
  province: provinceSlug.optional(),
  keywords: z.object({ vi: z.array(z.string().min(1)).default([]), en: z.array(z.string().min(1)).default([]) }).optional(),
});
export type Fact = z.infer<typeof factSchema>;
export type FactDocument = z.infer<typeof factDocumentSchema>;

// ---------------------------------------------------------------- questions

export const ANSWER_LETTERS = ['A', 'B', 'C', 'D'] as const;
export type AnswerLetter = (typeof ANSWER_LETTERS)[number];

const questionText = z.object({
  question: z.string().min(10),
  options: z.array(z.string().min(1)).min(2).max(4),
  explanation: z.string().min(10).max(300, 'must be at most 300 characters'),
});

export { QUESTION_STATUSES, type QuestionStatus };

/** Who wrote a question and who checked it against its facts, and when. */
export const reviewSchema = z.object({
  author: z.string().min(2),
  writtenAt: isoDate,
  reviewer: z.string().min(2).optional(),
  reviewedAt: isoDate.optional(),
});
export type ReviewTrail = z.infer<typeof reviewSchema>;

/** A picture's file name in content/media (content:check reads the file: format, bytes, pixels). */
const mediaName = z.string().regex(MEDIA_NAME, 'must be a file name in content/media ending in .png, .jpg, .jpeg or .webp, e.g. "ngay-cds.png"');

export const questionSchema = questionText.extend({
  id: id,
  topic: id,
  difficulty: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'must be 1 (easy), 2 or 3 (hard)' }),
  /** Letter of the right option in `options`. */
  answer: z.enum(ANSWER_LETTERS),
  /** The facts (content/facts) the question rests on; members read their documents as the source. */
  facts: z.array(factId).min(1, 'must cite at least one fact'),
  tags: z.array(z.string().min(1)).default([]),
  /** Province-specific question: asked only by that province's bots and by bots with `allProvinces`. */
  province: provinceSlug.optional(),
  /** The English version; same number of options, same answer position. */
  en: questionText,
  review: reviewSchema,
  /** Only published questions are live (asked by bots, counted by the bank rules). */
  status: z.enum(QUESTION_STATUSES),
  /** A picture sent before the question (a file in content/media), in both languages. */
  image: mediaName.optional(),
  /** A picture sent with the explanation, after the member's answer. */
  explanationImage: mediaName.optional(),
});
export const questionFileSchema = z.object({ questions: z.array(questionSchema).min(1) });
export const factFileSchema = z.object({ facts: z.array(factSchema).min(1) });

export type QuestionContent = z.infer<typeof questionSchema>;

// ---------------------------------------------------------------- units

export const unitSchema = z.object({
  id: id,
  name: z.string().min(2),
  /** Number of members, when known: participation rate = participants / size. */
  size: z.number().int().positive().optional(),
  parent: z.string().optional(),
});
export const unitFileSchema = z.object({
  id: id,
  label: z.string().min(1),
  /** True for the shipped illustrative lists: the seeds do not name real units. */
  example: z.boolean().default(false),
  units: z.array(unitSchema).min(1),
});
export type UnitContent = z.infer<typeof unitSchema>;
export type UnitList = z.infer<typeof unitFileSchema>;

// ---------------------------------------------------------------- campaigns

export const messageRefSchema = z.object({
  /** i18next key, `namespace:path`, e.g. "campaigns:national_dt_day.reminder". */
  key: z.string().regex(/^[a-z_]+:[A-Za-z0-9_.]+$/, 'must be an i18next key like campaigns:some_event.reminder'),
  vars: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
});

/**
 * A reminder's words written out (what organisers type in the calendar page), in both languages;
 * `{{date}}`, `{{time}}`, `{{daysLeft}}`, `{{title}}` and `{{campaign}}` are filled in when it is sent.
 */
export const messageTextSchema = z.object({
  text: z.object({ vi: z.string().min(1).max(1800), en: z.string().min(1).max(1800) }),
});

/** An event's reminder: an i18next key (shipped calendars) or the text itself (written in the pages). */
export const eventMessageSchema = z.union([messageRefSchema.strict(), messageTextSchema.strict()], {
  error: 'give either key (an i18next key) or text (vi and en)',
});
export type EventMessage = z.infer<typeof eventMessageSchema>;

/** Whether an event's message is written out rather than an i18next key. */
export function isMessageText(m: EventMessage): m is z.infer<typeof messageTextSchema> {
  return 'text' in m;
}

/** The fields of a campaign event; `campaignEventSchema` adds the rules that tie them together. */
export const campaignEventFields = {
  id: id,
  title: localized,
  /** One-off events. */
  date: isoDate.optional(),
  /** Yearly events: month-day, e.g. "10-10" for National Digital Transformation Day. */
  yearly: z.string().regex(/^\d{2}-\d{2}$/, 'must be MM-DD').optional(),
  /** A yearly event's last day: no occurrence after it is reminded of (the plan or the body behind it ended). */
  until: isoDate.optional(),
  /** A yearly event with no end, like 10/10 (set by a standing decision); the checker asks for `until` otherwise. */
  perennial: z.boolean().default(false),
  /** Facts the event rests on, on top of the campaign's. */
  facts: z.array(factId).default([]),
  /** Time of the event itself, Asia/Ho_Chi_Minh. */
  time: hhmm.default('08:00'),
  /** Days before the event to remind; 0 is the day itself, sent at `time`; others at `reminderTime`. */
  reminderDaysBefore: z.array(z.number().int().min(0).max(60)).default([7, 1, 0]),
  reminderTime: hhmm.default('08:00'),
  message: eventMessageSchema,
  /** Restricts the event to some of the campaign's bots; default all bots that list the campaign. */
  bots: z.array(id).optional(),
  /** Messenger may deliver it outside the 24 h window as CONFIRMED_EVENT_UPDATE. */
  eventUpdate: z.boolean().default(true),
};

/** An event happens once (`date`) or every year (`yearly`); only a yearly one has an end or is perennial. */
export function withEventRules<T extends z.ZodType<{ date?: string | undefined; yearly?: string | undefined; until?: string | undefined; perennial: boolean }>>(
  schema: T,
): T {
  return schema
    .refine((e) => Boolean(e.date) !== Boolean(e.yearly), { message: 'give exactly one of date or yearly' })
    .refine((e) => !e.date || (!e.until && !e.perennial), { message: 'until and perennial are for yearly events only (a dated event happens once)', path: ['until'] });
}

export const campaignEventSchema = withEventRules(z.object(campaignEventFields));

export const campaignFileSchema = z.object({
  id: id,
  title: localized,
  /** The facts (content/facts) its dates come from; an event may add its own. */
  facts: z.array(factId).default([]),
  events: z.array(campaignEventSchema).min(1),
});
export type CampaignEvent = z.infer<typeof campaignEventSchema>;
export type Campaign = z.infer<typeof campaignFileSchema>;

// ---------------------------------------------------------------- bots

/**
 * The variables a channel reads per bot. PAGE_ID and OA_ID are not secret: when set, a signed
 * webhook for another page or OA is ignored (src/channels/*\/verify.ts).
 */
export const CHANNEL_SECRETS = {
  /** `MM_*`: Meta's Marketing Message API (ad account, message campaign, system-user token), only for `marketingMessages`. */
  messenger: ['APP_SECRET', 'PAGE_TOKEN', 'VERIFY_TOKEN', 'PAGE_ID', 'MM_AD_ACCOUNT_ID', 'MM_CAMPAIGN_ID', 'MM_ACCESS_TOKEN'],
  zalo_oa: ['APP_ID', 'SECRET_KEY', 'ACCESS_TOKEN', 'REFRESH_TOKEN', 'OA_ID'],
  zalo_personal: [],
} as const;
export type PlatformChannel = keyof typeof CHANNEL_SECRETS;

/** `<BOT>_<CHANNEL>_<SECRET>`: the default variable name for a bot's channel secret. */
export function secretEnvName(botId: string, channel: PlatformChannel, secret: string): string {
  return `${botId}_${channel}_${secret}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

const prizeCounts = z.object({
  first: z.number().int().min(0),
  second: z.number().int().min(0),
  third: z.number().int().min(0),
  consolation: z.number().int().min(0),
});

export const COLLECTIVE_CRITERIA = ['participationRate', 'averageScore', 'participants', 'correctAnswers'] as const;

export const contestSchema = z.object({
  id: id,
  title: localized,
  /** Inclusive calendar days, Asia/Ho_Chi_Minh. */
  window: z.object({ start: isoDate, end: isoDate }),
  rounds: z.enum(['single', 'weekly']).default('single'),
  questionsPerAttempt: z.number().int().min(1).max(100),
  timeLimitMinutes: z.number().int().min(1).max(240),
  attemptsPerRound: z.number().int().min(1).max(20).default(1),
  /** Questions are drawn from these topics; default the bot's topics. */
  topics: z.array(id).optional(),
  /** Ask "how many participants will answer every question correctly?" at the end of an attempt. */
  prediction: z.boolean().default(true),
  prizes: z.object({ individual: prizeCounts, collective: prizeCounts }),
  /** Collective ranking rule, compared in order. */
  collectiveRanking: z.array(z.enum(COLLECTIVE_CRITERIA)).min(1).default(['participationRate', 'averageScore']),
  /** When prizes are awarded, free text shown to members, e.g. "10/2023". */
  awards: z.string().optional(),
});
export type ContestConfig = z.infer<typeof contestSchema>;

const channelSecretsOverride = z.record(z.string(), envName);

/** Meta limits the opt-in request's title to 65 characters. */
export const OPT_IN_TITLE_MAX = 65;

/**
 * A zca-js group: its id, or `{ id, units }` naming the units whose members it reaches (the group
 * path of docs/reach.md §3). Either form reads as `{ id, units }`.
 */
const zaloGroupSchema = z
  .union([z.string().min(1), z.object({ id: z.string().min(1), units: z.array(id).default([]) })])
  .transform((g) => (typeof g === 'string' ? { id: g, units: [] as string[] } : g));

/** The paid and opt-in paths a bot may use (docs/reach.md); each is off until the union turns it on. */
const reachChannels = {
  messenger: z.object({
    secrets: channelSecretsOverride.optional(),
    /** The page's username or id, for invitation links (m.me/<page>?ref=…). */
    page: z.string().regex(/^[A-Za-z0-9.]{1,100}$/, 'must be the page username or id').optional(),
    /** Meta's Marketing Message API: paid per message, needs the MM_* secrets. While off, members are not asked to opt in. */
    marketingMessages: z
      .object({
        enabled: z.boolean().default(false),
        title: z.object({ vi: z.string().min(1).max(OPT_IN_TITLE_MAX), en: z.string().min(1).max(OPT_IN_TITLE_MAX).optional() }).default({
          vi: 'Câu hỏi chuyển đổi số hằng ngày',
          en: 'Daily digital-transformation question',
        }),
      })
      .optional(),
  }),
  zalo_oa: z.object({
    secrets: channelSecretsOverride.optional(),
    /** The OA's numeric id, for invitation links (zalo.me/<oa_id>). */
    oaId: z.string().regex(/^\d{5,25}$/, 'must be the numeric OA id').optional(),
    /** Consultation messages 48 h–7 days after the member's last interaction: allowed, billed (55 đ/message in 2026). */
    paidConsultation: z.boolean().default(false),
    /** Promotion messages (tin Truyền thông) to followers, at most `dailyQuota` a day (read it from the OA console). */
    promotion: z.object({ enabled: z.boolean().default(false), dailyQuota: z.number().int().min(0).default(500) }).optional(),
  }),
};

export const botSchema = z.object({
  id: id,
  name: localized,
  /** The organisation the bot speaks for now (or that it is an archive of a past plan), shown in onboarding. */
  organisation: localized,
  /** The province whose province-specific questions the bot asks (a seed slug, e.g. "quang-tri"). */
  province: provinceSlug.optional(),
  /** Asks every province's questions (the demo). */
  allProvinces: z.boolean().default(false),
  defaultLocale: z.enum(['vi', 'en']).default('vi'),
  /** Which platforms this bot may use; each is enabled at run time only when its secrets are set. */
  channels: z
    .object({
      messenger: reachChannels.messenger.optional(),
      zalo_oa: reachChannels.zalo_oa.optional(),
      /** zca-js: only group chats the logged-in account is already in. */
      zalo_personal: z.object({ groups: z.array(zaloGroupSchema).default([]) }).optional(),
    })
    .default({}),
  dailyQuestion: z.object({
    /** Five-field cron in Asia/Ho_Chi_Minh, e.g. "0 8 * * *". */
    cron: z.string().regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression like "0 8 * * *"'),
    enabled: z.boolean().default(true),
  }),
  topics: z.array(id).min(1),
  /**
   * Narrows a topic to the questions carrying one of the given tags. Provinces are not a tag
   * matter: a question's `province` decides which bots ask it (see `botAsks`).
   */
  topicTags: z.record(id, z.array(z.string().min(1)).min(1)).default({}),
  campaigns: z.array(id).default([]),
  /** Id of a unit list in content/units. */
  units: id,
  quietHours: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must look like 21:00-07:00')
    .optional(),
  /** The bot's contest (the starting one, from the shipped file). */
  contest: contestSchema.optional(),
  /** More contests of the bot, past or planned; the one running today is its current contest. */
  contests: z.array(contestSchema).default([]),
});
export type BotConfig = z.infer<typeof botSchema>;

/** The ids of the Zalo groups a bot's zca-js account posts in. */
export function zaloGroupIds(bot: Pick<BotConfig, 'channels'> | undefined): string[] {
  return bot?.channels.zalo_personal?.groups.map((g) => g.id) ?? [];
}

/** The Zalo group that reaches a unit's members (the group path), or null. */
export function unitGroup(bot: Pick<BotConfig, 'channels'>, unitId: string | null): string | null {
  if (!unitId) return null;
  return bot.channels.zalo_personal?.groups.find((g) => g.units.includes(unitId))?.id ?? null;
}

/**
 * Whether a bot asks a question: its topic is one of the bot's, it carries a tag the bot asks for
 * there (when the bot narrows the topic), and a province-specific question is asked only by that
 * province's bots and by bots with `allProvinces` (the demo).
 */
export function botAsks(
  bot: Pick<BotConfig, 'topics' | 'topicTags' | 'province' | 'allProvinces'>,
  question: { readonly topic: string; readonly tags: readonly string[]; readonly province?: string | null | undefined },
): boolean {
  if (!bot.topics.includes(question.topic)) return false;
  if (question.province && !bot.allProvinces && question.province !== bot.province) return false;
  const wanted = bot.topicTags[question.topic];
  return !wanted || question.tags.some((t) => wanted.includes(t));
}

/** Whether a question is live: only published questions are asked and counted. */
export function isLive(question: { readonly status: QuestionStatus }): boolean {
  return question.status === 'published';
}

/** A contest and the bot that runs it. */
export interface BotContest {
  readonly bot: string;
  readonly contest: ContestConfig;
}

/** Everything loaded and validated from `bots/` and `content/`. */
export interface ContentBundle {
  readonly facts: readonly Fact[];
  /** Each bot's `contest` is its current one (see `currentContest`) when `contests` is given. */
  readonly bots: readonly BotConfig[];
  readonly questions: readonly QuestionContent[];
  readonly campaigns: readonly Campaign[];
  readonly unitLists: readonly UnitList[];
  /**
   * Every contest, past ones included, when the content is merged with what organisers edited in
   * the pages (a bot may have run several); absent, each bot's `contest` is the only one.
   */
  readonly contests?: readonly BotContest[];
}

/** Every contest of the content: the merged list, or each bot's own. */
export function allContests(content: Pick<ContentBundle, 'bots' | 'contests'>): readonly BotContest[] {
  return (
    content.contests ??
    content.bots.flatMap((b) => [...(b.contest ? [b.contest] : []), ...(b.contests ?? [])].map((contest) => ({ bot: b.id, contest })))
  );
}

/**
 * The unit list a bot names (bots/*.yaml `units`): its members' units, sizes and participation
 * rates come from that list alone. Read at each use, so an organiser's edit is followed at once.
 */
export function unitListOf(content: { readonly bots: ReadonlyArray<Pick<BotConfig, 'id' | 'units'>> }, bot: string): string | null {
  return content.bots.find((b) => b.id === bot)?.units ?? null;
}

/**
 * The contest a bot runs on a day (YYYY-MM-DD): the one whose window holds the day (of several, the
 * latest to open, so a contest an organiser opens while an older one still runs is the one members
 * play), else the next to open, else the last to have closed; null without contests.
 */
export function currentContest(contests: readonly ContestConfig[], day: string): ContestConfig | null {
  const byStart = [...contests].sort((a, b) => a.window.start.localeCompare(b.window.start) || a.id.localeCompare(b.id));
  return (
    byStart.findLast((c) => c.window.start <= day && day <= c.window.end) ??
    byStart.find((c) => c.window.start > day) ??
    [...byStart].sort((a, b) => b.window.end.localeCompare(a.window.end))[0] ??
    null
  );
}
