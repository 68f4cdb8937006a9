import type { Channel } from '../types.js';
import { groupsOf, zcaConnections } from './connections.js';
import { renderZaloPersonal } from './render.js';
import { fetchableImage } from '../text.js';
import type { ZaloPersonalDeps, ZaloPersonalIngest, ZaloPersonalPicture, ZaloPersonalSession } from './types.js';

export { createZcaClient, loginByQr } from './client.js';
export { normalizeZaloPersonal } from './normalize.js';
export { renderZaloPersonal } from './render.js';
export type { ZaloPersonalClient, ZaloPersonalDeps, ZaloPersonalIncoming, ZaloPersonalIngest, ZaloPersonalPicture, ZaloPersonalSession } from './types.js';

/** The most a picture may weigh to be forwarded (content:check holds pictures to 1 MB; a certificate is far smaller). */
const PICTURE_MAX_BYTES = 1_500_000;

/**
 * Reads a picture by its address (the server's own /media or /certificates route) for zca-js to
 * upload: null when it cannot be read in 10 s, is not an image, or is too big (the message then
 * names the picture by its link instead).
 */
export async function fetchPicture(url: string): Promise<ZaloPersonalPicture | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || !type.startsWith('image/')) return null;
    const data = Buffer.from(await res.arrayBuffer());
    if (data.length > PICTURE_MAX_BYTES) return null;
    const ext = type.includes('jpeg') ? 'jpg' : type.includes('webp') ? 'webp' : 'png';
    const base = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? 'picture').replace(/\.[a-z0-9]+$/i, '') || 'picture';
    return { data, filename: `${base}.${ext}` };
  } catch {
    return null;
  }
}

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
      // A picture goes first as an attachment; when it cannot be read, the text names it by its link.
      const image = fetchableImage(message);
      const picture = image ? await (deps.fetchPicture ?? fetchPicture)(image.url) : null;
      if (picture) ids.push((await client.sendImage(to.groupId, picture)).messageId);
      const rest = picture ? { ...message, image: undefined } : message;
      for (const piece of renderZaloPersonal(rest)) ids.push((await client.sendMessage(to.groupId, piece)).messageId);
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
