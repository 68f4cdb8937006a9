/**
 * `npm run bench -- conversation [members]`: how fast does the conversation answer? Runs the pure
 * engine on a daily-answer turn (no I/O), then the whole service (participant load, views, effects)
 * on the embedded in-memory database: `members` members (default 300) each onboard (4 events), ask
 * today's question, answer it and ask their score (7 events), 8 members at a time. Goals: the pure
 * step ≥ 1,000 turns/s; the service p95 ≤ 300 ms per event with 8 members at once on the embedded
 * server, which runs in this process and serves every query (each event is 2–4 database round
 * trips: participant, views, answer, participant update). Only 127.0.0.1.
 */
import mongoose from 'mongoose';
import { pino } from 'pino';
import { contentPaths, loadValidContent, questionRecord } from '../../src/content/index.js';
import { createConversation, NEW_PARTICIPANT, step, type QuizQuestion } from '../../src/conversation/index.js';
import { startEmbeddedServer } from '../../src/db/embedded/index.js';
import { createModels } from '../../src/db/models/index.js';
import { dayOf, DEFAULT_TIME_ZONE, type InboundEvent } from '../../src/domain/index.js';
import { createI18n } from '../../src/i18n/index.js';
import { pickDaily } from '../../src/quiz/index.js';

const MEMBERS = Number(process.argv[2] ?? 300);
const CONCURRENCY = 8;
const GOAL_STEPS_PER_S = 1_000;
const GOAL_P95_MS = 300;

const bundle = loadValidContent(contentPaths({ paths: { bots: 'bots', content: 'content' } }));
const bot = bundle.bots.find((b) => b.id === 'quang-tri-cdvc')!;
const records = bundle.questions.filter((q) => bot.topics.includes(q.topic)).map(questionRecord);
const questions = records as unknown as QuizQuestion[];
const units = bundle.unitLists.find((l) => l.id === bot.units)!.units.map((u) => ({ unitId: u.id, name: u.name, size: u.size ?? null }));
const { t } = await createI18n('content');
const now = new Date();
const timeZone = DEFAULT_TIME_ZONE;
const today = dayOf(now, timeZone);
const q = pickDaily(bot.id, today, questions)!;

// ---- pure engine
const facts = { ...NEW_PARTICIPANT, known: true, consented: true, unitId: units[0]!.unitId, displayName: 'Bench' };
const answer: InboundEvent = {
  bot: bot.id,
  channel: 'messenger',
  userId: 'b',
  eventId: 'x',
  at: now,
  kind: 'choice',
  payload: `ANS|${q.questionId}|${q.revision}|daily|${today}|1`,
};
const ctx = { now, timeZone, bot, questions, units, participant: facts, t, memberKey: 'bench-key', newId: () => '65a000000000000000000001', views: {} };
for (let i = 0; i < 500; i++) step({}, answer, ctx); // warm-up (JIT)
const pureStart = performance.now();
let steps = 0;
while (performance.now() - pureStart < 2_000) {
  step({}, answer, ctx);
  steps++;
}
const stepsPerSecond = Math.round(steps / ((performance.now() - pureStart) / 1000));

// ---- the service on the embedded database
const server = await startEmbeddedServer({ path: null });
const conn = await mongoose.createConnection(server.uri, { dbName: 'bench_conversation' }).asPromise();
const models = createModels(conn);
await Promise.all(Object.values(models).map((m) => m.init()));
await models.Question.insertMany(records.map((r) => ({ ...r, retiredAt: null })));
const conversation = createConversation({ models, content: bundle, t, timeZone, logger: pino({ level: 'warn' }) });

const latencies: number[] = [];
const byLabel = new Map<string, number[]>();
async function timed(e: InboundEvent): Promise<void> {
  const s = performance.now();
  const replies = await conversation.handler(e);
  const ms = performance.now() - s;
  latencies.push(ms);
  const label = e.kind === 'text' ? e.text.replace(/\d+/g, 'N') : e.kind === 'choice' ? e.payload.split('|')[0]! : e.kind;
  byLabel.set(label, [...(byLabel.get(label) ?? []), ms]);
  if (replies.length === 0) throw new Error(`no reply to ${e.kind}`);
}
let seq = 0;
const ev = (userId: string, body: { kind: 'text'; text: string } | { kind: 'choice'; payload: string }): InboundEvent =>
  ({ bot: bot.id, channel: 'messenger', userId, eventId: `e${++seq}`, at: new Date(), ...body }) as InboundEvent;

async function member(i: number): Promise<void> {
  const u = `bench-${i}`;
  await timed(ev(u, { kind: 'text', text: 'Bắt đầu' }));
  await timed(ev(u, { kind: 'choice', payload: 'CONSENT|yes' }));
  await timed(ev(u, { kind: 'choice', payload: `UNIT|${units[i % units.length]!.unitId}` }));
  await timed(ev(u, { kind: 'text', text: `Thành viên ${i}` }));
  await timed(ev(u, { kind: 'text', text: 'câu hỏi hôm nay' }));
  await timed(ev(u, { kind: 'text', text: 'B' }));
  await timed(ev(u, { kind: 'text', text: 'điểm của tôi' }));
}

const serviceStart = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < MEMBERS) await member(next++);
  }),
);
const seconds = (performance.now() - serviceStart) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! * 10) / 10;
const answers = await models.Answer.countDocuments();
await conn.close();
await server.close();

const result = {
  bench: 'conversation',
  stepsPerSecond,
  members: MEMBERS,
  events: latencies.length,
  eventsPerSecond: Math.round(latencies.length / seconds),
  p50Ms: pct(50),
  p95Ms: pct(95),
  p99Ms: pct(99),
  answersStored: answers,
  goals: { stepsPerSecond: GOAL_STEPS_PER_S, p95Ms: GOAL_P95_MS },
  ok: stepsPerSecond >= GOAL_STEPS_PER_S && pct(95) <= GOAL_P95_MS && answers === MEMBERS,
};
for (const [label, ms] of byLabel) console.log(`  ${label.padEnd(20)} mean ${(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(1)} ms`);
console.log(
  `pure step: ${stepsPerSecond} turns/s; service: ${result.eventsPerSecond} events/s, p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms`,
);
console.log(JSON.stringify(result));
process.exit(result.ok ? 0 : 1);
