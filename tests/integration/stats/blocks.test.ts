import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf, eachDay } from '../../../src/domain/index.js';
import { createStats, type StatsScope } from '../../../src/stats/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * Week and month blocks (docs/statistics.md, "Weeks and months"): every figure read through them
 * equals the day-by-day sum, over random ranges, ranges across month and year boundaries, and
 * answers given around midnight in Viet Nam (17:00 UTC); also after a late answer lands on a sealed
 * day, and after `stats rebuild`.
 */
const TZ = 'Asia/Ho_Chi_Minh';
// 00:30 on 11 January 2027 in Viet Nam, still the 10th in UTC: blocks are sealed up to the 7th.
const NOW = new Date('2027-01-10T17:30:00Z');
const clock = () => NOW;
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('stats_blocks');
});
afterAll(async () => {
  await db?.close();
});

/** A small deterministic random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

const FIRST = '2025-12-01';
const LAST = '2027-01-10';

function history(rand: () => number) {
  const people = Array.from({ length: 14 }, () => new Types.ObjectId());
  const answers: Array<Record<string, unknown>> = [];
  for (const day of eachDay(FIRST, LAST)) {
    people.forEach((p, i) => {
      // Some answer most days, some rarely (gaps of months, beyond 32 days and beyond a year).
      const often = i < 5 ? 0.6 : i < 10 ? 0.15 : 0.01;
      if (rand() > often) return;
      for (let k = rand() < 0.2 ? 2 : 1; k > 0; k--) {
        // Around midnight in Viet Nam: 16:30–17:30 UTC the day before is 23:30–00:30 there.
        const minutes = rand() < 0.3 ? -450 + Math.floor(rand() * 60) : Math.floor(rand() * 1000);
        const answeredAt = new Date(Date.parse(`${day}T00:00:00Z`) + minutes * 60_000);
        answers.push({
          participantId: p,
          bot: i % 3 === 0 ? 'other' : 'demo',
          channel: 'web',
          unitId: i % 7 === 6 ? null : `u${(i + (day > '2026-06-15' && i === 4 ? 1 : 0)) % 4}`,
          questionId: `q${Math.floor(rand() * 25)}`,
          revision: 'r1',
          mode: 'daily',
          day: dayOf(answeredAt, TZ),
          attemptId: null,
          choice: 0,
          correct: rand() < 0.6,
          timeTakenMs: rand() < 0.9 ? 1000 + Math.floor(rand() * 9000) : null,
          answeredAt,
          rolledUp: false,
        });
      }
    });
  }
  // One answer per member, question and day (the answers' unique index).
  const seen = new Set<string>();
  return answers.filter((a) => {
    const key = `${String(a.participantId)}|${String(a.questionId)}|${String(a.day)}`;
    if (seen.has(key) || (a.answeredAt as Date) > NOW) return false;
    seen.add(key);
    return true;
  });
}

/** Every rollup document with its keys sorted (documents written by an update and by an insert list them in other orders). */
const sorted = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(
        Object.entries(v)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, sorted(x)]),
      )
    : v;
const snapshot = async () => (await db.models.Rollup.collection.find({}).sort({ _id: 1 }).toArray()).map((r) => JSON.stringify(sorted(r)));

describe('week and month blocks', () => {
  it('give every figure the day-by-day sum gives, over random ranges, after late answers and after a rebuild', async () => {
    const rand = random(18);
    await db.models.Answer.insertMany(history(rand));
    const withBlocks = createStats(db.models, { timeZone: TZ, catchUpEveryMs: 0, clock });
    const daysOnly = createStats(db.models, { timeZone: TZ, catchUpEveryMs: 0, clock, blocks: false });
    await withBlocks.updater.catchUp({ olderThanMs: 0 });
    expect(await db.models.Answer.countDocuments({ rolledUp: false })).toBe(0);
    const record = await db.models.RollupOp.collection.findOne({ _id: 'blocks' as never });
    expect(record?.through).toBe('2027-01-07');
    expect(await db.models.Rollup.countDocuments({ _id: { $regex: '^month-unit\\|demo\\|2026-12-01\\|' } })).toBeGreaterThan(0);
    expect(await db.models.Rollup.countDocuments({ _id: { $regex: '^week-bot\\|demo\\|2027-01-01\\|' } })).toBe(1);
    expect(await db.models.Rollup.countDocuments({ _id: { $regex: '^week-bot\\|demo\\|2027-01-04\\|' } })).toBe(0);

    const ranges: Array<[string, string]> = [
      ['2026-01-01', '2026-12-31'],
      ['2026-01-11', '2027-01-10'],
      ['2025-12-15', '2026-01-20'],
      ['2025-12-29', '2026-02-01'],
      ['2026-02-01', '2026-02-28'],
      ['2026-11-30', '2027-01-09'],
      ['2027-01-04', '2027-01-10'],
    ];
    for (let i = 0; i < 25; i++) {
      const from = addDays(FIRST, Math.floor(rand() * 400));
      ranges.push([from, addDays(from, Math.floor(rand() * 366))]);
    }
    const figures = async (q: typeof withBlocks.queries, s: StatsScope) => ({
      overview: await q.overview(s),
      units: await q.units(s),
      questions: await q.questions(s),
      series: await q.series(s),
    });
    const check = async () => {
      for (const [from, to] of ranges) {
        for (const bots of [null, ['demo']]) {
          const s = { bots, from, to: to > LAST ? LAST : to };
          expect(await figures(withBlocks.queries, s), `${from}..${to}`).toEqual(await figures(daysOnly.queries, s));
        }
      }
    };
    await check();
    const year = await withBlocks.queries.overview({ bots: null, from: '2026-01-01', to: '2026-12-31' });
    expect(year.participants).toBeGreaterThan(5);

    // A late answer (a process was down for weeks) on a sealed day: its week and month are read
    // from their days until the catch-up seals them again.
    const late = history(random(7)).filter((a) => a.day === '2026-03-10' && a.bot === 'demo')[0]!;
    const [doc] = await db.models.Answer.insertMany([{ ...late, questionId: 'late' }]);
    await withBlocks.listener.answerRecorded(doc!.toObject());
    expect((await db.models.RollupOp.collection.findOne({ _id: 'blocks' as never }))?.dirty).toEqual(['demo|week|2026-03-09', 'demo|month|2026-03-01']);
    await check();
    await withBlocks.updater.catchUp({ olderThanMs: 0 });
    expect((await db.models.RollupOp.collection.findOne({ _id: 'blocks' as never }))?.dirty).toEqual([]);
    await check();

    const incremental = await snapshot();
    await withBlocks.updater.rebuild();
    expect(await snapshot()).toEqual(incremental);
  }, 240_000);
});
