import path from 'node:path';
import { Types } from 'mongoose';
import { pino } from 'pino';
import { testConfig } from '../../../src/config/index.js';
import { botSchema, campaignFileSchema, type ContentBundle } from '../../../src/content/schema.js';
import type { ChannelName, OutboundMessage, ParticipantRef, Send, SendOptions, SendResult } from '../../../src/domain/index.js';
import type { Models } from '../../../src/db/models/index.js';
import { createI18n } from '../../../src/i18n/index.js';
import { createScheduler, type Scheduler } from '../../../src/jobs/index.js';
import { createOutreach, type Outreach } from '../../../src/outreach/index.js';
import type { TestDb } from '../../helpers/db.js';

export const zone = 'Asia/Ho_Chi_Minh';

export const content: ContentBundle = {
  facts: [],
  bots: [
    botSchema.parse({
      id: 'demo',
      name: { vi: 'Demo', en: 'Demo' },
      organisation: { vi: 'CĐVC tỉnh' },
      dailyQuestion: { cron: '0 8 * * *' },
      topics: ['cds'],
      campaigns: ['cds'],
      units: 'example',
    }),
  ],
  questions: [],
  unitLists: [],
  campaigns: [
    campaignFileSchema.parse({
      id: 'cds',
      title: { vi: 'Chuyển đổi số', en: 'Digital transformation' },
      facts: ['N09'],
      events: [
        {
          id: 'national-dt-day',
          title: { vi: 'Ngày Chuyển đổi số quốc gia', en: 'National Digital Transformation Day' },
          yearly: '10-10',
          message: { key: 'outreach:reminder.default' },
        },
        { id: 'ict-day', title: { vi: 'Ngày truyền thống ngành TT&TT' }, yearly: '08-28', message: { key: 'outreach:reminder.default' } },
      ],
    }),
  ],
};

/** The same content with the demo bot's Messenger marketing messages on (the paid opt-in path). */
export const paidContent: ContentBundle = {
  ...content,
  bots: content.bots.map((b) => botSchema.parse({ ...b, channels: { ...b.channels, messenger: { marketingMessages: { enabled: true } } } })),
};

export interface SentRecord {
  to: ParticipantRef;
  message: OutboundMessage;
  options: SendOptions;
}

/** A Send that records every call; `reply` decides the result per recipient. */
export function recordingSend(reply: (to: ParticipantRef, n: number) => SendResult | Promise<SendResult> = () => ({ ok: true, messageIds: [] })) {
  const sent: SentRecord[] = [];
  let n = 0;
  const send: Send = async (to, message, options) => {
    sent.push({ to, message, options });
    const r = await reply(to, n++);
    return r.ok && r.messageIds.length === 0 ? { ok: true, messageIds: [`m-${to.userId}-${n}`] } : r;
  };
  return { send, sent };
}

export interface Harness {
  outreach: Outreach;
  scheduler: Scheduler;
  now: { value: Date };
}

export async function makeOutreach(
  db: TestDb,
  send: Send,
  now: Date,
  overrides: Partial<Parameters<typeof createOutreach>[0]['options']> = {},
  env: Record<string, string> = {},
): Promise<Harness> {
  const { t } = await createI18n(path.resolve(import.meta.dirname, '../../../content'));
  const logger = pino({ level: 'silent' });
  const scheduler = createScheduler(db.connection.db!, logger, { name: `test-${process.pid}` });
  await scheduler.agenda.ready;
  const clock = { value: now };
  const outreach = createOutreach({
    models: db.models,
    scheduler,
    send,
    content,
    t,
    config: testConfig(env),
    logger,
    clock: () => clock.value,
    dailyQuestionMessage: (bot, day, locale) => ({ text: `${locale}: question of ${day} for ${bot}`, choices: [{ title: 'A', payload: 'ANSWER_A' }] }),
    options: { batchSize: 20, chunkSize: 7, random: () => 0.5, ...overrides },
  });
  return { outreach, scheduler, now: clock };
}

export interface PersonSpec {
  unitId?: string;
  channel?: ChannelName;
  subscribed?: boolean;
  lastInboundAt?: Date | null;
  locale?: 'vi' | 'en';
}

/** Inserts consented participants; returns their ids in order. */
export async function addParticipants(models: Models, count: number, spec: PersonSpec = {}, prefix = 'u'): Promise<Types.ObjectId[]> {
  const now = new Date();
  const docs = Array.from({ length: count }, (_, i) => ({
    _id: new Types.ObjectId(),
    bot: 'demo',
    channel: spec.channel ?? 'messenger',
    userId: `${prefix}${i}`,
    groupId: null,
    locale: spec.locale ?? 'vi',
    unitId: spec.unitId ?? 'unit-a',
    consent: { at: now, version: '1' },
    subscribed: spec.subscribed ?? true,
    unreachable: null,
    lastInboundAt: spec.lastInboundAt === undefined ? now : spec.lastInboundAt,
    state: {},
  }));
  await models.Participant.insertMany(docs);
  return docs.map((d) => d._id);
}

/** The one job context tests pass when they run job handlers by hand. */
export const ctx = { touch: async () => undefined };

/** Runs every pending batch job of a broadcast by hand (each twice when `twice`), until none is left due. */
export async function runBatches(h: Harness, broadcastId: string, twice = false): Promise<number> {
  let runs = 0;
  for (let guard = 0; guard < 50; guard++) {
    const jobs = await h.scheduler.agenda.queryJobs({ name: 'broadcast-batch', data: { broadcastId } });
    const due = jobs.jobs.filter((j) => !j.lastRunAt && j.nextRunAt && new Date(j.nextRunAt) <= h.now.value);
    if (due.length === 0) return runs;
    for (const j of due) {
      const data = j.data as { broadcastId: string; batch: number; round: number };
      await h.outreach.fanout.sendBatch(data, ctx);
      if (twice) await h.outreach.fanout.sendBatch(data, ctx);
      await h.scheduler.agenda.cancel({ id: String(j._id) });
      runs++;
    }
  }
  return runs;
}
