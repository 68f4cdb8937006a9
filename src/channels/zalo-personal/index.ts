import type { Channel } from '../types.js';
import { groupsOf, zcaConnections } from './connections.js';
import { renderZaloPersonal } from './render.js';
import type { ZaloPersonalDeps, ZaloPersonalIngest, ZaloPersonalSession } from './types.js';

export { createZcaClient, loginByQr } from './client.js';
export { normalizeZaloPersonal } from './normalize.js';
export { renderZaloPersonal } from './render.js';
export type { ZaloPersonalClient, ZaloPersonalDeps, ZaloPersonalIncoming, ZaloPersonalIngest, ZaloPersonalSession } from './types.js';

export interface ZaloPersonalChannel extends Channel {
  /** Connects every bot that configures groups and has a stored session; their group messages go to `ingest`. */
  start(ingest: ZaloPersonalIngest): Promise<void>;
  stop(): void;
  /** Stores a session (CLI `zalo-personal login`). */
  storeSession(botId: string, session: ZaloPersonalSession): Promise<void>;
}

/** zca-js group chats: only for bots listing groups, only those groups, with its own slow rate limit. */
export function zaloPersonalChannel(deps: ZaloPersonalDeps): ZaloPersonalChannel {
  const connections = zcaConnections(deps);
  const { clients } = connections;

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
    start: async (ingest) => connections.start(ingest),
    stop: () => connections.stop(),
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
