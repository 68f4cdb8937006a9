import { Types } from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Models } from '../../../src/db/models/index.js';
import { createStats, type RollupStep } from '../../../src/stats/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

const TZ = 'Asia/Ho_Chi_Minh';
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('stats');
});
afterEach(async () => {
  await Promise.all(
    [db.models.Answer, db.models.Participant, db.models.Rollup, db.models.RollupMark, db.models.RollupOp, db.models.RollupResidue, db.models.Unit].map((m) =>
      m.collection.deleteMany({}),
    ),
  );
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
  questionId: `q${seq}`,
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

/** Every rollup document, without ids and parts, nested keys sorted: what two computations must agree on. */
const normalise = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(
        Object.entries(v)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, normalise(x)]),
      )
    : v;
/** The incremental side includes what the catch-up does: it seals the week and month blocks whose days are over. */
const snapshot = async (models: Models = db.models) => {
  await createStats(models, { timeZone: TZ, catchUpEveryMs: 0 }).updater.catchUp({ olderThanMs: 0 });
  return snapshotNow(models);
};
const snapshotNow = async (models: Models) =>
  (await models.Rollup.collection.find({}).toArray())
    .map((r) => {
      expect(r.pending).toEqual([]);
      return JSON.stringify(normalise({ ...r, pending: undefined }));
    })
    .sort();

/** A mixed history: three participants, two bots, two days, a move between units, a member without a unit. */
const history = () => [
  answer(p1),
  answer(p1, { questionId: 'qx' }),
  answer(p2, { unitId: 'u2' }),
  answer(p2, { day: '2026-10-11', unitId: 'u2' }),
  answer(p2, { day: '2026-10-13', unitId: 'u1' }),
  answer(p3, { unitId: null }),
  answer(p1, { bot: 'other', unitId: 'u9' }),
  answer(p1, { day: '2026-12-01' }),
];

const stats = (over: Parameters<typeof createStats>[1] extends infer O ? Partial<O> : never = {}) =>
  createStats(db.models, { timeZone: TZ, catchUpEveryMs: 0, ...over });

