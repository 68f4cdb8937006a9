import type { AxiosInstance } from 'axios';
import { createPlatformHttp } from '../platform-http.js';
import type { Model } from 'mongoose';
import type { ChannelCredential } from '../../db/index.js';
import type { Clock } from '../../domain/index.js';
import type { Logger } from '../../log/index.js';
import type { Leases } from '../lease.js';

export interface ZaloTokenPair {
  readonly accessToken: string;
  readonly refreshToken: string | null;
}

export interface ZaloAppSecrets {
  readonly appId: string;
  readonly secretKey: string;
  /** From the environment: used once, to seed the database when it holds no pair yet. */
  readonly accessToken?: string;
  readonly refreshToken?: string;
  /** The OA's own id: when set, signed webhooks naming another OA are ignored. */
  readonly oaId?: string;
}

export interface ZaloTokensDeps {
  readonly model: Model<ChannelCredential>;
  readonly leases: Leases;
  readonly oauthUrl: string;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly app: (botId: string) => ZaloAppSecrets | null;
  readonly http?: AxiosInstance;
}

const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 3600 * 1000;
const LOCK_MS = 30_000;
const LOCK_WAIT_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const credId = (botId: string) => `${botId}:zalo_oa`;

/** A pair as the database holds it, read and written by the functions below. */
interface TokenStore {
  readonly deps: ZaloTokensDeps;
  readonly http: AxiosInstance;
}

async function readPair({ deps }: TokenStore, botId: string): Promise<ChannelCredential | null> {
  return (await deps.model.collection.findOne({ _id: credId(botId) as never })) as ChannelCredential | null;
}

/** Writes a pair (CLI `zalo token`, a refresh). */
async function storePair({ deps }: TokenStore, botId: string, pair: ZaloTokenPair, expiresInS = 90_000): Promise<void> {
  const now = deps.clock();
  await deps.model.collection.updateOne(
    { _id: credId(botId) as never },
    {
      $set: {
        bot: botId,
        channel: 'zalo_oa',
        accessToken: pair.accessToken,
        refreshToken: pair.refreshToken,
        accessExpiresAt: new Date(now.getTime() + expiresInS * 1000),
        refreshExpiresAt: pair.refreshToken ? new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_MS) : null,
        updatedAt: now,
      },
      $setOnInsert: { session: null },
    },
    { upsert: true },
  );
}

/** The access token to use now: the database's, else the environment's (stored on first use). */
async function currentToken(store: TokenStore, botId: string): Promise<string | null> {
  const { deps } = store;
  const doc = await readPair(store, botId);
  if (doc?.accessToken) return doc.accessToken;
  const app = deps.app(botId);
  if (!app?.accessToken) return null;
  await deps.model.collection
    .updateOne(
      { _id: credId(botId) as never },
      {
        $setOnInsert: {
          bot: botId,
          channel: 'zalo_oa',
          accessToken: app.accessToken,
          refreshToken: app.refreshToken ?? null,
          // Unknown age: treat as due for refresh soon.
          accessExpiresAt: new Date(deps.clock().getTime() + 3600_000),
          refreshExpiresAt: null,
          session: null,
          updatedAt: deps.clock(),
        },
      },
      { upsert: true },
    )
    .catch((err: unknown) => {
      if ((err as { code?: number }).code !== 11000) throw err;
    });
  return (await readPair(store, botId))?.accessToken ?? null;
}

/** Waits for the database lock on a bot's refresh; false after LOCK_WAIT_MS. */
async function lockRefresh(deps: ZaloTokensDeps, key: string): Promise<boolean> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!(await deps.leases.acquire(key, LOCK_MS))) {
    if (Date.now() > deadline) return false;
    await sleep(50 + Math.random() * 100);
  }
  return true;
}

