import type { Broadcast, BroadcastAudience } from '../db/index.js';
import type { Locale } from '../domain/index.js';
import type { JobContext } from '../jobs/index.js';
import { audienceSize } from './audience.js';
import { enqueueBatch, maybeFinish, skipOpen } from './batch-report.js';
import type { FanoutDeps } from './fanout-deps.js';
import { materialise } from './materialise.js';
import { predictReach } from './predict.js';
import { sendBatch, type BatchJob } from './send-batch.js';

export { DEFAULT_BACKOFF, outcomeUpdate, type DeliveryBackoff } from './delivery-outcome.js';
export type { FanoutDeps, FanoutOptions } from './fanout-deps.js';

/**
 * The broadcast engine: turns an audience into deliveries in batches, idempotently (materialise.ts),
 * sends each batch as its own job, honouring quiet hours, platform windows, subscriptions and
 * retries (send-batch.ts, deliver.ts), and records how each batch and the broadcast stand
 * (batch-report.ts). Rate limits are the send pipeline's. Exactly-once except for one documented
 * window: a crash after the platform accepted a message and before we recorded it resends that one message.
 */
export function createFanout(deps: FanoutDeps) {
  return {
    materialise: (broadcastId: string, ctx: JobContext) => materialise(deps, broadcastId, ctx),
    sendBatch: (job: BatchJob, ctx: JobContext) => sendBatch(deps, job, ctx),
    /** Number of participants a broadcast would reach now. */
    audienceSize: (b: { audience: BroadcastAudience }) => audienceSize(deps, b.audience),
    /** The paths the audience's members would take at `sendAt` (the preview's reach forecast). */
    predictReach: (b: { audience: BroadcastAudience } & Pick<Broadcast, 'eventUpdate' | 'eventKey'>, sendAt: Date, locale: Locale) =>
      predictReach(deps, b, sendAt, locale),
    maybeFinish: (broadcastId: string) => maybeFinish(deps, broadcastId),
    skipOpen: (broadcastId: string, reason: string, batch?: number) => skipOpen(deps, broadcastId, reason, batch),
    enqueueBatch: (broadcastId: string, batch: number, round: number, when: Date) => enqueueBatch(deps, broadcastId, batch, round, when),
  };
}

export type Fanout = ReturnType<typeof createFanout>;
