import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botSchema, type UnitList } from '../../../src/content/schema.js';
import { contestResults } from '../../../src/conversation/index.js';
import { unitsOf } from '../../../src/conversation/questions.js';
import { loadLeaderboard } from '../../../src/conversation/views.js';
import { ratePercent } from '../../../src/domain/index.js';
import { createStats } from '../../../src/stats/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * Issue 18 item 7: one member, one unit, one rate. Two unit lists use the same unit id with
 * different sizes (30 and 42); chat's unit leaderboard, the contest results, the dashboard (and the
 * exports, which print the dashboard's rows) all look the unit up in the bot's own list and compute
 * the rate with `participationRate`, so a member of the demo bot reads 3.3 % everywhere.
 */
const DAY = '2026-10-10';
const list = (id: string, size: number, name: string): UnitList => ({ id, label: id, example: true, units: [{ id: 'cdcs-so-tttt', name, size }] });
const lists = [list('demo-units', 30, 'CĐCS Sở TT&TT (demo)'), list('qt-units', 42, 'CĐCS Sở TT&TT (Quảng Trị)')];
const botOf = (id: string, units: string) =>
  botSchema.parse({
    id,
    name: { vi: id, en: id },
    organisation: { vi: 'Công đoàn', en: 'Union' },
    dailyQuestion: { cron: '0 8 * * *' },
    topics: ['laws'],
    units,
    contest: {
      id: `${id}-contest`,
      title: { vi: 'Cuộc thi', en: 'Contest' },
      window: { start: '2026-10-01', end: '2026-10-31' },
      questionsPerAttempt: 1,
      timeLimitMinutes: 5,
      attemptsPerRound: 1,
      prizes: { individual: { first: 1, second: 1, third: 1, consolation: 1 }, collective: { first: 1, second: 1, third: 1, consolation: 1 } },
    },
  });
const bots = [botOf('demo', 'demo-units'), botOf('qt', 'qt-units')];
const content = { bots, unitLists: lists };

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('one_rate');
  await db.models.Unit.insertMany(lists.flatMap((l) => l.units.map((u) => ({ listId: l.id, unitId: u.id, name: u.name, size: u.size }))));
  for (const bot of bots) {
    const participantId = new Types.ObjectId();
    const at = new Date(`${DAY}T02:00:00Z`);
    await db.models.Answer.create({
      participantId,
      bot: bot.id,
      channel: 'web',
      unitId: 'cdcs-so-tttt',
      questionId: 'q1',
      revision: 'r1',
      mode: 'daily',
      day: DAY,
      attemptId: null,
      choice: 0,
      correct: true,
      timeTakenMs: 4000,
      answeredAt: at,
      rolledUp: false,
    });
    await db.models.ContestAttempt.create({
      bot: bot.id,
      contestId: bot.contest!.id,
      round: '1',
      participantId,
      channel: 'web',
      unitId: 'cdcs-so-tttt',
      displayName: 'Lan',
      questions: [{ questionId: 'q1', revision: 'r1' }],
      status: 'finished',
      startedAt: at,
      deadline: new Date(at.getTime() + 300_000),
      finishedAt: new Date(at.getTime() + 60_000),
      answered: 1,
      correct: 1,
      timeTakenMs: 60_000,
    });
  }
});
afterAll(async () => {
  await db?.close();
});

describe('a unit’s participation rate', () => {
  it('is the same in chat, in the contest results and on the dashboard, from the bot’s own list', async () => {
    const stats = createStats(db.models, { timeZone: 'Asia/Ho_Chi_Minh', catchUpEveryMs: 0, unitListOf: (b) => bots.find((x) => x.id === b)?.units ?? null });
    await stats.updater.catchUp({ olderThanMs: 0 });
    const shown: Record<string, Array<number | null>> = {};
    for (const bot of bots) {
      const chat = await loadLeaderboard(db.models, bot.id, unitsOf(content, bot), { kind: 'units', period: 'today' }, DAY, null);
      const contest = await contestResults(db.models, content, bot.contest!.id, { bot: bot.id });
      const dashboard = await stats.queries.units({ bots: [bot.id], from: '2026-10-01', to: '2026-10-31' });
      const own = lists.find((l) => l.id === bot.units)!.units[0]!;
      expect(dashboard.map((u) => [u.listId, u.name, u.size])).toEqual([[bot.units, own.name, own.size]]);
      shown[bot.id] = [chat.units[0]!.participationRate, contest!.rounds[0]!.collective[0]!.participationRate, dashboard[0]!.rate].map(ratePercent);
    }
    expect(shown).toEqual({ demo: [3.3, 3.3, 3.3], qt: [2.4, 2.4, 2.4] });
  });
});