/** One refresh under the lock: re-reads the pair first (another process may just have refreshed). */
async function refreshLocked(store: TokenStore, botId: string, staleAccessToken: string | null): Promise<boolean> {
  const { deps } = store;
  const app = deps.app(botId);
  if (!app) return false;
  const key = `zalo-refresh:${botId}`;
  if (!(await lockRefresh(deps, key))) return false;
  try {
    const doc = await readPair(store, botId);
    // Someone refreshed while we waited: their token is ours too.
    if (doc?.accessToken && staleAccessToken !== null && doc.accessToken !== staleAccessToken) return true;
    const refreshToken = doc?.refreshToken ?? app.refreshToken ?? null;
    if (!refreshToken) {
      deps.logger.error({ bot: botId }, 'Zalo OA access token rejected and no refresh token is stored: run `npm run cli -- zalo token`');
      return false;
    }
    return await exchangeRefreshToken(store, botId, app, refreshToken);
  } finally {
    await deps.leases.release(key);
  }
}

/** Asks Zalo for a new pair and stores both tokens in one update: the old refresh token is spent. */
async function exchangeRefreshToken(store: TokenStore, botId: string, app: ZaloAppSecrets, refreshToken: string): Promise<boolean> {
  const { deps, http } = store;
  // https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new
  const res = await http.post<{
    access_token?: string;
    refresh_token?: string;
    expires_in?: string | number;
    error?: number;
    error_name?: string;
    error_description?: string;
  }>(`${deps.oauthUrl}/v4/oa/access_token`, new URLSearchParams({ refresh_token: refreshToken, app_id: app.appId, grant_type: 'refresh_token' }).toString(), {
    headers: { secret_key: app.secretKey, 'Content-Type': 'application/x-www-form-urlencoded' },
    timeout: deps.timeoutMs,
    validateStatus: () => true,
  });
  const body = res.data;
  if (res.status !== 200 || !body?.access_token || !body.refresh_token) {
    deps.logger.error(
      { bot: botId, status: res.status, error: body?.error, errorName: body?.error_name, description: body?.error_description },
      'Zalo OA token refresh failed',
    );
    return false;
  }
  await storePair(store, botId, { accessToken: body.access_token, refreshToken: body.refresh_token }, Number(body.expires_in ?? 90_000));
  deps.logger.info({ bot: botId }, 'Zalo OA tokens refreshed');
  return true;
}

/**
 * Zalo OA tokens live in the database. Access tokens last about 25 h; refresh tokens 3 months and are
 * **single use**, so a refresh runs under a database lock (one process at a time), re-reads the pair
 * after taking the lock (someone else may just have refreshed), and writes both new tokens in one update.
 */
export function createZaloTokens(deps: ZaloTokensDeps) {
  const store: TokenStore = { deps, http: deps.http ?? createPlatformHttp(deps.timeoutMs) };
  const inFlight = new Map<string, Promise<boolean>>();

  /**
   * Refreshes after `staleAccessToken` was rejected (or before it expires). Concurrent callers in this
   * process share one attempt; other processes wait on the database lock and then see the new token.
   */
  function refresh(botId: string, staleAccessToken: string | null): Promise<boolean> {
    const running = inFlight.get(botId);
    if (running) return running;
    const p = refreshLocked(store, botId, staleAccessToken).finally(() => inFlight.delete(botId));
    inFlight.set(botId, p);
    return p;
  }

  /** Refreshes every listed bot whose access token expires within `withinMs`. */
  async function refreshExpiring(botIds: readonly string[], withinMs = 2 * 3600_000): Promise<void> {
    for (const botId of botIds) {
      const doc = await readPair(store, botId);
      if (!doc?.refreshToken || !doc.accessExpiresAt) continue;
      if (doc.accessExpiresAt.getTime() - deps.clock().getTime() < withinMs) await refresh(botId, doc.accessToken);
    }
  }

  return {
    current: (botId: string) => currentToken(store, botId),
    refresh,
    refreshExpiring,
    /** Writes a pair (CLI `zalo token`, or the first seed from the environment). */
    store: (botId: string, pair: ZaloTokenPair, expiresInS?: number) => storePair(store, botId, pair, expiresInS),
    read: (botId: string) => readPair(store, botId),
  };
}

export type ZaloTokens = ReturnType<typeof createZaloTokens>;
