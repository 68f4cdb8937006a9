import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createAdminService } from '../../../src/admin/index.js';
import { botAsks } from '../../../src/content/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/** What the demo bot uses, read from its YAML: its unit list and its topics. */
const demo = parse(fs.readFileSync('bots/demo.yaml', 'utf8')) as { units: string; topics: string[]; topicTags?: Record<string, string[]> };

let db: TestDb;
let rt: Runtime;
let adminToken: string;
let organiserToken: string;

beforeAll(async () => {
  db = await openTestDb('apisec');
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  adminToken = (await admin.createToken({ name: 'a', role: 'admin' })).token;
  organiserToken = (await admin.createToken({ name: 'o', role: 'organiser', bots: ['demo'] })).token;
  rt = await startRuntime(db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', CONTENT_SYNC_ON_START: 'false' }));
  await db.models.Unit.insertMany([
    { listId: demo.units, unitId: 'mine-1', name: 'Công đoàn của tôi' },
    { listId: 'another-organisation', unitId: 'theirs-1', name: 'Công đoàn cơ sở của tỉnh khác' },
  ]);
  const question = (questionId: string, topic: string, tags: string[] = []) => ({
    questionId,
    revision: 'r1',
    topic,
    difficulty: 1,
    answer: 0,
    vi: { question: `Câu ${questionId}?`, options: ['Có', 'Không'], explanation: 'Vì vậy.' },
    facts: ['N01'],
    tags,
    province: null,
    review: { author: 'Nhóm nội dung A', writtenAt: '2026-12-01', reviewer: 'Nhóm nội dung B', reviewedAt: '2026-12-02' },
    status: 'published',
  });
  const [attacker] = await db.models.Participant.insertMany([
    {
      bot: 'demo',
      channel: 'web',
      userId: 'web-attacker',
      displayName: "=cmd|' /C calc'!A0",
      unitId: 'mine-1',
      consent: { at: new Date(), version: '1' },
      totals: { answered: 9, correct: 9, dailyAnswered: 9, dailyCorrect: 9 },
    },
  ]);
  // Today's daily answer puts them on the leaderboard of the default dates (the last 30 days).
  await db.models.Answer.create({
    participantId: attacker!._id,
    bot: 'demo',
    channel: 'web',
    unitId: 'mine-1',
    questionId: 'q-mine',
    revision: 'r',
    mode: 'daily',
    day: new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10),
    attemptId: null,
    choice: 0,
    correct: true,
    timeTakenMs: 900,
    answeredAt: new Date(),
  });
  const untagged = demo.topics.find((t) => !demo.topicTags?.[t])!;
  await db.models.Question.insertMany([question('q-mine', untagged), question('q-theirs', 'a-topic-no-demo-bot-asks')]);
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
});

const get = async (path: string, token: string) => {
  const r = await fetch(`${rt.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { items: Array<{ unitId?: string; questionId?: string }> } };
};

describe('organisers read only their bots’ content', () => {
  it('GET /units: an organiser sees their bots’ unit lists only; asking for another list is 403', async () => {
    expect((await get('/api/v1/units', organiserToken)).body.items.map((u) => u.unitId)).toEqual(['mine-1']);
    expect((await get('/api/v1/units?listId=another-organisation', organiserToken)).status).toBe(403);
    expect((await get('/api/v1/units', adminToken)).body.items.map((u) => u.unitId).sort()).toEqual(['mine-1', 'theirs-1']);
  });

  it('GET /questions: an organiser sees the questions their bots ask only', async () => {
    // The bank as organisers edit it (the content store), scoped by the topics, tags and province their bots ask.
    type Rows = { total: number; items: Array<{ id: string; topic: string; tags: string[]; province?: string }> };
    const token = (await createAdminService(db.models, { sessionSecret: undefined }).createToken({ name: 'bk', role: 'organiser', bots: ['bac-kan-ldld'] }))
      .token;
    const bot = rt.content.bots.find((b) => b.id === 'bac-kan-ldld')!;
    const theirs = (await get('/api/v1/questions?pageSize=200', token)).body as unknown as Rows;
    const all = (await get('/api/v1/questions?pageSize=200', adminToken)).body as unknown as Rows;
    expect(theirs.total).toBeGreaterThan(0);
    expect(theirs.total).toBeLessThan(all.total);
    for (const q of theirs.items) expect(botAsks(bot, q), q.id).toBe(true);
    expect((await get('/api/v1/questions?topic=a-topic-no-demo-bot-asks', organiserToken)).body.items).toEqual([]);
  });
});

describe('exports', () => {
  it('a display name any member can choose never becomes a formula in participants.csv or leaderboard.csv', async () => {
    for (const dataset of ['participants', 'leaderboard']) {
      const r = await fetch(`${rt.url}/api/v1/exports/${dataset}?format=csv&bot=demo`, { headers: { Authorization: `Bearer ${organiserToken}` } });
      expect(r.status, dataset).toBe(200);
      const csv = await r.text();
      expect(csv, dataset).toContain("'=cmd|' /C calc'!A0");
      expect(csv, dataset).not.toMatch(/(^|,)"?=cmd/m);
    }
  });
});
