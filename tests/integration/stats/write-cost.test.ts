import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { calculateObjectSize } from 'bson';
import mongoose, { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedServer, type EmbeddedServer } from '../../../src/db/embedded/index.js';
import { createModels, type Models } from '../../../src/db/models/index.js';
import { createStats } from '../../../src/stats/index.js';

/**
 * What one answer costs the statistics in bytes written: the growth of the embedded server's
 * journal (it journals every written document whole) and the commands' size on the wire. Counted
 * in bytes, never in time. Answers are applied one at a time, so each is a batch of its own: the
 * most expensive case (under load, batches share their rollup writes).
 */
const JOURNAL_MEAN = 3584;
const JOURNAL_WORST = 4608;
const WIRE_WORST = 6144;

let dir: string;
let server: EmbeddedServer;
let conn: mongoose.Connection;
let models: Models;
let wire = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stats-cost-'));
  server = await startEmbeddedServer({ path: dir });
  conn = await mongoose.createConnection(server.uri, { dbName: 'cost', monitorCommands: true }).asPromise();
  conn.getClient().on('commandStarted', (e) => (wire += calculateObjectSize(e.command)));
  models = createModels(conn);
  await Promise.all(Object.values(models).map((m) => m.init()));
});
afterAll(async () => {
  await conn?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const journalSize = () => fs.statSync(path.join(dir, 'journal.bin')).size;

describe('the write cost of one answer', () => {
  it('stays under a few KB of journal and of commands, rollups and exactly-once bookkeeping included', async () => {
    const stats = createStats(models, { timeZone: 'Asia/Ho_Chi_Minh', catchUpEveryMs: 0 });
    const people = Array.from({ length: 40 }, () => new Types.ObjectId());
    const start = Date.UTC(2026, 0, 1);
    const perAnswer: Array<{ journal: number; wire: number }> = [];
    // 70 days; each person answers on some days (gaps of 1 to 60+ days, so far gap blocks are
    // written too), in one of 12 units, sometimes twice a day.
    for (let d = 0; d < 70; d++) {
      const day = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
      for (let i = 0; i < people.length; i++) {
        if ((i * 31 + d * 17) % (2 + (i % 37)) !== 0) continue;
        for (const mode of d % 4 === 0 ? (['daily', 'practice'] as const) : (['daily'] as const)) {
          const doc = await models.Answer.create({
            participantId: people[i],
            bot: i % 2 ? 'demo' : 'other',
            channel: 'web',
            unitId: i % 13 ? `unit-${i % 12}` : null,
            questionId: `q-${(d * 7 + i) % 40}`,
            revision: 'r1',
            mode,
            day,
            attemptId: null,
            choice: 0,
            correct: (i + d) % 3 > 0,
            timeTakenMs: 3000 + i,
            answeredAt: new Date(start + d * 86_400_000 + i * 1000),
            rolledUp: false,
          });
          const [j0, w0] = [journalSize(), wire];
          await stats.listener.answerRecorded(doc.toObject());
          perAnswer.push({ journal: journalSize() - j0, wire: wire - w0 });
        }
      }
    }
    const worst = (k: 'journal' | 'wire') => Math.max(...perAnswer.map((p) => p[k]));
    const mean = (k: 'journal' | 'wire') => perAnswer.reduce((s, p) => s + p[k], 0) / perAnswer.length;
    expect(perAnswer.length).toBeGreaterThan(200);
    expect(await models.Rollup.countDocuments({ _id: { $regex: '^far-bot' } })).toBeGreaterThan(0);
    expect(worst('journal')).toBeLessThanOrEqual(JOURNAL_WORST);
    expect(mean('journal')).toBeLessThanOrEqual(JOURNAL_MEAN);
    expect(worst('wire')).toBeLessThanOrEqual(WIRE_WORST);
    // Every answer was counted.
    const total = await models.Rollup.collection.find({ _id: { $regex: '^day-bot' } as never }).toArray();
    expect(total.reduce((s, r) => s + r.answers, 0)).toBe(perAnswer.length);
  }, 180_000);
});
