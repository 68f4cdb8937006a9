import type { Config } from '../../config/index.js';
import type { BotConfig } from '../../content/index.js';
import { readSecrets } from '../secrets.js';
import type { Channel } from '../types.js';
import { createZaloClient, type ZaloClient } from './client.js';
import { normalizeZalo } from './normalize.js';
import type { ZaloAppSecrets, ZaloTokens } from './tokens.js';
import { addressedToOa, verifyZaloSignature } from './verify.js';

export { classifyZaloError, createZaloClient, type ZaloClient } from './client.js';
export { normalizeZalo } from './normalize.js';
export { renderZalo, renderZaloPromotion } from './render.js';
export { createZaloTokens, type ZaloTokens, type ZaloAppSecrets } from './tokens.js';
export { addressedToOa, signZaloBody, verifyZaloSignature, zaloMac } from './verify.js';
export { ZALO_CHOICE_PREFIX, ZALO_LIMITS } from './types.js';

/** The Zalo OA app secrets of a bot: enabled when APP_ID and SECRET_KEY are set (tokens may come from `zalo token`). */
export function zaloAppSecrets(config: Config, bot: BotConfig | undefined): ZaloAppSecrets | null {
  if (!bot) return null;
  const s = readSecrets(config, bot, 'zalo_oa');
  if (!s.APP_ID || !s.SECRET_KEY) return null;
  return {
    appId: s.APP_ID,
    secretKey: s.SECRET_KEY,
    ...(s.ACCESS_TOKEN ? { accessToken: s.ACCESS_TOKEN } : {}),
    ...(s.REFRESH_TOKEN ? { refreshToken: s.REFRESH_TOKEN } : {}),
    ...(s.OA_ID ? { oaId: s.OA_ID } : {}),
  };
}

/** Zalo OA (Open API v3) for every bot whose APP_ID and SECRET_KEY are set. */
export function zaloOaChannel(deps: { config: Config; bots: ReadonlyMap<string, BotConfig>; tokens: ZaloTokens; client?: ZaloClient }): Channel {
  const client = deps.client ?? createZaloClient({ apiUrl: deps.config.platforms.zaloOaApiUrl, timeoutMs: deps.config.http.timeoutMs });
  const app = (botId: string) => zaloAppSecrets(deps.config, deps.bots.get(botId));
  return {
    name: 'zalo_oa',
    enabled: (botId) => app(botId) !== null,
    webhook: {
      verify(botId, request) {
        const a = app(botId);
        return a ? verifyZaloSignature(request, a.appId, a.secretKey) : { ok: false, status: 403, reason: 'channel not enabled' };
      },
      addressed: (botId, body) => addressedToOa(body, app(botId)?.oaId),
      normalize: normalizeZalo,
    },
    async send(to, message, options) {
      if (!app(to.bot)) return { ok: false, errorClass: 'auth', reason: `Zalo OA is not configured for bot ${to.bot}` };
      const token = await deps.tokens.current(to.bot);
      if (!token) return { ok: false, errorClass: 'auth', reason: `no Zalo OA access token for bot ${to.bot}: run \`npm run cli -- zalo token\`` };
      const first = await client.send(token, to, message, options.purpose, options.locale);
      if (first.ok || first.errorClass !== 'auth') return first;
      // -216/-220: refresh once (under the database lock) and retry once with the new token.
      if (!(await deps.tokens.refresh(to.bot, token))) return first;
      const fresh = await deps.tokens.current(to.bot);
      return fresh ? client.send(fresh, to, message, options.purpose, options.locale) : first;
    },
  };
}
