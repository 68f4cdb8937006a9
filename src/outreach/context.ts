import type { Agenda } from 'agenda';
import type { ContentBundle } from '../content/index.js';
import type { Broadcast, Models } from '../db/index.js';
import type { Clock } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { JOB, scheduleOnce } from '../jobs/index.js';
import type { Logger } from '../log/index.js';
import type { DailyQuestionMessage } from './message.js';

/** What outreach's jobs share: the content in force (replaced by a re-sync), the clock and the zone. */
export interface OutreachContext {
  readonly models: Models;
  readonly agenda: Agenda;
  readonly t: Translate;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly zone: string;
  readonly dailyQuestionMessage?: DailyQuestionMessage | undefined;
  /** The weekly recap's cron (config RECAP_CRON); null or absent: no recap job. */
  readonly recapCron?: string | null | undefined;
  /** The bots, campaigns and events in force; `syncCampaignJobs` replaces it. */
  content: ContentBundle;
}

export type GeneratedBroadcast = Omit<Broadcast, 'createdAt' | 'updatedAt' | 'status' | 'startedAt' | 'finishedAt' | 'cancelledAt' | 'cursor' | 'audienceSize'>;

/** Creates a generated broadcast once (deterministic id) and its fan-out job once. */
export async function ensureGenerated(ctx: OutreachContext, doc: GeneratedBroadcast): Promise<void> {
  const { _id, ...fields } = doc;
  await ctx.models.Broadcast.updateOne(
    { _id },
    {
      $setOnInsert: {
        ...fields,
        status: 'scheduled',
        startedAt: null,
        finishedAt: null,
        cancelledAt: null,
        cursor: { lastParticipantId: null, batches: 0, complete: false, doneBatches: [] },
        audienceSize: null,
      },
    },
    { upsert: true },
  );
  await scheduleOnce(ctx.agenda, JOB.broadcast, { broadcastId: doc._id }, { broadcastId: doc._id }, doc.sendAt);
}
