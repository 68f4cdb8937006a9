import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { loadLeaderboard } from '../../../src/conversation/views.js';
import { addDays } from '../../../src/domain/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * Issue 18 item 7 ("date filters apply to every card"): the dashboard's leaderboard follows the
 * dates, and a week there is chat's "Bảng xếp hạng tuần" of that week, members and units alike.
 */
let db: TestDb;
let rt: Runtime;
let token: string;
// A Wednesday: chat's week is Monday 12 to Sunday 18 October.
const TODAY = '2026-10-14';

beforeAll(async () => {
  db = await openTestDb('api_leaderboard');
  token = (await createAdminService(db.models, { sessionSecret: undefined }).createToken({ name: 't', role: 'admin' })).token;
  rt = await startRuntime(db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', CONTENT_SYNC_ON_START: 'false' }));
  const people = await db.models.Participant.insertMany(
    ['An', 'Bình', 'Cường', 'Dung', 'Em'].map((name, i) => ({
      bot: 'demo',
      channel: 'web',
      userId: `web-${i}`,
      displayName: `Thành viên ${name}`,
      unitId: `u${i % 3}`,
      consent: { at: new Date('2026-09-01T00:00:00Z'), version: '1' },
    })),
  );
  const answers = [];
  // 5 to 20 October: who answers and who is right changes from one week to the next.
  for (let d = 0; d < 16; d++) {
    const day = addDays('2026-10-05', d);
    for (const [i, p] of people.entries()) {
      if ((d + i) % 4 === 3) continue;
      for (const mode of ['daily', 'practice'] as const) {
        answers.push({
          participantId: p._id,
          bot: 'demo',
          channel: 'web',
          unitId: p.unitId,
          questionId: `q${d}`,
          revision: 'r',
          mode,
          day,
          attemptId: null,
          choice: 0,
          correct: mode === 'practice' || (d < 7 ? i < 2 : i >= 2) === ((d + i) % 3 !== 0),
          timeTakenMs: 1000,
          answeredAt: new Date(Date.parse(`${day}T01:00:00Z`) + i * 60_000),
        });
      }
    }
  }
  // A member who deleted their data has no participant left: they drop out, as in chat.
  answers.push({ ...answers[0]!, participantId: new Types.ObjectId(), questionId: 'gone' });
  await db.models.Answer.insertMany(answers);
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
});

type Board = {
  from: string;
  to: string;
  participants: Array<{ rank: number; participantId: string; name: string; correct: number; answered: number; unitId: string | null }>;
  units: Array<{ rank: number; unitId: string; correct: number; participants: number; participationRate: number | null }>;
};
const board = async (q: string): Promise<Board> => {
  const r = await fetch(`${rt.url}/api/v1/stats/leaderboard?${q}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(r.status).toBe(200);
  return (await r.json()) as Board;
};

describe('the dashboard leaderboard', () => {
  it("follows the dates: a week equals chat's weekly leaderboard of that week, members and units", async () => {
    const week = await board('bot=demo&from=2026-10-12&to=2026-10-18&limit=10');
    expect(week).toMatchObject({ from: '2026-10-12', to: '2026-10-18' });
    const chat = await loadLeaderboard(db.models, 'demo', [], { kind: 'individual', period: 'week' }, TODAY, null);
    expect(week.participants.length).toBe(5);
    expect(week.participants.map((p) => [p.rank, p.participantId, p.name, p.correct, p.answered, p.unitId])).toEqual(
      chat.top.map((r) => [r.rank, r.participantId, r.name, r.correct, r.answered, r.unitId]),
    );
    const chatUnits = await loadLeaderboard(db.models, 'demo', [], { kind: 'units', period: 'week' }, TODAY, null);
    expect(week.units.map((u) => [u.rank, u.unitId, u.correct, u.participants])).toEqual(
      chatUnits.units.map((u) => [u.rank, u.unitId, u.correct, u.participants]),
    );
    // Today alone is chat's "today".
    const day = await board(`bot=demo&from=${TODAY}&to=${TODAY}`);
    const chatToday = await loadLeaderboard(db.models, 'demo', [], { kind: 'individual', period: 'today' }, TODAY, null);
    expect(day.participants.map((p) => [p.rank, p.participantId, p.correct])).toEqual(chatToday.top.map((r) => [r.rank, r.participantId, r.correct]));

    // Another week ranks other members first; practice never counts.
    const before = await board('bot=demo&from=2026-10-05&to=2026-10-11');
    expect(before.participants.map((p) => p.participantId)).not.toEqual(week.participants.map((p) => p.participantId));
    expect(before.participants.every((p) => p.answered <= 7)).toBe(true);
    // Days without answers: nobody.
    expect(await board('bot=demo&from=2026-11-01&to=2026-11-30')).toMatchObject({ participants: [], units: [] });
  });

  it('keeps the range rule of every card: at most 366 days', async () => {
    const long = await fetch(`${rt.url}/api/v1/stats/leaderboard?from=2025-01-01&to=2026-10-14`, { headers: { Authorization: `Bearer ${token}` } });
    expect(long.status).toBe(400);
  });
});
