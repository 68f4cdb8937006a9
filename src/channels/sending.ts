import { randomUUID } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import type { BotConfig } from '../content/index.js';
import type { Models } from '../db/index.js';
import { systemClock, type ChannelName, type Clock, type ReachSettings, type Send } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import { createInboxStore, type InboxStore } from './inbox/store.js';
import { createLeases, type Leases } from './lease.js';
import { createChannelMetrics, type ChannelMetrics } from './metrics.js';
import { messengerChannel, type MessengerChannel, type MessengerClient } from './messenger/index.js';
import { classify, composeSend, observe, rateLimit, retry, tokenBucket, type BucketTime } from './send/transformers.js';
import type { Channel } from './types.js';
import { webChannel } from './web/index.js';
import { createZaloTokens, zaloAppSecrets, zaloOaChannel, type ZaloTokens } from './zalo-oa/index.js';
import { createZcaClient, zaloPersonalChannel, type ZaloPersonalChannel, type ZaloPersonalClient } from './zalo-personal/index.js';

export interface ChannelSendingDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly models: Models;
  readonly bots: readonly BotConfig[];
  readonly registry: Registry;
  readonly clock?: Clock;
  /** Tests: a fake zca-js. */
  readonly zaloPersonalClient?: () => ZaloPersonalClient;
  /** Tests: a Messenger client with a custom axios instance. */
  readonly messengerClient?: MessengerClient;
}

/** The platforms and stores the receiving side shares with the sending side (one inbox, one set of adapters). */
export interface ChannelParts {
  readonly clock: Clock;
  readonly bots: ReadonlyMap<string, BotConfig>;
  readonly leases: Leases;
  readonly inbox: InboxStore;
  readonly metrics: ChannelMetrics;
  readonly messenger: MessengerChannel;
  readonly zalo: Channel;
  readonly zaloPersonal: ZaloPersonalChannel;
}

/** The outbound side of the channels: built before outreach, which sends through it. */
export interface ChannelSending {
  /** Any bot, any channel: classified failures, per-channel throttling, retry of transient errors, Zalo refresh once on auth. */
  readonly send: Send;
  enabled(botId: string): ChannelName[];
  /** The paid paths a bot may use now: turned on in its YAML and, for Messenger, with its MM_* secrets set (docs/reach.md). */
  reachSettings(botId: string): ReachSettings;
  /** Refreshes Zalo OA tokens that expire within two hours (Agenda job `zalo-token-refresh`). */
  refreshZaloTokens(): Promise<void>;
  /** Zalo OA token store (CLI `zalo token`). */
  readonly zaloTokens: ZaloTokens;
  /** For the receiving side (src/channels/receiving.ts). */
  readonly parts: ChannelParts;
}

/** Builds every platform adapter and the one send pipeline. Nothing here needs the conversation or outreach. */
export function createChannelSending(deps: ChannelSendingDeps): ChannelSending {
  const clock = deps.clock ?? systemClock;
  const { config, models, logger } = deps;
  const bots = new Map(deps.bots.map((b) => [b.id, b]));
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const leases = createLeases(models.Lease, owner, clock);
  const inbox = createInboxStore(models.InboxEvent, clock);
  const metrics = createChannelMetrics(deps.registry, () => inbox.depth());

  const zaloTokens = createZaloTokens({
    model: models.ChannelCredential,
    leases,
    oauthUrl: config.platforms.zaloOauthUrl,
    timeoutMs: config.http.timeoutMs,
    logger,
    clock,
    app: (botId) => zaloAppSecrets(config, bots.get(botId)),
  });
  const messenger = messengerChannel({ config, bots, ...(deps.messengerClient ? { client: deps.messengerClient } : {}) });
  const zalo = zaloOaChannel({ config, bots, tokens: zaloTokens });
  const web = webChannel({ model: models.WebMessage, enabled: (b) => bots.has(b), clock });
  const zaloPersonal = zaloPersonalChannel({ bots, model: models.ChannelCredential, logger, createClient: deps.zaloPersonalClient ?? createZcaClient });

  const channels: Record<ChannelName, Channel> = { messenger, zalo_oa: zalo, zalo_personal: zaloPersonal, web };
  const send = sendPipeline(channels, config.sending, metrics);
  return {
    send,
    enabled: (botId) => (Object.keys(channels) as ChannelName[]).filter((n) => bots.has(botId) && channels[n].enabled(botId)),
    reachSettings: (botId) => {
      const oa = zalo.enabled(botId) ? bots.get(botId)?.channels.zalo_oa : undefined;
      return {
        messengerMarketing: messenger.marketingReady(botId),
        zaloPaidConsultation: Boolean(oa?.paidConsultation),
        zaloPromotion: Boolean(oa?.promotion?.enabled),
      };
    },
    refreshZaloTokens: () => zaloTokens.refreshExpiring([...bots.keys()].filter((b) => zalo.enabled(b))),
    zaloTokens,
    parts: { clock, bots, leases, inbox, metrics, messenger, zalo, zaloPersonal },
  };
}

/**
 * The one send pipeline: for each channel, its platform send wrapped (grammY-style) in error
 * classification, a rate limiter per bot (a page or an OA is limited by its platform), retries of
 * transient failures and metrics. Every message the product sends — replies, daily questions,
 * broadcasts — goes through it, so through exactly one limiter. `time`: tests' clock for the limiter.
 */
export function sendPipeline(channels: Record<ChannelName, Channel>, rates: Config['sending'], metrics: ChannelMetrics, time?: BucketTime): Send {
  const limits: Record<ChannelName, number | null> = {
    messenger: rates.messengerPerSecond,
    zalo_oa: rates.zaloOaPerSecond,
    zalo_personal: 1000 / rates.zaloPersonalMinIntervalMs,
    web: null,
  };
  const sends = Object.fromEntries(
    (Object.keys(channels) as ChannelName[]).map((name) => {
      const perSecond = limits[name];
      const burst = name === 'zalo_personal' ? 1 : undefined;
      const stack = composeSend(channels[name].send, [
        classify,
        ...(perSecond
          ? [
              rateLimit(
                (to) => to.bot,
                () => tokenBucket(perSecond, burst, time),
              ),
            ]
          : []),
        retry(2),
        observe((_to, r) => metrics.sendResult(name, r.ok, r.ok ? undefined : r.errorClass)),
      ]);
      return [name, stack];
    }),
  ) as Record<ChannelName, Send>;

  return (to, message, options) => {
    const s = sends[to.channel];
    if (!s) return Promise.resolve({ ok: false, errorClass: 'invalid', reason: `unknown channel ${String(to.channel)}` });
    return s(to, message, options);
  };
}
