import { DateTime } from 'luxon';
import { z } from 'zod';
import { scopeBots, type AdminService, type Principal } from '../../admin/index.js';
import type { ContestsView } from '../../conversation/index.js';
import type { Models } from '../../db/index.js';
import { addDays, dayOf, daysBetween, fieldIssue, FIELD_RULES, InvalidError } from '../../domain/index.js';
import type { Translate } from '../../i18n/index.js';
import type { BroadcastService } from '../../outreach/index.js';
import type { Stats, StatsScope } from '../../stats/index.js';
import { HttpError } from '../errors.js';
import type { BotInfo } from './names.js';
import type { ApiRegistry } from './registry.js';

/** `ok: false` means nothing was written; `problems` says why, one line a bad row. */
export interface QuestionImportReport {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

/** Imports questions from a CSV or XLSX table (src/content `importUploadedQuestions`). */
export type QuestionImporter = (file: { format: 'csv' | 'xlsx'; data: Buffer }) => Promise<QuestionImportReport>;

/** What the API needs of the admin service to manage the users of the web pages and the API tokens. */
export type UsersPort = Pick<AdminService, 'listUsers' | 'createUser' | 'setDisabled' | 'resetPassword' | 'listTokens' | 'createToken' | 'revokeToken'>;

export interface ApiDeps {
  readonly models: Models;
  readonly stats: Stats;
  readonly timeZone: string;
  readonly publicUrl?: string | undefined;
  /** Absent parts answer 501 (a server or benchmark built without them). */
  readonly broadcasts?: BroadcastService | undefined;
  readonly contests?: ContestsView | undefined;
  readonly importQuestions?: QuestionImporter | undefined;
  readonly users?: UsersPort | undefined;
  /** The runtime's i18next lookup, for export column headers (`admin:export.columns.<field>`) and words for codes. */
  readonly t: Translate;
  /** The bots' names and unit lists, so exports and the dashboard show names, not ids. */
  readonly bots?: readonly BotInfo[] | undefined;
}

type Part = 'broadcasts' | 'contests' | 'importQuestions' | 'users';
const PART_NAMES: Record<Part, string> = {
  broadcasts: 'Broadcasts are',
  contests: 'Contests are',
  importQuestions: 'Question import is',
  users: 'User management is',
};

/** What every resource's routes share: the registry they add to, the dependencies and a few helpers. */
export interface ApiContext {
  readonly api: ApiRegistry;
  readonly deps: ApiDeps;
  /** Today, YYYY-MM-DD in the configured time zone. */
  today(): string;
  /** The bots and days a statistics query covers: the caller's bots, the last 30 days by default, at most 366. */
  range(p: Principal, q: { bot?: string | undefined; from?: string | undefined; to?: string | undefined }): StatsScope;
  /** A part of the server, or 501 when this server was built without it. */
  part<K extends Part>(name: K): NonNullable<ApiDeps[K]>;
}

export function apiContext(api: ApiRegistry, deps: ApiDeps): ApiContext {
  const today = () => dayOf(new Date(), deps.timeZone);
  return {
    api,
    deps,
    today,
    range(p, q) {
      const to = q.to ?? today();
      const from = q.from ?? addDays(to, -29);
      if (daysBetween(from, to) > 366) {
        throw new InvalidError('stats_range_too_long', { days: 366 }, { fields: [fieldIssue('from', 'range_too_long', { days: 366 })] });
      }
      return { bots: scopeBots(p, q.bot), from, to };
    },
    part(name) {
      const found = deps[name];
      if (!found) throw new HttpError(501, `${PART_NAMES[name]} not available on this server`, 'not_implemented');
      return found as NonNullable<ApiDeps[typeof name]>;
    },
  };
}

// ---- query and path pieces used by several resources

export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, FIELD_RULES.date)
  .refine((d) => DateTime.fromISO(d).isValid, FIELD_RULES.real_date);
export const botId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, FIELD_RULES.bot_id);
export const rangeQuery = z
  .object({
    bot: botId.optional().describe('only this bot (default: every bot you may see)'),
    from: day.optional().describe('first day, YYYY-MM-DD (Asia/Ho_Chi_Minh); default 29 days before `to`'),
    to: day.optional().describe('last day, YYYY-MM-DD; default today'),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: FIELD_RULES.from_after_to, path: ['from'] });
export const paging = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
};
export const idParam = z.object({ id: z.string().min(1).max(100) });

export const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
