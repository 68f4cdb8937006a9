import type { Router } from 'express';
import type { Models } from '../db/index.js';
import type { InboundEvent, InboundHandler } from '../domain/index.js';
import type { Logger } from '../log/index.js';
import type { Config } from '../config/index.js';
import { createInboxWorker } from './inbox/worker.js';
import type { ChannelSending } from './sending.js';
import { createSimulatorApi } from './simulator-api.js';
import { createWebhookRouter } from './webhook-router.js';
import type { ZaloPersonalSession } from './zalo-personal/index.js';

/** A delivered or read receipt from a platform. */
export type ReceiptEvent = Extract<InboundEvent, { kind: 'delivered' | 'read' }>;

export interface ChannelReceivingDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly models: Models;
  /** The conversation engine; its replies are sent with purpose `response`. */
  readonly handler: InboundHandler;
  /** Deliveries and reads (outreach marks deliveries). */
  readonly onReceipt?: (e: ReceiptEvent) => Promise<void>;
  /** Tests: how often the worker polls for work left by others (default 500 ms). */
  readonly pollMs?: number;
}

/** The inbound side of the channels: built after the conversation and outreach it hands events to. */
export interface ChannelReceiving {
  /** Mount at `/webhooks`: POST/GET /messenger/:botId, POST /zalo/:botId. */
  readonly webhookRouter: Router;
  /** The `web` channel for the admin's /simulator page (mount behind admin auth). */
  readonly simulatorApi: Router;
  readonly worker: { start(): void; stop(): Promise<void> };
  /** Re-drives inbox entries left unprocessed (Agenda job `inbox-sweeper`). Returns entries processed. */
  sweepInbox(): Promise<number>;
  /** Zalo personal: connect / disconnect the zca-js accounts of bots that configure groups. */
  readonly zaloPersonal: { start(): Promise<void>; stop(): void; storeSession(botId: string, session: ZaloPersonalSession): Promise<void> };
}

/** The webhook pipeline, the simulator's API and the inbox worker, on the adapters of the sending side. */
export function createChannelReceiving(sending: ChannelSending, deps: ChannelReceivingDeps): ChannelReceiving {
  const { config, models, logger } = deps;
  const { clock, bots, leases, inbox, metrics, messenger, zalo, zaloPersonal } = sending.parts;
  const worker = createInboxWorker({
    model: models.InboxEvent,
    leases,
    handler: deps.handler,
    ...(deps.onReceipt ? { onReceipt: deps.onReceipt } : {}),
    send: sending.send,
    logger,
    clock,
    concurrency: config.inbox.concurrency,
    maxAttempts: config.inbox.maxAttempts,
    leaseMs: config.inbox.leaseMs,
    onResendUnknown: () => metrics.replyResentUnknown(),
    ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
  });
  // The worker learns of this process's new entries as they are stored, in the order of their delivery.
  inbox.onStored((stored) => worker.enqueue(stored));
  const wake = () => worker.wake();
  return {
    webhookRouter: createWebhookRouter({ bots, messenger, zalo, inbox, metrics, logger, clock, onStored: wake }),
    simulatorApi: createSimulatorApi({ bots, inbox, model: models.WebMessage, clock, onStored: wake }),
    worker: { start: () => worker.start(), stop: () => worker.stop() },
    sweepInbox: () => worker.sweep(),
    zaloPersonal: {
      // Group messages go to the same inbox as webhooks, then wake the worker.
      start: () =>
        zaloPersonal.start(async (events) => {
          await inbox.ingest(events);
          wake();
        }),
      stop: () => zaloPersonal.stop(),
      storeSession: (botId, session) => zaloPersonal.storeSession(botId, session),
    },
  };
}
