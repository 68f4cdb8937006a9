import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import type { BotConfig } from '../content/schema.js';
import type { Models } from '../db/models/index.js';
import { systemClock, type ChannelName, type Clock, type InboundEvent, type InboundHandler, type OutboundMessage, type Send } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import { createInboxStore } from './inbox/store.js';
import { renderMessenger } from './messenger/index.js';
import { renderZalo } from './zalo-oa/index.js';
import { renderZaloPersonal } from './zalo-personal/index.js';
import { createInboxWorker } from './inbox/worker.js';
import { createLeases } from './lease.js';
import { createChannelMetrics } from './metrics.js';
import { messengerChannel, type MessengerClient } from './messenger/index.js';
import { classify, composeSend, observe, rateLimit, retry, tokenBucket } from './send/transformers.js';
import { createSimulatorApi } from './simulator-api.js';
import type { Channel } from './types.js';
import { webChannel } from './web/index.js';
import { createWebhookRouter } from './webhook-router.js';
import { createZaloTokens, zaloAppSecrets, zaloOaChannel, type ZaloTokens } from './zalo-oa/index.js';
import { createZcaClient, zaloPersonalChannel, type ZaloPersonalClient, type ZaloPersonalSession } from './zalo-personal/index.js';

export type { Channel, RawWebhook, Verdict, RawSend } from './types.js';
export { GET_STARTED_PAYLOAD, MESSENGER_LIMITS, renderMessenger, normalizeMessenger, signMessengerBody } from './messenger/index.js';
export { ZALO_CHOICE_PREFIX, renderZalo, normalizeZalo, signZaloBody } from './zalo-oa/index.js';
export { renderZaloPersonal, type ZaloPersonalClient, type ZaloPersonalSession } from './zalo-personal/index.js';
export { splitText } from './text.js';
export { inboxKey } from './inbox/store.js';
export { MENU_PAYLOADS } from './messenger/profile.js';

/** What a message becomes on a platform, for previews: the payload its adapter would send. */
export function renderFor(channel: ChannelName, message: OutboundMessage): unknown {
  switch (channel) {
    case 'messenger':
      return renderMessenger(message);
    case 'zalo_oa':
      return renderZalo(message);
    case 'zalo_personal':
      return renderZaloPersonal(message);
    case 'web':
      return message;
  }
}

export interface ChannelsDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly models: Models;
  readonly bots: readonly BotConfig[];
  readonly registry: Registry;
  /** The conversation engine; its replies are sent with purpose `response`. */
  readonly handler: InboundHandler;
  /** Deliveries and reads (outreach marks deliveries). */
  readonly onReceipt?: (e: Extract<InboundEvent, { kind: 'delivered' | 'read' }>) => Promise<void>;
  readonly clock?: Clock;
  /** Tests: a fake zca-js. */
  readonly zaloPersonalClient?: () => ZaloPersonalClient;
  /** Tests: how often the worker polls for work left by others (default 500 ms). */
  readonly pollMs?: number;
  /** Tests: a Messenger client with a custom axios instance. */
  readonly messengerClient?: MessengerClient;
}

export interface Channels {
  /** Mount at `/webhooks`: POST/GET /messenger/:botId, POST /zalo/:botId. */
  readonly webhookRouter: Router;
  /** The `web` channel for the admin's /simulator page (mount behind admin auth). */
  readonly simulatorApi: Router;
  /** Any bot, any channel: classified failures, per-channel throttling, retry of transient errors, Zalo refresh once on auth. */
  readonly send: Send;
  enabled(botId: string): ChannelName[];
  readonly worker: { start(): void; stop(): Promise<void> };
  /** Re-drives inbox entries left unprocessed (Agenda job `inbox-sweeper`). Returns entries processed. */
  sweepInbox(): Promise<number>;
  /** Refreshes Zalo OA tokens that expire within two hours (Agenda job `zalo-token-refresh`). */
  refreshZaloTokens(): Promise<void>;
  /** Zalo personal: connect / disconnect the zca-js accounts of bots that configure groups. */
  readonly zaloPersonal: { start(): Promise<void>; stop(): void; storeSession(botId: string, session: ZaloPersonalSession): Promise<void> };
  /** Zalo OA token store (CLI `zalo token`). */
  readonly zaloTokens: ZaloTokens;
}

/** Builds every channel, the webhook pipeline, the inbox worker and the send stack. */
export function createChannels(deps: ChannelsDeps): Channels {
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

  let worker: ReturnType<typeof createInboxWorker> | null = null;
  const wake = () => worker?.wake();
  const zaloPersonal = zaloPersonalChannel({
    bots,
    model: models.ChannelCredential,
    logger,
    createClient: deps.zaloPersonalClient ?? createZcaClient,
    ingest: async (events) => {
      await inbox.ingest(events);
      wake();
    },
  });

  const channels: Record<ChannelName, Channel> = { messenger, zalo_oa: zalo, zalo_personal: zaloPersonal, web };
  const limits: Record<ChannelName, number | null> = {
    messenger: config.sending.messengerPerSecond,
    zalo_oa: config.sending.zaloOaPerSecond,
    zalo_personal: 1000 / config.sending.zaloPersonalMinIntervalMs,
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
                () => tokenBucket(perSecond, burst),
              ),
            ]
          : []),
        retry(2),
        observe((_to, r) => metrics.sendResult(name, r.ok, r.ok ? undefined : r.errorClass)),
      ]);
      return [name, stack];
    }),
  ) as Record<ChannelName, Send>;

  const send: Send = (to, message, options) => {
    const s = sends[to.channel];
    if (!s) return Promise.resolve({ ok: false, errorClass: 'invalid', reason: `unknown channel ${String(to.channel)}` });
    return s(to, message, options);
  };

  worker = createInboxWorker({
    model: models.InboxEvent,
    participants: models.Participant,
    leases,
    handler: deps.handler,
    ...(deps.onReceipt ? { onReceipt: deps.onReceipt } : {}),
    send,
    logger,
    clock,
    concurrency: config.inbox.concurrency,
    maxAttempts: config.inbox.maxAttempts,
    leaseMs: config.inbox.leaseMs,
    ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
  });
  const theWorker = worker;

  return {
    webhookRouter: createWebhookRouter({ bots, messenger, zalo, inbox, metrics, logger, onStored: wake }),
    simulatorApi: createSimulatorApi({ bots, inbox, model: models.WebMessage, clock, onStored: wake }),
    send,
    enabled: (botId) => (Object.keys(channels) as ChannelName[]).filter((n) => bots.has(botId) && channels[n].enabled(botId)),
    worker: { start: () => theWorker.start(), stop: () => theWorker.stop() },
    sweepInbox: () => theWorker.sweep(),
    refreshZaloTokens: () => zaloTokens.refreshExpiring([...bots.keys()].filter((b) => zalo.enabled(b))),
    zaloPersonal,
    zaloTokens,
  };
}
