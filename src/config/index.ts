import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { DEFAULT_TIME_ZONE } from '../domain/index.js';

/**
 * The one place that reads the environment. Every other module receives a typed `Config`.
 * Per-bot secrets have names chosen in `bots/*.yaml`, so they are reached through `config.secret(name)`
 * rather than fixed fields.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'must be one of true, false, 1, 0, yes, no, on, off',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const positiveInt = z.coerce.number({ error: 'must be a number' }).int('must be a whole number').positive('must be > 0');
const days = z.coerce.number({ error: 'must be a number of days' }).int('must be a whole number of days').min(0, 'must be 0 (keep) or more days');
const positiveNumber = z.coerce.number({ error: 'must be a number' }).positive('must be > 0');
const url = z.url({ error: 'must be a URL such as https://example.org' }).transform((u) => u.replace(/\/+$/, ''));
/** express's names for address ranges, accepted in TRUST_PROXY. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const isAddressOrSubnet = (entry: string) => {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};
/**
 * The proxies whose X-Forwarded-For is believed: a number of hops, or addresses, subnets and the
 * names loopback, linklocal, uniquelocal, comma-separated. Unset: none (the client is the peer).
 */
const trustProxy = z
  .string()
  .trim()
  .refine(
    (v) => /^[1-9]\d?$/.test(v) || v.split(',').every((e) => PROXY_RANGES.includes(e.trim()) || isAddressOrSubnet(e.trim())),
    'must be a number of hops (1-99) or a comma-separated list of proxy addresses, subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal',
  )
  .transform((v): number | string[] => (/^\d+$/.test(v) ? Number(v) : v.split(',').map((e) => e.trim())));
const hhmmRange = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must look like 21:00-07:00');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(3000),
  PUBLIC_URL: url.optional(),
  TRUST_PROXY: trustProxy.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  TIME_ZONE: z.string().default(DEFAULT_TIME_ZONE),

  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('cds_bot'),
  MONGODB_CONNECT_RETRIES: z.coerce.number().int().min(0).default(5),
  EMBEDDED_DB_PATH: z.string().default('./data'),
  EMBEDDED_DB_PORT: port.optional(),
  /** The embedded database is refused in production unless this says the operator knows (docs/embedded-db.md). */
  EMBEDDED_DB_IN_PRODUCTION: bool.default(false),
  /** Warn (log, /readyz, admin dashboard) above this many documents; the default is from the measurements. */
  EMBEDDED_DB_WARN_DOCUMENTS: positiveInt.optional(),
  /** Warn above this many MB of data files (snapshot and journal). */
  EMBEDDED_DB_WARN_DATA_MB: positiveInt.optional(),
  /** The embedded database's heap is at least this many MB (it is sized from the data files anyway). */
  EMBEDDED_DB_HEAP_MB: positiveInt.optional(),
  /** Read only for a --max-old-space-size in it, which fixes every thread's heap. */
  NODE_OPTIONS: z.string().optional(),

  BOTS_DIR: z.string().default('bots'),
  CONTENT_DIR: z.string().default('content'),
  CONTENT_SYNC_ON_START: bool.default(true),

  MESSENGER_GRAPH_URL: url.default('https://graph.facebook.com'),
  MESSENGER_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v23.0')
    .default('v23.0'),
  ZALO_OA_API_URL: url.default('https://openapi.zalo.me'),
  ZALO_OAUTH_URL: url.default('https://oauth.zaloapp.com'),
  HTTP_TIMEOUT_MS: positiveInt.default(10_000),

  SEND_RATE_MESSENGER_PER_S: positiveNumber.default(40),
  SEND_RATE_ZALO_OA_PER_S: positiveNumber.default(10),
  ZALO_PERSONAL_MIN_INTERVAL_MS: positiveInt.default(2000),
  SEND_MAX_ATTEMPTS: positiveInt.default(5),

  INBOX_CONCURRENCY: positiveInt.default(8),
  INBOX_MAX_ATTEMPTS: positiveInt.default(5),
  INBOX_LEASE_MS: positiveInt.default(30_000),

  QUIET_HOURS: hhmmRange.default('21:00-07:00'),
  /** The weekly recap (issue 19 item 4): a five-field cron in TIME_ZONE, or "off". Default Sunday 19:00, before quiet hours. */
  RECAP_CRON: z
    .string()
    .trim()
    .regex(/^(off|[0-9*,/-]+( [0-9*,/-]+){4})$/, 'a five-field cron such as "0 19 * * 0", or "off"')
    .default('0 19 * * 0'),
  SCHEDULER_ENABLED: bool.default(true),

  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Key of members' option order and of the fairness marks kept after a deletion; derived from SESSION_SECRET when unset. */
  MEMBER_HASH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SIMULATOR_ENABLED: bool.optional(),
  ADMIN_LOGIN_MAX_PER_15_MIN: positiveInt.default(10),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),

  RETENTION_INBOX_DAYS: days.default(30),
  RETENTION_WEB_MESSAGES_DAYS: days.default(30),
  RETENTION_DELIVERIES_DAYS: days.default(180),
});

