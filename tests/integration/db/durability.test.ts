import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedServer, type EmbeddedServer } from '../../../src/db/embedded/index.js';
import { JOURNAL_FILE } from '../../../src/db/embedded/journal.js';
import { LOCK_FILE } from '../../../src/db/embedded/lock.js';

const dirs: string[] = [];
const servers: EmbeddedServer[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-db-'));
  dirs.push(dir);
  return dir;
}

async function open(path: string): Promise<{ server: EmbeddedServer; client: MongoClient }> {
  const server = await startEmbeddedServer({ path });
  servers.push(server);
  const client = await MongoClient.connect(server.uri);
  return { server, client };
}

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the embedded server on disk', () => {
  it('keeps data, indexes and deletions across a restart', async () => {
    const path = tempDir();
    const first = await open(path);
    const c = first.client.db('keep').collection('people');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertMany([{ email: 'a@x.vn' }, { email: 'b@x.vn' }, { email: 'c@x.vn' }]);
    await c.updateOne({ email: 'a@x.vn' }, { $set: { name: 'An' } }, { writeConcern: { j: true } });
    await c.deleteOne({ email: 'c@x.vn' });
    await first.client.close();
    await first.server.close();

    const second = await open(path);
    const again = second.client.db('keep').collection('people');
    expect(
      await again
        .find({}, { projection: { _id: 0 } })
        .sort({ email: 1 })
        .toArray(),
    ).toEqual([{ email: 'a@x.vn', name: 'An' }, { email: 'b@x.vn' }]);
    expect((await again.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'email_1']);
    await expect(again.insertOne({ email: 'b@x.vn' })).rejects.toMatchObject({ code: 11000 });
    await second.client.close();
  });

  it('loses no acknowledged write when the process is killed with SIGKILL', async () => {
    const path = tempDir();
    // node --import tsx (not the tsx CLI, which would run the script in a grandchild SIGKILL misses)
    const child = spawn(process.execPath, ['--import', 'tsx', resolve('tests/integration/db/fixtures/crash-writer.ts'), path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: number[] = [];
    let buffered = '';
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('the writer acknowledged too few writes in time')), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (/^\d+$/.test(line)) acknowledged.push(Number(line));
        if (acknowledged.length >= 300 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL'); // mid-stream: more inserts are in flight
          clearTimeout(timer);
          done();
        }
      });
      child.on('exit', (code) => {
        if (acknowledged.length < 300) fail(new Error(`writer exited early with ${code}`));
      });
    });
    await new Promise((r) => child.once('exit', r));
    // The dead writer's lock is stale and is taken over.
    expect(existsSync(join(path, LOCK_FILE))).toBe(true);
    const { client } = await open(path);
    const ids = new Set(
      (
        await client
          .db('crash')
          .collection('writes')
          .find({}, { projection: { _id: 1 } })
          .toArray()
      ).map((d) => d._id as unknown as number),
    );
    const lost = acknowledged.filter((id) => !ids.has(id));
    expect(lost).toEqual([]);
    await client.close();
  });

  it('drops a torn last record of the journal and keeps every earlier one', async () => {
    const path = tempDir();
    const first = await open(path);
    const c = first.client.db('torn').collection('items');
    for (let i = 0; i < 5; i++) await c.insertOne({ _id: i as never, v: `item ${i}` });
    await first.client.close();
    await first.server.close();
    const journal = join(path, JOURNAL_FILE);
    truncateSync(journal, statSync(journal).size - 7); // cut the last record in the middle

    const second = await open(path);
    const ids = (await second.client.db('torn').collection('items').find().sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(ids).toEqual([0, 1, 2, 3]);
    await second.client.close();
  });

  it('refuses a second server on a data directory in use, naming the process', async () => {
    const path = tempDir();
    await open(path);
    await expect(startEmbeddedServer({ path })).rejects.toThrow(`${path} is in use by process ${process.pid}`);
  });

  it('takes over a lock left by a process that is gone', async () => {
    const path = tempDir();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(join(path, LOCK_FILE), String(dead.pid));
    const { client } = await open(path);
    await client.db('lock').collection('x').insertOne({ ok: true });
    expect(readFileSync(join(path, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    await client.close();
  });
});

describe('TTL indexes', () => {
  it('delete documents once their date is older than expireAfterSeconds', async () => {
    const server = await startEmbeddedServer({ path: null, ttlIntervalMs: 50 });
    servers.push(server);
    const client = await MongoClient.connect(server.uri);
    const c = client.db('ttl').collection('sessions');
    await c.createIndex({ lastSeenAt: 1 }, { expireAfterSeconds: 60 });
    await c.insertMany([
      { name: 'stale', lastSeenAt: new Date(Date.now() - 120_000) },
      { name: 'fresh', lastSeenAt: new Date() },
      { name: 'no date', lastSeenAt: 'yesterday' },
    ]);
    for (let i = 0; i < 40 && (await c.countDocuments()) === 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await c.find({}, { projection: { _id: 0, name: 1 } }).toArray()).map((d) => d.name)).toEqual(['fresh', 'no date']);
    await client.close();
  });
});
