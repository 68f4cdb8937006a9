import type { Agenda } from 'agenda';
import type { Types } from 'mongoose';
import type { Broadcast, Delivery, Models, Participant } from '../db/index.js';
import type { Clock, Send } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import type { Logger } from '../log/index.js';
import type { DeliveryBackoff } from './delivery-outcome.js';
import type { DailyQuestionMessage, WeeklyRecapMessage } from './message.js';
import type { ReachConfig } from './reach-config.js';
import type { QuietWindow } from './timing.js';

export interface FanoutOptions {
  /** Deliveries per batch job: a crash repeats at most the one message in flight of each running batch. */
  readonly batchSize: number;
  /** Deliveries loaded at once inside a batch; the subscription and cancel checks refresh this often. */
  readonly chunkSize: number;
  /** A batch's lease: a crashed worker's batch is retaken after this (and it is renewed while sending). */
  readonly leaseMs: number;
  /** While sending a chunk, cancel and subscriptions are re-read this often. */
  readonly recheckMs: number;
  /** Retries of a failed delivery: baseMs · 2^(attempt − 1) up to maxMs, with equal jitter. */
  readonly backoff: DeliveryBackoff;
  readonly random: () => number;
}

/** What every step of the fan-out (materialise, send-batch, report) works with. */
export interface FanoutDeps {
  readonly models: Models;
  readonly agenda: Agenda;
  /** The channels' send pipeline: it rate-limits, so the fan-out does not. */
  readonly send: Send;
  readonly t: Translate;
  readonly timeZone: string;
  readonly quietHoursFor: (bot: string) => QuietWindow;
  /** Each bot's paths: paid switches, Zalo groups and the units they reach, quotas. */
  readonly reach: ReachConfig;
  readonly maxAttempts: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dailyQuestionMessage?: DailyQuestionMessage | undefined;
  readonly weeklyRecapMessage?: WeeklyRecapMessage | undefined;
  readonly options: FanoutOptions;
}

export type ParticipantLean = Pick<
  Participant,
  'bot' | 'channel' | 'userId' | 'groupId' | 'locale' | 'unitId' | 'subscribed' | 'unreachable' | 'lastInboundAt' | 'optIn' | 'oaFollower' | 'eventSignups'
> &
  Partial<Pick<Participant, 'recap' | 'freezeNotice'>> & {
    _id: Types.ObjectId;
  };
export type DeliveryLean = Delivery & { _id: Types.ObjectId };
export type BroadcastLean = Broadcast;
