import { zaloGroupIds, type BotConfig } from '../../content/index.js';
import type { ChannelCredential } from '../../db/index.js';
import { backoffDelay } from '../../domain/index.js';
import { normalizeZaloPersonal } from './normalize.js';
import type { ZaloPersonalClient, ZaloPersonalDeps, ZaloPersonalIngest, ZaloPersonalSession } from './types.js';

export const groupsOf = (bot: BotConfig | undefined): string[] => zaloGroupIds(bot);

/**
 * The logged-in zca-js accounts, one per bot that lists groups: each logs in with its stored
 * session, hands group messages to `ingest`, and reconnects with backoff after a drop or a failure.
 */
export function zcaConnections(deps: ZaloPersonalDeps) {
  const clients = new Map<string, ZaloPersonalClient>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let ingest: ZaloPersonalIngest = async () => undefined;
  const backoff = deps.backoffMs ?? { first: 1000, max: 5 * 60_000 };

  async function loadSession(botId: string): Promise<ZaloPersonalSession | null> {
    const doc = (await deps.model.collection.findOne({ _id: `${botId}:zalo_personal` as never })) as ChannelCredential | null;
    return doc?.session ?? null;
  }

  async function connect(botId: string, attempt: number): Promise<void> {
    if (stopped) return;
    const bot = deps.bots.get(botId);
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
  }

  function retry(botId: string, attempt: number): void {
    if (stopped) return;
    const delay = backoffDelay(attempt + 1, { baseMs: backoff.first, maxMs: backoff.max });
    const t = setTimeout(() => {
      timers.delete(t);
      void connect(botId, attempt);
    }, delay);
    t.unref();
    timers.add(t);
  }

  return {
    clients,
    start(sink: ZaloPersonalIngest): void {
      stopped = false;
      ingest = sink;
      for (const [botId, bot] of deps.bots) if (groupsOf(bot).length) void connect(botId, 0);
    },
    stop(): void {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const c of clients.values()) c.stop();
      clients.clear();
    },
  };
}
