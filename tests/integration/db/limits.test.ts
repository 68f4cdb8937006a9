/**
 * The embedded server's limits, through real processes and threads: a data directory larger than
 * the product's heap, a damaged journal through `db check` and `db repair`, the warnings in
 * /readyz, and other clients served while a long command runs. (Embedded-only: these are about
 * the embedded server itself; with MONGODB_URI set they still run against their own embedded servers.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { testConfig } from '../../../src/config/index.js';
import { openDatabase, type EmbeddedDbStatus } from '../../../src/db/connection.js';
import { JournalDamagedError, startEmbeddedServer, type EmbeddedServer } from '../../../src/db/embedded/index.js';
import { JOURNAL_FILE, Journal } from '../../../src/db/embedded/journal.js';
import { Storage } from '../../../src/db/embedded/storage.js';
import { startRuntime } from '../../../src/runtime.js';
import { tsCommand } from '../../helpers/process.js';

const dirs: string[] = [];
const servers: EmbeddedServer[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-limits-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data directory of `n` answer-shaped documents, one journal record each. */
async function answersDirectory(n: number, compact = true): Promise<string> {
  const dir = tempDir();
  const storage = new Storage();
  const { journal } = Journal.open(dir, storage);
  const { coll } = storage.ensureCollection('cds_bot', 'answers');
  coll.createIndex({ v: 2, key: { bot: 1, day: 1 }, name: 'bot_1_day_1' });
  const participant = new ObjectId();
  for (let i = 0; i < n; i++) {
    coll.insert({
      _id: i,
      participantId: participant,
      bot: 'demo',
      channel: 'zalo_oa',
      unitId: `cdcs-${i % 640}`,
      questionId: `ds-${String(i % 420).padStart(3, '0')}`,
      mode: 'daily',
      day: `2026-${String((i % 12) + 1).padStart(2, '0')}-15`,
      choice: i % 4,
      correct: i % 3 !== 0,
      answeredAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
      rolledUp: false,
    });
    journal.commit(false);
  }
  if (compact) await journal.compact();
  await journal.close();
  return dir;
}

/** These tests start processes, several of them under tsx: minutes on a busy machine. */
const SLOW = 180_000;

const run = (script: string, args: string[], options: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}) => {
  const [node, argv] = tsCommand(script, args);
  return spawnSync(node, [...(options.execArgv ?? []), ...argv], { encoding: 'utf8', env: { ...process.env, ...options.env }, timeout: SLOW });
};

describe('a data directory larger than the heap', () => {
  it(
    'starts in the product: the database thread gets a heap sized from the data, where the small heap itself refuses it clearly',
    async () => {
      const dir = await answersDirectory(80_000);
      const out = run('tests/integration/db/fixtures/small-heap-host.ts', [dir, '64']);
      const report = JSON.parse(out.stdout.trim().split('\n').pop()!) as Record<string, Record<string, unknown>>;
      expect(out.status, out.stderr).toBe(0);
      expect(report.productHeapMb).toBeLessThan(128);
      // In the product's own small heap the data is refused before loading, naming the flag that would fit it.
      expect(report.inProcess).toMatchObject({
        refused: 'HeapTooSmallError',
        message: expect.stringMatching(/need about \d+ MB of heap.*--max-old-space-size=\d+/s),
      });
      // The product runs it in a thread of its own, sized from the data: it starts, with every document.
      expect(report.threaded).toMatchObject({ documents: 80_000 });
      expect(Number(report.threaded!.heapLimitMb)).toBeGreaterThan(Number(report.productHeapMb) * 2);
    },
    SLOW,
  );

  it(
    'refuses clearly, before running out of memory, when --max-old-space-size fixes every heap too small',
    async () => {
      const dir = await answersDirectory(80_000);
      const out = run('tests/integration/db/fixtures/start-embedded.ts', [dir], { execArgv: ['--max-old-space-size=64'] });
      expect(out.status).not.toBe(0);
      expect(out.stderr).toMatch(
        /need about \d+ MB of heap, but this process was started with --max-old-space-size=64\. Start it with --max-old-space-size=\d+/,
      );
      expect(out.stderr).not.toMatch(/heap out of memory/i);
      const fine = run('tests/integration/db/fixtures/start-embedded.ts', [dir]);
      expect(fine.status, fine.stderr).toBe(0);
      expect(JSON.parse(fine.stdout.trim().split('\n').pop()!)).toMatchObject({ documents: 80_000, level: 'ok' });
    },
    SLOW,
  );
});