type Parsed = z.infer<typeof schema>;

export interface Config {
  readonly env: Parsed['NODE_ENV'];
  readonly isProduction: boolean;
  readonly http: {
    host: string;
    port: number;
    publicUrl: string | undefined;
    timeoutMs: number;
    /** express's `trust proxy`: false (the default) trusts no proxy, so X-Forwarded-For is ignored. */
    trustProxy: false | number | readonly string[];
  };
  readonly log: { level: Parsed['LOG_LEVEL']; format: 'json' | 'pretty' };
  readonly timeZone: string;
  readonly db: {
    uri: string | undefined;
    name: string;
    connectRetries: number;
    /** `null` means in memory (no journal). */
    embeddedPath: string | null;
    /**
     * `null` (the default): the embedded server listens only on a Unix socket in its data directory.
     * A port (0 = any free one): also on 127.0.0.1 over TCP, with password authentication.
     */
    embeddedPort: number | null;
    /** When the embedded database warns; undefined: its measured defaults. */
    embeddedWarnDocuments: number | undefined;
    embeddedWarnDataBytes: number | undefined;
    /** The embedded database's heap is at least this (MB); undefined: sized from the data. */
    embeddedHeapMb: number | undefined;
    /** A --max-old-space-size in NODE_OPTIONS (MB), which fixes every thread's heap; null when none. */
    nodeOptionsHeapMb: number | null;
  };
  readonly paths: { bots: string; content: string };
  readonly contentSyncOnStart: boolean;
  readonly platforms: {
    messengerGraphUrl: string;
    messengerApiVersion: string;
    zaloOaApiUrl: string;
    zaloOauthUrl: string;
  };
  readonly sending: {
    messengerPerSecond: number;
    zaloOaPerSecond: number;
    zaloPersonalMinIntervalMs: number;
    maxAttempts: number;
  };
  readonly inbox: { concurrency: number; maxAttempts: number; leaseMs: number };
  readonly quietHours: { start: string; end: string };
  /** The weekly recap's cron in `timeZone`; null when RECAP_CRON=off. */
  readonly recap: { cron: string | null };
  readonly schedulerEnabled: boolean;
  readonly admin: { sessionSecret: string | undefined; loginMaxPer15Min: number; simulatorEnabled: boolean };
  readonly shutdownTimeoutMs: number;
  /** Days before processed inbox entries, web-channel messages and finished broadcasts' deliveries are deleted; 0 keeps them. */
  readonly retention: { inboxDays: number; webMessagesDays: number; deliveriesDays: number };
  /**
   * Key of the per-member option order and of the keyed hashes kept after a deletion: MEMBER_HASH_SECRET,
   * else derived from SESSION_SECRET (required in production), else a development default.
   */
  readonly memberKey: string;
  /** Reads a secret whose variable name comes from content (e.g. `DEMO_MESSENGER_APP_SECRET`). */
  secret(name: string): string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The last --max-old-space-size in NODE_OPTIONS, in MB. */
function heapFlagMb(nodeOptions: string | undefined): number | null {
  const all = [...(nodeOptions ?? '').matchAll(/--max[-_]old[-_]space[-_]size[=\s]+(\d+)/g)];
  return all.length ? Number(all[all.length - 1]![1]) : null;
}

/** Pure: builds the Config from an environment map, or throws a ConfigError naming every bad variable. */
export function parseConfig(env: Env): Config {
  // An empty variable means "not set", as in most twelve-factor tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = cleaned[name];
      const shown = value === undefined || /SECRET|TOKEN|PASSWORD|URI/.test(name) ? '' : ` (got "${value}")`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const p = result.data;
  const problems: string[] = [];
  if (p.NODE_ENV === 'production' && !p.SESSION_SECRET) {
    problems.push('SESSION_SECRET: required in production (at least 32 random characters)');
  }
  if (p.NODE_ENV === 'production' && !p.MONGODB_URI && !p.EMBEDDED_DB_IN_PRODUCTION) {
    problems.push(
      'MONGODB_URI: required in production. Without it the product would use its embedded database, which is for development, tests and small pilots ' +
        '(limits in docs/embedded-db.md). Set MONGODB_URI to a real MongoDB, or EMBEDDED_DB_IN_PRODUCTION=true to run a small pilot on the embedded database anyway.',
    );
  }
  const embeddedPath = ['', ':memory:', 'memory'].includes(p.EMBEDDED_DB_PATH) ? null : p.EMBEDDED_DB_PATH;
  if (p.EMBEDDED_DB_PORT !== undefined && !embeddedPath && !p.MONGODB_URI) {
    problems.push('EMBEDDED_DB_PORT: needs a data directory (EMBEDDED_DB_PATH), where the password of the TCP listener is kept');
  }
  if (problems.length) throw new ConfigError(problems);

  const [qStart, qEnd] = p.QUIET_HOURS.split('-') as [string, string];
  const secrets = { ...cleaned };
  return Object.freeze({
    env: p.NODE_ENV,
    isProduction: p.NODE_ENV === 'production',
    http: { host: p.HOST, port: p.PORT, publicUrl: p.PUBLIC_URL, timeoutMs: p.HTTP_TIMEOUT_MS, trustProxy: p.TRUST_PROXY ?? (false as const) },
    log: { level: p.LOG_LEVEL, format: p.LOG_FORMAT ?? (p.NODE_ENV === 'development' ? 'pretty' : 'json') },
    timeZone: p.TIME_ZONE,
    db: {
      uri: p.MONGODB_URI,
      name: p.MONGODB_DB_NAME,
      connectRetries: p.MONGODB_CONNECT_RETRIES,
      embeddedPath,
      embeddedPort: p.EMBEDDED_DB_PORT ?? null,
      embeddedWarnDocuments: p.EMBEDDED_DB_WARN_DOCUMENTS,
      embeddedWarnDataBytes: p.EMBEDDED_DB_WARN_DATA_MB === undefined ? undefined : p.EMBEDDED_DB_WARN_DATA_MB * 1024 * 1024,
      embeddedHeapMb: p.EMBEDDED_DB_HEAP_MB,
      nodeOptionsHeapMb: heapFlagMb(p.NODE_OPTIONS),
    },
    paths: { bots: p.BOTS_DIR, content: p.CONTENT_DIR },
    contentSyncOnStart: p.CONTENT_SYNC_ON_START,
    platforms: {
      messengerGraphUrl: p.MESSENGER_GRAPH_URL,
      messengerApiVersion: p.MESSENGER_API_VERSION,
      zaloOaApiUrl: p.ZALO_OA_API_URL,
      zaloOauthUrl: p.ZALO_OAUTH_URL,
    },
    sending: {
      messengerPerSecond: p.SEND_RATE_MESSENGER_PER_S,
      zaloOaPerSecond: p.SEND_RATE_ZALO_OA_PER_S,
      zaloPersonalMinIntervalMs: p.ZALO_PERSONAL_MIN_INTERVAL_MS,
      maxAttempts: p.SEND_MAX_ATTEMPTS,
    },
    inbox: { concurrency: p.INBOX_CONCURRENCY, maxAttempts: p.INBOX_MAX_ATTEMPTS, leaseMs: p.INBOX_LEASE_MS },
    quietHours: { start: qStart, end: qEnd },
    recap: { cron: p.RECAP_CRON === 'off' ? null : p.RECAP_CRON },
    schedulerEnabled: p.SCHEDULER_ENABLED,
    admin: {
      sessionSecret: p.SESSION_SECRET,
      loginMaxPer15Min: p.ADMIN_LOGIN_MAX_PER_15_MIN,
      simulatorEnabled: p.SIMULATOR_ENABLED ?? p.NODE_ENV !== 'production',
    },
    shutdownTimeoutMs: p.SHUTDOWN_TIMEOUT_MS,
    retention: { inboxDays: p.RETENTION_INBOX_DAYS, webMessagesDays: p.RETENTION_WEB_MESSAGES_DAYS, deliveriesDays: p.RETENTION_DELIVERIES_DAYS },
    memberKey: memberKeyOf(p.MEMBER_HASH_SECRET, p.SESSION_SECRET),
    secret: (name: string) => secrets[name],
  });
}

/** Only where neither secret is set, which production refuses (SESSION_SECRET is required there). */
export const DEVELOPMENT_MEMBER_KEY = 'development-only member key: set MEMBER_HASH_SECRET or SESSION_SECRET';

function memberKeyOf(memberSecret: string | undefined, sessionSecret: string | undefined): string {
  if (memberSecret) return memberSecret;
  // A key of its own, so the session secret itself never seeds anything members can observe.
  if (sessionSecret) return createHmac('sha256', sessionSecret).update('member-hash-key').digest('base64url');
  return DEVELOPMENT_MEMBER_KEY;
}

/**
 * Reads `.env` (or `ENV_FILE`) if present, then the real environment, which wins.
 * The file is optional: production sets variables directly.
 */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const file = path.resolve(cwd, env.ENV_FILE ?? '.env');
  const fromFile = fs.existsSync(file) ? parseDotenv(fs.readFileSync(file)) : {};
  return parseConfig({ ...fromFile, ...env });
}

/** Test helper: a valid Config with overrides, without touching process.env. */
export function testConfig(overrides: Env = {}): Config {
  return parseConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', EMBEDDED_DB_PATH: ':memory:', ...overrides });
}
