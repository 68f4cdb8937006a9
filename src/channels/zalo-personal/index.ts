import type { Model } from 'mongoose';
import type { BotConfig } from '../../content/index.js';
import type { ChannelCredential } from '../../db/index.js';
import { backoffDelay, type InboundEvent } from '../../domain/index.js';
import type { Logger } from '../../log/index.js';
import type { Channel } from '../types.js';
import { normalizeZaloPersonal } from './normalize.js';
import { renderZaloPersonal } from './render.js';
import type { ZaloPersonalClient, ZaloPersonalSession } from './types.js';

export { createZcaClient, loginByQr } from './client.js';
export { normalizeZaloPersonal } from './normalize.js';
export { renderZaloPersonal } from './render.js';
export type { ZaloPersonalClient, ZaloPersonalIncoming, ZaloPersonalSession } from './types.js';

export interface ZaloPersonalDeps {
  readonly bots: ReadonlyMap<string, BotConfig>;
  readonly model: Model<ChannelCredential>;
  readonly logger: Logger;
  readonly createClient: () => ZaloPersonalClient;
  /** Reconnect backoff: first delay and ceiling. */
  readonly backoffMs?: { first: number; max: number };
}

export interface ZaloPersonalChannel extends Channel {
  /** Connects every bot that configures groups and has a stored session; their group messages go to `ingest`. */
  start(ingest: ZaloPersonalIngest): Promise<void>;
  stop(): void;
  /** Stores a session (CLI `zalo-personal login`). */
  storeSession(botId: string, session: ZaloPersonalSession): Promise<void>;
}

/** Where received group messages go (the inbox). */
export type ZaloPersonalIngest = (events: InboundEvent[]) => Promise<unknown>;

const groupsOf = (bot: BotConfig | undefined) => bot?.channels.zalo_personal?.groups ?? [];

/** zca-js group chats: only for bots listing groups, only those groups, with its own slow rate limit. */
export function zaloPersonalChannel(deps: ZaloPersonalDeps): ZaloPersonalChannel {
  const clients = new Map<string, ZaloPersonalClient>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let ingest: ZaloPersonalIngest = async () => undefined;
  const backoff = deps.backoffMs ?? { first: 1000, max: 5 * 60_000 };

  async function loadSession(botId: string): Promise<ZaloPersonalSession | null> {
    const doc = (await deps.model.collection.findOne({ _id: `${botId}:zalo_personal` as never })) as ChannelCredential | null;
    return doc?.session ?? null;
  }

  function connect(botId: string, attempt: number): void {
    if (stopped) return;
    const bot = deps.bots.get(botId);
    void (async () => {
      try {
        const session = await loadSession(botId);
        if (!session) {
          deps.logger.warn({ bot: botId }, 'Zalo personal: no stored session; run `npm run cli -- zalo-personal login --bot <id>`');
          return;
        }
        const client = deps.createClient();
        await client.login(session);
        clients.set(botId, client);
        deps.logger.info({ bot: botId, groups: groupsOf(bot).length }, 'Zalo personal connected');
        client.listen(
          (m) => {
            const events = normalizeZaloPersonal(botId, groupsOf(bot), m);
            if (events.length) ingest(events).catch((err: unknown) => deps.logger.error({ err, bot: botId }, 'Zalo personal: could not store an event'));
          },
          (reason) => {
            clients.delete(botId);
            client.stop();
            deps.logger.warn({ bot: botId, reason }, 'Zalo personal disconnected; reconnecting');
            retry(botId, 0);
          },
        );
      } catch (err) {
        deps.logger.error({ bot: botId, attempt, err: (err as Error).message }, 'Zalo personal login failed; retrying with backoff');
        retry(botId, attempt + 1);
      }
    })();
  }

  function retry(botId: string, attempt: number): void {
    if (stopped) return;
    const delay = backoffDelay(attempt + 1, { baseMs: backoff.first, maxMs: backoff.max });
    const t = setTimeout(() => {
      timers.delete(t);
      connect(botId, attempt);
    }, delay);
    t.unref();
    timers.add(t);
  }

  return {
    name: 'zalo_personal',
    enabled: (botId) => groupsOf(deps.bots.get(botId)).length > 0,
    async send(to, message) {
      if (!to.groupId || !groupsOf(deps.bots.get(to.bot)).includes(to.groupId)) {
        return { ok: false, errorClass: 'invalid', reason: 'Zalo personal sends only to the configured groups' };
      }
      const client = clients.get(to.bot);
      if (!client) return { ok: false, errorClass: 'retryable', reason: 'Zalo personal account not connected', retryAfterMs: 10_000 };
      const ids: string[] = [];
      for (const piece of renderZaloPersonal(message)) ids.push((await client.sendMessage(to.groupId, piece)).messageId);
      return { ok: true, messageIds: ids };
    },
    async start(sink) {
      stopped = false;
      ingest = sink;
      for (const [botId, bot] of deps.bots) if (groupsOf(bot).length) connect(botId, 0);
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const c of clients.values()) c.stop();
      clients.clear();
    },
    async storeSession(botId, session) {
      await deps.model.collection.updateOne(
        { _id: `${botId}:zalo_personal` as never },
        {
          $set: { bot: botId, channel: 'zalo_personal', session, updatedAt: new Date() },
          $setOnInsert: { accessToken: null, refreshToken: null, accessExpiresAt: null, refreshExpiresAt: null },
        },
        { upsert: true },
      );
    },
  };
}
