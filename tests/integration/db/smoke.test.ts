import { Schema, type Connection } from 'mongoose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScheduler } from '../../../src/jobs/scheduler.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

interface Member {
  email: string;
  name: string;
  score: number;
}

const memberSchema = new Schema<Member>({
  email: { type: String, required: true, unique: true },
  name: { type: String, required: true },
  score: { type: Number, default: 0 },
});

function memberModel(conn: Connection) {
  return conn.model<Member>('SmokeMember', memberSchema);
}

describe('the database answers mongoose and Agenda (smoke)', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb('smoke');
  });
  afterAll(async () => {
    await db?.close();
  });

  it('stores, finds, updates and deletes documents through mongoose, refusing a duplicate unique email', async () => {
    const Member = memberModel(db.connection);
    await Member.init();
    const ana = await Member.create({ email: 'ana@example.vn', name: 'Ana' });
    await Member.create({ email: 'binh@example.vn', name: 'Bình', score: 3 });

    await expect(Member.create({ email: 'ana@example.vn', name: 'Other' })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'ana@example.vn' },
    });

    const found = await Member.findOne({ email: 'binh@example.vn' }).lean();
    expect(found?.name).toBe('Bình');
    await Member.updateOne({ _id: ana._id }, { $inc: { score: 5 } });
    const top = await Member.find().sort({ score: -1 }).lean();
    expect(top.map((m) => m.email)).toEqual(['ana@example.vn', 'binh@example.vn']);
    await Member.deleteOne({ email: 'binh@example.vn' });
    expect(await Member.countDocuments()).toBe(1);
  });

  it('runs an Agenda job scheduled with now() to completion', async () => {
    const scheduler = createScheduler(db.connection.db as never, pino({ level: 'silent' }), { name: 'smoke', processEvery: 100 });
    const ran: string[] = [];
    scheduler.agenda.define('smoke-job', async (job: { attrs: { data: unknown } }) => {
      ran.push((job.attrs.data as { word: string }).word);
    });
    const completed = new Promise<void>((resolve) => scheduler.agenda.on('complete:smoke-job', () => resolve()));
    await scheduler.start();
    try {
      await scheduler.agenda.now('smoke-job', { word: 'xin chào' });
      await completed;
      expect(ran).toEqual(['xin chào']);
      const stored = await db.connection.db!.collection('agendaJobs').findOne({ name: 'smoke-job' });
      expect(stored?.lastFinishedAt).toBeInstanceOf(Date);
    } finally {
      await scheduler.stop();
    }
  });
});
