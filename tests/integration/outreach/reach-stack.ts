/**
 * The product's stack for reach tests, in one process on the test database: the channels' send
 * pipeline to the fake platform (and a fake zca-js), the conversation behind the real webhook routes
 * and inbox worker, and outreach sending through the same pipeline. Time is simulated: it starts at
 * a chosen instant and runs with the wall clock, and tests move it forward.
 */
import path from 'node:path';
import { Types } from 'mongoose';
import { Registry } from 'prom-client';
import { createChannelReceiving, createChannelSending, type ZaloPersonalClient } from '../../../src/channels/index.js';
import { botSchema, type BotConfig, type UnitList } from '../../../src/content/schema.js';
import { createConversation } from '../../../src/conversation/index.js';
import type { ChannelName, OutboundMessage } from '../../../src/domain/index.js';
import { createApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/http/metrics.js';
import { listen } from '../../../src/http/server.js';
import { createI18n } from '../../../src/i18n/index.js';
import { createScheduler } from '../../../src/jobs/index.js';
import { createLogger } from '../../../src/log/index.js';
import { createOutreach } from '../../../src/outreach/index.js';
import type { FakePlatform } from '../../../scripts/fake-platform.js';
import type { TestDb } from '../../helpers/db.js';
import { channelEnv } from '../../fixtures/channels/bots.js';

export const APP_SECRET = 'app-secret-1';
export const GROUP = '5412345678901234567';

/** The demo bot with every path on: Messenger marketing messages, Zalo paid consultation and promotion, one unit group. */
export function reachBot(): BotConfig {
  return botSchema.parse({
    id: 'demo',
    name: { vi: 'Bot thử', en: 'Test bot' },
    organisation: { vi: 'Công đoàn thử' },
    dailyQuestion: { cron: '0 8 * * *' },
    topics: ['chuyen-doi-so'],
    units: 'example',
    channels: {
      messenger: { marketingMessages: { enabled: true } },
      zalo_oa: { paidConsultation: true, promotion: { enabled: true, dailyQuota: 5 } },
      zalo_personal: { groups: [{ id: GROUP, units: ['unit-group'] }] },
    },
  });
}

export const unitList: UnitList = {
  id: 'example',
  label: 'Đơn vị thử',
  example: true,
  units: [
    { id: 'unit-group', name: 'Công đoàn Sở Thông tin và Truyền thông' },
    { id: 'unit-alone', name: 'Công đoàn Sở Tài chính' },
  ],
};

/** A fake zca-js that is always logged in and records its group posts. */
export function fakeZca() {
  const posts: Array<{ groupId: string; text: string }> = [];
  const client: ZaloPersonalClient = {
    async login() {},
    listen() {},
    async sendMessage(groupId, text) {
      posts.push({ groupId, text });
      return { messageId: `zca-${posts.length}` };
    },
    async sendImage(groupId, picture) {
      posts.push({ groupId, text: `[picture ${picture.filename}]` });
      return { messageId: `zca-${posts.length}` };
    },
    stop() {},
  };
  return { client, posts };
}

/** The daily question as the conversation words it: options in the text, buttons A–D. */
export const dailyQuestion = (day: string): OutboundMessage => ({
  text: `📅 Câu hỏi ngày ${day}\n\nNgày Chuyển đổi số quốc gia là ngày nào?\n\nA. 10/10\nB. 28/8\nC. 1/1\nD. 2/9`,
  choices: ['A', 'B', 'C', 'D'].map((l, i) => ({ title: l, payload: `ANS|q1|r1|daily|${day}|${i}` })),
});

export async function startReachStack(db: TestDb, fake: FakePlatform, start: Date) {
  const offset = { ms: start.getTime() - Date.now() };
  const clock = () => new Date(Date.now() + offset.ms);
  const config = db.config({
    ...channelEnv('demo', { graph: fake.url, zaloApi: fake.url, zaloOauth: fake.url }),
    DEMO_MESSENGER_MM_AD_ACCOUNT_ID: '555',
    DEMO_MESSENGER_MM_CAMPAIGN_ID: 'camp-daily',
    DEMO_MESSENGER_MM_ACCESS_TOKEN: 'system-user-token',
  });
  const logger = createLogger(config);
  const bots = [reachBot()];
  const { t } = await createI18n(path.resolve(import.meta.dirname, '../../../content'));
  const zca = fakeZca();
  const sending = createChannelSending({ config, logger, models: db.models, bots, registry: new Registry(), clock, zaloPersonalClient: () => zca.client });
  const conversation = createConversation({
    models: db.models,
    content: { bots, unitLists: [unitList] },
    t,
    timeZone: config.timeZone,
    clock,
    logger,
    optInEnabled: (bot) => sending.reachSettings(bot).messengerMarketing,
  });
  const scheduler = createScheduler(db.connection.db!, logger, { name: `reach-${process.pid}` });
  await scheduler.agenda.ready;
  const outreach = createOutreach({
    models: db.models,
    scheduler,
    send: sending.send,
    content: { bots, questions: [], campaigns: [], unitLists: [unitList], facts: [] },
    t,
    config,
    logger,
    clock,
    dailyQuestionMessage: (_bot, day) => dailyQuestion(day),
    reachSettings: (bot) => sending.reachSettings(bot),
    options: { random: () => 0.5, leaseMs: 5000 },
  });
  const receiving = createChannelReceiving(sending, { config, logger, models: db.models, handler: conversation.handler, pollMs: 50 });
  const metrics = createMetrics();
  const app = createApp({ config, logger, metrics, readiness: [], routes: [{ path: '/webhooks', router: receiving.webhookRouter }] });
  const server = await listen(app, '127.0.0.1', 0);
  receiving.worker.start();
  await receiving.zaloPersonal.storeSession('demo', { cookie: [], imei: 'imei', userAgent: 'ua' });
  await receiving.zaloPersonal.start();
  // The zca-js login runs in the background: give the fake one a moment.
  await new Promise((r) => setTimeout(r, 100));

  /** Runs a broadcast's jobs by hand until nothing is due (the scheduler is not started). */
  async function deliver(broadcastId: string): Promise<void> {
    await outreach.fanout.materialise(broadcastId, jobCtx);
    for (let guard = 0; guard < 30; guard++) {
      const jobs = await scheduler.agenda.queryJobs({ name: 'broadcast-batch', data: { broadcastId } });
      const due = jobs.jobs.filter((j) => !j.lastRunAt && j.nextRunAt && new Date(j.nextRunAt) <= clock());
      if (due.length === 0) return;
      for (const j of due) {
        await outreach.fanout.sendBatch(j.data as { broadcastId: string; batch: number; round: number }, jobCtx);
        await scheduler.agenda.cancel({ id: String(j._id) });
      }
    }
  }

  return {
    url: server.url,
    clock,
    /** Moves simulated time forward. */
    advance: (ms: number) => void (offset.ms += ms),
    outreach,
    zca,
    deliver,
    /** Consented, subscribed members inserted as the conversation would have stored them. */
    async addMember(userId: string, channel: ChannelName, spec: { lastInboundAt: Date | null; unitId?: string; groupId?: string; oaFollower?: boolean }) {
      const _id = new Types.ObjectId();
      await db.models.Participant.create({
        _id,
        bot: 'demo',
        channel,
        userId,
        groupId: spec.groupId ?? null,
        locale: 'vi',
        displayName: userId,
        unitId: spec.unitId ?? 'unit-alone',
        consent: { at: clock(), version: '2025-01' },
        subscribed: true,
        lastInboundAt: spec.lastInboundAt,
        oaFollower: spec.oaFollower ?? null,
        state: { phase: 'ready' },
      });
      return _id;
    },
    async close() {
      receiving.zaloPersonal.stop();
      await server.close(500);
      await receiving.worker.stop();
      await scheduler.stop();
    },
  };
}

const jobCtx = { touch: async () => undefined };

export type ReachStack = Awaited<ReturnType<typeof startReachStack>>;
