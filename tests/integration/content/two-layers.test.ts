import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportContent, loadAndCheckContent, loadValidContent, startContent, syncContent, type Actor, type ContentRoom } from '../../../src/content/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { fixtureTree, treePaths } from '../../unit/content/fixture-tree.js';

/**
 * The two layers of content: shipped YAML, and what organisers save in the pages (owned by the
 * database from then on). A sync never overwrites an edit; a YAML change to an edited item is a
 * conflict; `content export` writes the merged state back to YAML that content:check accepts and
 * that a later sync finds caught up.
 */
const admin: Actor = { name: 'Quản trị', kind: 'user', role: 'admin', bots: null };
const ZONE = 'Asia/Ho_Chi_Minh';
let db: TestDb;
let dir: string;
let room: ContentRoom;
let out: string;

beforeAll(async () => {
  db = await openTestDb('two_layers');
  dir = fixtureTree();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'content-export-'));
  room = await startContent({ paths: treePaths(dir), models: db.models, logger: pino({ level: 'silent' }), timeZone: ZONE, syncOnStart: true, pollMs: 0 });
  await room.questions.patch('alpha-002', { difficulty: 3 }, admin);
  await room.units.patch('example', { units: [{ id: 'thpt-2', size: 55 }] }, admin);
  await room.contests.patch('test-contest', { timeLimitMinutes: 20 }, admin);
  await room.campaigns.patch('national-dt-day', { title: { vi: 'Ngày Chuyển đổi số quốc gia (10/10)', en: 'National Digital Transformation Day (10 October)' } }, admin);
}, 60_000);

afterAll(async () => {
  await room?.stop();
  await db?.close();
  for (const d of [dir, out]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('two layers of content', () => {
  it('an edit is in force at once, in the database mirrors too, with an audit entry', async () => {
    expect(room.live.questions.find((q) => q.id === 'alpha-002')?.difficulty).toBe(3);
    expect(await db.models.Question.findOne({ questionId: 'alpha-002' }).lean()).toMatchObject({ difficulty: 3 });
    expect(await db.models.Unit.findOne({ listId: 'example', unitId: 'thpt-2' }).lean()).toMatchObject({ size: 55 });
    expect(room.live.bots[0]?.contest?.timeLimitMinutes).toBe(20);
    const audit = await room.audit({ page: 1, pageSize: 10 });
    expect(audit.items.map((e) => `${e.kind}:${e.key}:${e.action}`)).toEqual(
      expect.arrayContaining(['question:alpha-002:update', 'unitList:example:update', 'contest:test-contest:update', 'campaign:national-dt-day:update']),
    );
    expect(audit.items.find((e) => e.kind === 'question')).toMatchObject({ actor: 'Quản trị', changed: ['difficulty'], before: { difficulty: 2 }, after: { difficulty: 3 } });
  });

  it('a sync of the shipped YAML never overwrites an edit, and reports a YAML change to an edited item as a conflict', async () => {
    const yaml = path.join(dir, 'content/questions/alpha.yaml');
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace('Đáp án đúng là Ba theo tài liệu nguồn.', 'Chương trình có ba trụ cột theo tài liệu nguồn.'));
    const report = await syncContent(db.models, loadValidContent(treePaths(dir)), new Date(), ZONE);
    expect(report.conflicts).toEqual([{ kind: 'question', key: 'alpha-002', reason: 'changed' }]);
    expect(await db.models.Question.findOne({ questionId: 'alpha-002' }).lean()).toMatchObject({ difficulty: 3, vi: { explanation: 'Đáp án đúng là Ba theo tài liệu nguồn.' } });
  });

  it('content export writes YAML that content:check accepts and that a sync finds caught up', async () => {
    const r = exportContent(room.store.loaded, treePaths(dir), room.store.merged(), room.store.items(), out);
    expect(r).toMatchObject({ questions: 1, campaigns: 1, contests: 1, unitLists: 1 });
    const exported = { botsDir: path.join(out, 'bots'), contentDir: path.join(out, 'content'), root: out };
    const { loaded, problems } = loadAndCheckContent(exported);
    expect(problems).toEqual([]);
    expect(loaded.bundle.questions.find((q) => q.id === 'alpha-002')?.difficulty).toBe(3);
    expect(loaded.bundle.unitLists[0]?.units.find((u) => u.id === 'thpt-2')?.size).toBe(55);
    expect(loaded.bundle.bots[0]?.contest?.timeLimitMinutes).toBe(20);
    const report = await syncContent(db.models, loaded.bundle, new Date(), ZONE);
    expect(report.conflicts).toEqual([]);
    // Caught up: each owned item's base is now the exported YAML.
    const items = await db.models.ContentItem.find({}).lean();
    expect(items.every((i) => i.yamlRevision === i.revision)).toBe(true);
  });
});
