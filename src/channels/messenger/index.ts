import type { Config } from '../../config/index.js';
import type { BotConfig } from '../../content/index.js';
import { readSecrets } from '../secrets.js';
import type { Channel } from '../types.js';
import { createMessengerClient, type MarketingAccount, type MessengerClient } from './client.js';
import { normalizeMessenger } from './normalize.js';
import { addressedToPage, verifyMessengerSignature, verifyMessengerSubscription } from './verify.js';

export { normalizeMessenger } from './normalize.js';
export { renderMarketing, renderMessenger } from './render.js';
export { classifyGraphError, classifyMarketingError, createMessengerClient, messagingType, type MarketingAccount, type MessengerClient } from './client.js';
export { addressedToPage, signMessengerBody, verifyMessengerSignature, verifyMessengerSubscription } from './verify.js';
export { GET_STARTED_PAYLOAD, MESSENGER_LIMITS } from './types.js';

export interface MessengerChannel extends Channel {
  readonly name: 'messenger';
  /** Meta's GET handshake for this bot. */
  subscribe(botId: string, query: Record<string, unknown>): ReturnType<typeof verifyMessengerSubscription>;
  readonly client: MessengerClient;
  pageToken(botId: string): string | undefined;
  /** The bot turned marketing messages on and its MM_* secrets are set (the opt-in path, docs/reach.md §1.4). */
  marketingReady(botId: string): boolean;
}

/** Messenger for every bot whose APP_SECRET, PAGE_TOKEN and VERIFY_TOKEN are set. */
export function messengerChannel(deps: { config: Config; bots: ReadonlyMap<string, BotConfig>; client?: MessengerClient }): MessengerChannel {
  const client =
    deps.client ??
    createMessengerClient({
      graphUrl: deps.config.platforms.messengerGraphUrl,
      apiVersion: deps.config.platforms.messengerApiVersion,
      timeoutMs: deps.config.http.timeoutMs,
    });
  // Config is immutable once loaded, so a bot's secrets are looked up once per bot object (every
  // webhook asks twice); keyed by the object, so a reloaded bot is looked up afresh.
  const known = new WeakMap<
    BotConfig,
    { appSecret: string; pageToken: string; verifyToken: string; pageId?: string; marketing: MarketingAccount | null } | null
  >();
  const secrets = (botId: string) => {
    const bot = deps.bots.get(botId);
    if (!bot) return null;
    let found = known.get(bot);
    if (found === undefined) {
      const s = readSecrets(deps.config, bot, 'messenger');
      const marketing =
        bot.channels.messenger?.marketingMessages?.enabled && s.MM_AD_ACCOUNT_ID && s.MM_CAMPAIGN_ID && s.MM_ACCESS_TOKEN
          ? { adAccountId: s.MM_AD_ACCOUNT_ID, campaignId: s.MM_CAMPAIGN_ID, accessToken: s.MM_ACCESS_TOKEN }
          : null;
      found =
        s.APP_SECRET && s.PAGE_TOKEN && s.VERIFY_TOKEN
          ? { appSecret: s.APP_SECRET, pageToken: s.PAGE_TOKEN, verifyToken: s.VERIFY_TOKEN, ...(s.PAGE_ID ? { pageId: s.PAGE_ID } : {}), marketing }
          : null;
      known.set(bot, found);
    }
    return found;
  };
  return {
    name: 'messenger',
    client,
    enabled: (botId) => secrets(botId) !== null,
    pageToken: (botId) => secrets(botId)?.pageToken,
    marketingReady: (botId) => Boolean(secrets(botId)?.marketing),
    webhook: {
      verify(botId, request) {
        const s = secrets(botId);
        return s ? verifyMessengerSignature(request, s.appSecret) : { ok: false, status: 403, reason: 'channel not enabled' };
      },
      addressed: (botId, body) => addressedToPage(body, secrets(botId)?.pageId),
      normalize: normalizeMessenger,
    },
    subscribe(botId, query) {
      const s = secrets(botId);
      return s ? verifyMessengerSubscription(query, s.verifyToken) : { ok: false, status: 403, reason: 'channel not enabled' };
    },
    async send(to, message, options) {
      const s = secrets(to.bot);
      if (!s) return { ok: false, errorClass: 'auth', reason: `Messenger is not configured for bot ${to.bot}` };
      if (options.purpose !== 'marketing') return client.send(s.pageToken, to, message, options);
      if (!s.marketing) return { ok: false, errorClass: 'refused', refusal: 'account', reason: `marketing messages are not configured for bot ${to.bot}` };
      if (!options.optInToken) return { ok: false, errorClass: 'invalid', reason: 'a marketing message needs the member’s subscription token' };
      return client.sendMarketing(s.marketing, options.optInToken, message);
    },
  };
}
