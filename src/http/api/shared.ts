import { DateTime } from 'luxon';
import { z } from 'zod';
import { scopeBots, type AdminService, type Principal } from '../../admin/index.js';
import type { Actor, ContentRoom } from '../../content/index.js';
import type { ContestsView } from '../../conversation/index.js';
import type { EmbeddedDbStatus, Models } from '../../db/index.js';
import { addDays, dayOf, daysBetween, fieldIssue, FIELD_RULES, InvalidError } from '../../domain/index.js';
import type { Translate } from '../../i18n/index.js';
import type { BroadcastService } from '../../outreach/index.js';
import type { Stats, StatsScope } from '../../stats/index.js';
import { HttpError } from '../errors.js';
import type { BotInfo } from './names.js';
import type { ApiRegistry } from './registry.js';

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
  /** The content room: questions, campaigns, contests and unit lists as organisers edit them, and the audit log. */
  readonly content?: ContentRoom | undefined;
  readonly users?: UsersPort | undefined;
  /** The runtime's i18next lookup, for export column headers (`admin:export.columns.<field>`) and words for codes. */
  readonly t: Translate;
  /** The bots' names and unit lists, so exports and the dashboard show names, not ids. */
  readonly bots?: readonly BotInfo[] | undefined;
  /** The embedded database's figures against its limits; absent or null on a real MongoDB. */
  readonly databaseStatus?: (() => EmbeddedDbStatus | null) | undefined;
}

type Part = 'broadcasts' | 'contests' | 'content' | 'users';
const PART_NAMES: Record<Part, string> = {
  broadcasts: 'Broadcasts are',
  contests: 'Contests are',
  content: 'Content editing is',
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

/** The caller as the content room's audit log and rules see it (admins change every item, organisers their bots'). */
export function actorOf(p: Principal): Actor {
  return { name: p.name, kind: p.kind, role: p.role === 'admin' ? 'admin' : 'organiser', bots: p.role === 'admin' ? null : p.bots };
}

/** An uploaded spreadsheet: the body's type says CSV or XLSX (anything else is the caller's mistake). */
export function uploadOf(req: { headers: Record<string, unknown>; body: unknown }): { format: 'csv' | 'xlsx'; data: Buffer } {
  const type = String(req.headers['content-type'] ?? '');
  const format = type.includes('spreadsheetml') ? 'xlsx' : type.startsWith('text/csv') ? 'csv' : null;
  if (!format || !Buffer.isBuffer(req.body)) throw new InvalidError('import_file_type');
  return { format, data: req.body };
}