describe('a damaged journal through the CLI', () => {
  it(
    'db check names the damaged record of 10,000, the server refuses to start, db repair recovers every intact one',
    async () => {
      const dir = await answersDirectory(10_000, false);
      const journal = join(dir, JOURNAL_FILE);
      const bytes = readFileSync(journal);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = bytes[middle]! ^ 0x20;
      writeFileSync(journal, bytes);

      const check = run('src/cli.ts', ['db', 'check', '--path', dir]);
      expect(check.status).toBe(1);
      const offset = Number(/DAMAGED at byte (\d+)/.exec(check.stdout)?.[1]);
      expect(offset).toBeLessThanOrEqual(middle);
      expect(offset).toBeGreaterThan(middle - 200);
      expect(check.stdout).toContain('the records after it are intact');

      await expect(startEmbeddedServer({ path: dir })).rejects.toThrow(JournalDamagedError);
      await expect(startEmbeddedServer({ path: dir })).rejects.toThrow(`journal.bin at byte ${offset}`);

      const repair = run('src/cli.ts', ['db', 'repair', '--path', dir]);
      expect(repair.status, repair.stderr).toBe(0);
      expect(repair.stdout).toContain('9,999 documents kept');
      const keptAt = /the original files are kept in (\S+)/.exec(repair.stdout)?.[1];
      expect(readFileSync(join(keptAt!, JOURNAL_FILE)).equals(bytes)).toBe(true);

      const server = await startEmbeddedServer({ path: dir });
      servers.push(server);
      const client = await MongoClient.connect(server.uri);
      const ids = (
        await client
          .db('cds_bot')
          .collection('answers')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => d._id as unknown as number);
      await client.close();
      expect(ids).toHaveLength(9_999);
      const lost = Array.from({ length: 10_000 }, (_, i) => i).filter((i) => !ids.includes(i));
      expect(lost).toHaveLength(1);
      expect(repair.stdout).toMatch(new RegExp(`(_id|answer|\\b)${lost[0]}\\b`));
    },
    SLOW,
  );
});

describe('thresholds', () => {
  it('warns in the log at start and in /readyz above a threshold, saying how to move; the status is typed for the dashboard', async () => {
    const dir = await answersDirectory(8);
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const database = await openDatabase(testConfig({ EMBEDDED_DB_PATH: dir, EMBEDDED_DB_WARN_DOCUMENTS: '5', LOG_LEVEL: 'info' }), logger);
    try {
      const status = database.embeddedStatus()!;
      expect(status).toMatchObject({ level: 'warning', documents: 8, thresholds: { warnDocuments: 5 }, warnings: [{ code: 'documents', level: 'warning' }] });
      expect(status.advice).toContain('db export');
      expect(lines.some((l) => /embedded database WARNING: 8 documents, above the 5 .*db export/.test(l))).toBe(true);
      const ready = await database.readiness.check();
      expect(ready.ok).toBe(true);
      expect(ready.detail).toMatch(/embedded database WARNING: 8 documents, above the 5 .*db export/);
    } finally {
      await database.close();
    }
  });

  it('shows the warning to admins through GET /api/v1/system/database (the dashboard banner), not to organisers', async () => {
    const rt = await startRuntime(
      testConfig({ EMBEDDED_DB_WARN_DOCUMENTS: '2', HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', CONTENT_SYNC_ON_START: 'false' }),
    );
    try {
      const admin = createAdminService(rt.db.models, { sessionSecret: undefined });
      const adminToken = (await admin.createToken({ name: 'a', role: 'admin' })).token;
      const organiserToken = (await admin.createToken({ name: 'o', role: 'organiser', bots: ['demo'] })).token;
      const get = (token: string) => fetch(`${rt.url}/api/v1/system/database`, { headers: { Authorization: `Bearer ${token}` } });
      expect((await get(organiserToken)).status).toBe(403);
      // The database thread reports its figures every 2 seconds.
      await vi.waitFor(
        async () => {
          const body = (await (await get(adminToken)).json()) as { embedded: EmbeddedDbStatus };
          expect(body.embedded).toMatchObject({ level: 'warning', thresholds: { warnDocuments: 2 }, warnings: [{ code: 'documents' }] });
          expect(body.embedded.documents).toBeGreaterThan(2);
        },
        { timeout: 10_000, interval: 250 },
      );
    } finally {
      await rt.stop();
    }
  }, 60_000);

  it('is ok below them, and says so', async () => {
    const database = await openDatabase(testConfig({ EMBEDDED_DB_PATH: ':memory:' }), pino({ level: 'silent' }));
    try {
      expect(database.embeddedStatus()).toMatchObject({ level: 'ok', warnings: [], advice: null, path: null });
      expect((await database.readiness.check()).detail).toMatch(/; embedded: \d+ documents, 0 MB of data files$/);
    } finally {
      await database.close();
    }
  });
});

describe('long commands', () => {
  it('other clients are answered while an updateMany over 60,000 documents runs', async () => {
    const server = await startEmbeddedServer({ path: null });
    servers.push(server);
    const client = await MongoClient.connect(server.uri);
    const probe = await MongoClient.connect(server.uri);
    try {
      const c = client.db('long').collection('answers');
      for (let i = 0; i < 60_000; i += 10_000) await c.insertMany(Array.from({ length: 10_000 }, (_, j) => ({ n: i + j, rolledUp: false })));
      const order: string[] = [];
      const update = c.updateMany({ rolledUp: false }, { $set: { rolledUp: true } }).then((r) => order.push(`update ${r.modifiedCount}`));
      const sorted = c
        .find({}, { projection: { n: 1 } })
        .sort({ n: -1 })
        .limit(1)
        .toArray()
        .then(() => order.push('sort'));
      await new Promise((r) => setTimeout(r, 30));
      await probe.db('admin').command({ ping: 1 });
      order.push('ping');
      await Promise.all([update, sorted]);
      expect(order.indexOf('ping')).toBeLessThan(order.indexOf('update 60000'));
      expect(await c.countDocuments({ rolledUp: true })).toBe(60_000);
    } finally {
      await probe.close();
      await client.close();
    }
  });
});