describe('statistics rollups', () => {
  it('counts each answer once even when applied twice, and a rebuild gives the same figures', async () => {
    const s = stats();
    const inserted = await db.models.Answer.insertMany(history());
    for (const a of inserted) await s.listener.answerRecorded(a.toObject());
    // Applied again (a re-driven webhook, a listener called twice): the answers belong to a batch already.
    await Promise.all(inserted.slice(0, 4).map((a) => s.updater.applyAnswer(a.toObject())));
    const joined = await db.models.Participant.create({
      bot: 'demo',
      channel: 'web',
      userId: 'x',
      unitId: 'u1',
      consent: { at: new Date('2026-10-10T03:00:00Z'), version: '1' },
    });
    await s.listener.participantChanged(joined.toObject());
    await s.listener.participantChanged(joined.toObject());

    const overview = await s.queries.overview({ bots: ['demo'], from: '2026-10-01', to: '2026-10-31' });
    expect(overview).toMatchObject({ participants: 3, answers: 6, joined: 1, participantDays: 5 });
    expect((await s.queries.overview({ bots: ['demo'], from: '2026-10-11', to: '2026-12-31' })).participants).toBe(2);
    const series = await s.queries.series({ bots: ['demo'], from: '2026-10-10', to: '2026-10-12' });
    expect(series.map((p) => [p.day, p.participants, p.answers])).toEqual([
      ['2026-10-10', 3, 4],
      ['2026-10-11', 1, 1],
      ['2026-10-12', 0, 0],
    ]);
    const units = await s.queries.units({ bots: ['demo'], from: '2026-10-01', to: '2026-10-31' });
    expect(units.find((u) => u.unitId === 'u2')).toMatchObject({ participants: 1, answers: 2 });
    // p2 moved to u1 on the 13th: u1 had p1 and p2 in October.
    expect(units.find((u) => u.unitId === 'u1')).toMatchObject({ participants: 2, answers: 3 });
    expect(await db.models.Answer.countDocuments({ rolledUp: false })).toBe(0);
    expect(await db.models.RollupOp.countDocuments({ kind: 'batch' })).toBe(0);

    const incremental = await snapshot();
    const r = await s.updater.rebuild();
    expect(r.answers).toBe(8);
    expect(await snapshot()).toEqual(incremental);
  });

  it('answers the live listener missed are applied by the catch-up, which also drops markers past their days', async () => {
    const s = stats();
    await db.models.Answer.insertMany([answer(p3, { day: '2026-10-20', unitId: 'u3' }), answer(p2, { day: '2026-10-20', unitId: 'u3' })]);
    await db.models.RollupMark.collection.insertOne({ _id: 'd|demo|x|2020-01-01' as never, owner: 'x', expiresAt: new Date('2020-01-05') });
    expect(await s.updater.catchUp({ olderThanMs: 0 })).toBe(2);
    expect(await db.models.RollupMark.countDocuments({ _id: 'd|demo|x|2020-01-01' })).toBe(0);
    expect(await s.updater.catchUp({ olderThanMs: 0 })).toBe(0);
    const [day] = await s.queries.series({ bots: ['demo'], from: '2026-10-20', to: '2026-10-20' });
    expect(day).toMatchObject({ participants: 2, answers: 2 });
    const qs = await s.queries.questions({ bots: ['demo'], from: '2026-10-20', to: '2026-10-20' });
    expect(qs.reduce((n, q) => n + q.answers, 0)).toBe(2);
  });

  const steps: RollupStep[] = ['created', 'claimed', 'marked', 'written', 'applied', 'folded'];
  it.each(steps)('a crash after the step "%s" of a batch neither loses nor doubles a count', async (crashAt) => {
    const inserted = await db.models.Answer.insertMany(history());
    const [first, ...rest] = inserted;
    await stats().updater.applyAnswer(first!.toObject());
    // The process dies after `crashAt`, in the middle of the next batch.
    let crashed = false;
    const dying = stats({
      step: (step) => {
        if (step === crashAt && !crashed) {
          crashed = true;
          throw new Error(`crash after ${step}`);
        }
      },
    });
    await expect(Promise.all(rest.map((a) => dying.updater.applyAnswer(a.toObject())))).rejects.toThrow(`crash after ${crashAt}`);
    // A figure read meanwhile counts the batch fully or not at all.
    const meanwhile = (await stats().queries.overview({ bots: ['demo'], from: '2026-10-01', to: '2026-12-31' })).answers;
    expect([1, 7]).toContain(meanwhile);
    // The platform re-drives the answers, then the catch-up of a fresh process finishes the batch.
    const next = stats();
    for (const a of rest) await next.updater.applyAnswer(a.toObject());
    await next.updater.catchUp({ olderThanMs: 0 });
    expect(await db.models.RollupOp.countDocuments({ kind: 'batch' })).toBe(0);
    const overview = await next.queries.overview({ bots: ['demo'], from: '2026-10-01', to: '2026-12-31' });
    expect(overview).toMatchObject({ answers: 7, participants: 3, participantDays: 6 });
    const incremental = await snapshot();
    await next.updater.rebuild();
    expect(await snapshot()).toEqual(incremental);
  });

  it.each(['written', 'applied', 'folded'] as RollupStep[])('a crash after the step "%s" of a joining counts the participant once', async (crashAt) => {
    const p = (
      await db.models.Participant.create({ bot: 'demo', channel: 'web', userId: 'j', consent: { at: new Date('2026-10-10T18:00:00Z'), version: '1' } })
    ).toObject();
    const dying = stats({
      step: (step) => {
        if (step === crashAt) throw new Error('crash');
      },
    });
    await dying.updater.applyParticipant(p).catch(() => undefined);
    await stats().updater.applyParticipant(p);
    await stats().updater.catchUp({ olderThanMs: 0 });
    // 18:00 UTC is 01:00 the next day in Viet Nam.
    const [day] = await stats().queries.series({ bots: ['demo'], from: '2026-10-11', to: '2026-10-11' });
    expect(day).toMatchObject({ joined: 1 });
  });

  it('after a member deletes their data, the figures stay and a rebuild gives the same figures', async () => {
    const s = stats();
    const member = await db.models.Participant.create({
      bot: 'demo',
      channel: 'web',
      userId: 'gone',
      consent: { at: new Date('2026-10-09T03:00:00Z'), version: '1' },
    });
    await s.listener.participantChanged(member.toObject());
    const mine = [answer(member._id, { unitId: 'u2' }), answer(member._id, { day: '2026-10-11', unitId: 'u2' }), answer(member._id, { day: '2026-10-12' })];
    const inserted = await db.models.Answer.insertMany([...history(), ...mine]);
    for (const a of inserted.slice(0, -1)) await s.listener.answerRecorded(a.toObject());
    // The last answer was never applied (a failed listener): the deletion counts it first.
    const scope = { bots: ['demo'], from: '2026-10-01', to: '2026-12-31' };
    const range = { bots: ['demo'], from: '2026-10-01', to: '2026-10-31' };
    await s.listener.eraseAnswers(member.toObject());
    await db.models.Participant.deleteOne({ _id: member._id });
    const before = { overview: await s.queries.overview(scope), units: await s.queries.units(range), series: await s.queries.series(range) };
    expect(before.overview).toMatchObject({ participants: 4, joined: 1, answers: 10 });
    expect(await db.models.Answer.countDocuments({ participantId: member._id })).toBe(0);
    expect(await db.models.RollupOp.countDocuments({ participantId: String(member._id) })).toBe(0);
    expect(await db.models.RollupMark.countDocuments({ _id: { $regex: String(member._id) } })).toBe(0);
    // Nothing left names the member: the residue holds counts only.
    expect(JSON.stringify(await db.models.RollupResidue.collection.find({}).toArray())).not.toContain(String(member._id));

    const incremental = await snapshot();
    // October's week and month blocks are sealed (their days are over), and read instead of its days.
    expect(incremental.some((r) => r.includes('"_id":"month-unit|demo|2026-10-01|"') && r.includes('"k":"u2"'))).toBe(true);
    await s.updater.rebuild();
    expect(await snapshot()).toEqual(incremental);
    const figures = async (q: typeof s.queries) => ({ overview: await q.overview(scope), units: await q.units(range), series: await q.series(range) });
    expect(await figures(s.queries)).toEqual(before);
    expect(await figures(stats({ blocks: false }).queries)).toEqual(before);
  });

  it('a crash in the middle of a deletion neither loses nor doubles the member’s counts', async () => {
    const member = await db.models.Participant.create({ bot: 'demo', channel: 'web', userId: 'gone2' });
    const inserted = await db.models.Answer.insertMany([answer(p1), answer(member._id), answer(member._id, { day: '2026-10-11' })]);
    const s = stats();
    for (const a of inserted) await s.updater.applyAnswer(a.toObject());
    const expected = await snapshot();
    for (const crashAt of ['written', 'applied'] as RollupStep[]) {
      const dying = stats({
        step: (step, id) => {
          if (step === crashAt && id.startsWith('x|')) throw new Error('crash');
        },
      });
      await expect(dying.listener.eraseAnswers(member.toObject())).rejects.toThrow('crash');
    }
    await stats().listener.eraseAnswers(member.toObject());
    expect(await snapshot()).toEqual(expected);
    await stats().updater.rebuild();
    expect(await snapshot()).toEqual(expected);
  });

  it('takes unit names and sizes from the bot’s own unit list, never from another list with the same unit id', async () => {
    await db.models.Unit.insertMany([
      { listId: 'demo', unitId: 'cdcs-so-tttt', name: 'CĐCS Sở TT&TT (demo)', size: 30 },
      { listId: 'quang-tri-cdvc', unitId: 'cdcs-so-tttt', name: 'CĐCS Sở TT&TT (Quảng Trị)', size: 42 },
    ]);
    const s = stats({ unitListOf: (bot) => ({ demo: 'demo', qt: 'quang-tri-cdvc' })[bot] ?? null });
    for (const a of await db.models.Answer.insertMany([answer(p1, { unitId: 'cdcs-so-tttt' }), answer(p2, { bot: 'qt', unitId: 'cdcs-so-tttt' })]))
      await s.listener.answerRecorded(a.toObject());
    const units = await s.queries.units({ bots: null, from: '2026-10-01', to: '2026-10-31' });
    expect(units.map((u) => [u.bot, u.listId, u.name, u.size, u.participants, Math.round(u.rate! * 1000) / 10])).toEqual([
      ['demo', 'demo', 'CĐCS Sở TT&TT (demo)', 30, 1, 3.3],
      ['qt', 'quang-tri-cdvc', 'CĐCS Sở TT&TT (Quảng Trị)', 42, 1, 2.4],
    ]);
  });

  it('rollups of an older format are rebuilt once before serving', async () => {
    await db.models.Answer.insertMany([answer(p1), answer(p2)]);
    await db.models.Rollup.collection.insertOne({ _id: 'old' as never, kind: 'bot', bot: 'demo', day: '*', key: '', answers: 99, recent: ['x'] });
    const s = stats();
    expect(await s.prepare()).toBe(true);
    expect(await s.prepare()).toBe(false);
    expect(await db.models.Rollup.countDocuments({ _id: 'old' })).toBe(0);
    expect((await s.queries.overview({ bots: null, from: '2026-10-10', to: '2026-10-10' })).answers).toBe(2);
  });
});
