import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ContentError } from '../../../src/content/index.js';
import { startRuntime } from '../../../src/runtime.js';
import { openTestDb } from '../../helpers/db.js';
import { fixtureTree } from '../../unit/content/fixture-tree.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');

describe('content at start-up', () => {
  it('puts the shipped question bank (300+ live questions, all with English) into the database and hands the bundle to the other rooms', async () => {
    const db = await openTestDb('content_start');
    const runtime = await startRuntime(db.config({ HOST: '127.0.0.1', PORT: '0' }));
    try {
      const live = runtime.content.questions.filter((q) => q.status === 'published');
      expect(live.length).toBeGreaterThanOrEqual(300);
      expect(live.every((q) => q.en.question && q.en.options.length === q.options.length)).toBe(true);
      expect(await db.models.Question.countDocuments({ status: 'published', retiredAt: null })).toBe(live.length);
      expect(runtime.content.bots.map((b) => b.id)).toContain('demo');
      const active = await db.models.Question.countDocuments({ retiredAt: null });
      expect(active).toBe(runtime.content.questions.length);
      expect(await db.models.Unit.countDocuments({ listId: 'demo' })).toBeGreaterThanOrEqual(8);
    } finally {
      await runtime.stop();
      await db.close();
    }
  });

  it('refuses to start on invalid content and lists every problem with file, line and column', async () => {
    const db = await openTestDb('content_refuse');
    const dir = fixtureTree('answer-out-of-range');
    const config = db.config({
      HOST: '127.0.0.1',
      PORT: '0',
      SCHEDULER_ENABLED: 'false',
      BOTS_DIR: path.join(dir, 'bots'),
      CONTENT_DIR: path.join(dir, 'content'),
    });
    const started = startRuntime(config);
    await expect(started).rejects.toBeInstanceOf(ContentError);
    await expect(started).rejects.toThrow(/extra\.yaml:7:5: question "extra-001": answer D but there are only 3 options/);
    await db.close();
  });
});

describe('npm run content:check', () => {
  const check = (dir: string) =>
    run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'content', 'check', '--bots', path.join(dir, 'bots'), '--content', path.join(dir, 'content')], {
      cwd: ROOT,
    });

  it('prints a summary and exits 0 on good content', async () => {
    const { stdout } = await check(fixtureTree());
    expect(stdout).toContain('content OK: 4 facts; 10 live (published) questions of 10 (0 draft, 0 reviewed)');
    expect(stdout).toContain('  alpha: 8');
    expect(stdout).toContain('1 bots, 1 campaigns with 1 events, 1 unit lists with 2 units');
  });

  it('prints file:line:column: message lines and exits 1 on broken content', async () => {
    const dir = fixtureTree('duplicate-id');
    const failed = await check(dir).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(
      `${path.join(dir, 'content/questions/extra.yaml')}:2:5: duplicate question id "beta-002" (first at ${path.join(dir, 'content/questions/beta.yaml')}:16:5)`,
    );
  });
});
