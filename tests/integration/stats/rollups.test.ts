import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStats } from '../../../src/stats/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('stats');
});
afterAll(async () => {
  await db?.close();
});

const p1 = new Types.ObjectId();
const p2 = new Types.ObjectId();
const p3 = new Types.ObjectId();
let seq = 0;
const answer = (participantId: Types.ObjectId, over: Record<string, unknown> = {}) => ({
  participantId,
  bot: 'demo',
  channel: 'web',
  unitId: 'u1',
  questionId: `q${seq % 3}`,
  revision: 'r1',
  mode: 'daily',
  day: '2026-10-10',
  attemptId: null,
  choice: 0,
  correct: seq % 2 === 0,
  timeTakenMs: 1000 + seq,
  answeredAt: new Date(Date.UTC(2026, 9, 10, 1, 0, seq++)),
  rolledUp: false,
  ...over,
});

const snapshot = async () =>
  (await db.models.Rollup.collection.find({}, { projection: { _id: 0, recent: 0 } }).toArray())
    .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => a.localeCompare(b)))))
    .sort();

describe('statistics rollups', () => {
  it('counts each answer once even when applied twice, and a rebuild gives the same figures', async () => {
    const stats = createStats(db.models, { timeZone: 'Asia/Ho_Chi_Minh', catchUpEveryMs: 0 });
    const docs = [
      answer(p1),
      answer(p1, { questionId: 'qx' }),
      answer(p2, { unitId: 'u2' }),
      answer(p2, { day: '2026-10-11', unitId: 'u2' }),
      answer(p3, { unitId: null }),
      answer(p1, { bot: 'other', unitId: 'u9' }),
    ];
    const inserted = await db.models.Answer.insertMany(docs);
    for (const a of inserted) await stats.listener.answerRecorded(a.toObject());
    // A crash before the rolledUp flag was written: the same answers are applied again.
    for (const a of inserted.slice(0, 3)) await stats.updater.applyAnswer(a.toObject());
    await db.models.Participant.create({
      bot: 'demo',
      channel: 'web',
      userId: 'x',
      unitId: 'u1',
      consent: { at: new Date('2026-10-10T03:00:00Z'), version: '1' },
    }).then(async (p) => {
      await stats.listener.participantChanged(p.toObject());
      await stats.listener.participantChanged(p.toObject());
    });

    const overview = await stats.queries.overview({ bots: ['demo'], from: '2026-10-01', to: '2026-10-31' });
    expect(overview).toMatchObject({ participants: 3, answers: 5, joined: 1, participantDays: 4 });
    const series = await stats.queries.series({ bots: ['demo'], from: '2026-10-10', to: '2026-10-12' });
    expect(series.map((p) => [p.day, p.participants, p.answers])).toEqual([
      ['2026-10-10', 3, 4],
      ['2026-10-11', 1, 1],
      ['2026-10-12', 0, 0],
    ]);
    const units = await stats.queries.units({ bots: ['demo'], from: '2026-10-01', to: '2026-10-31' });
    expect(units.find((u) => u.unitId === 'u2')).toMatchObject({ participants: 1, answers: 2 });
    expect(await db.models.Answer.countDocuments({ rolledUp: false })).toBe(0);

    const incremental = await snapshot();
    const r = await stats.updater.rebuild();
    expect(r.answers).toBe(6);
    expect(await snapshot()).toEqual(incremental);
  });

  it('answers the live listener missed are applied by the catch-up', async () => {
    const stats = createStats(db.models, { timeZone: 'Asia/Ho_Chi_Minh', catchUpEveryMs: 0 });
    await db.models.Answer.insertMany([answer(p3, { day: '2026-10-20', unitId: 'u3' }), answer(p2, { day: '2026-10-20', unitId: 'u3' })]);
    expect(await stats.updater.catchUp({ olderThanMs: 0 })).toBe(2);
    expect(await stats.updater.catchUp({ olderThanMs: 0 })).toBe(0);
    const [day] = await stats.queries.series({ bots: ['demo'], from: '2026-10-20', to: '2026-10-20' });
    expect(day).toMatchObject({ participants: 2, answers: 2 });
    const qs = await stats.queries.questions({ bots: ['demo'], from: '2026-10-20', to: '2026-10-20' });
    expect(qs.reduce((s, q) => s + q.answers, 0)).toBe(2);
  });
});
