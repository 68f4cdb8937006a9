import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startRuntime } from '../../../src/runtime.js';
import { openTestDb } from '../../helpers/db.js';
import { projectRoot, spawnTs, tsCommand } from '../../helpers/process.js';

interface Child {
  proc: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

/** The test process's environment without MONGODB_URI: these tests are about the embedded default. */
function childEnv(): NodeJS.ProcessEnv {
  const { MONGODB_URI: _ignored, ...inherited } = process.env;
  return { ...inherited, NODE_ENV: 'test' };
}

/** Runs `npm start`'s entry point as a real process, with only the variables given (no MONGODB_URI). */
function startServer(env: Record<string, string>): Child {
  const proc = spawnTs('src/main.ts', [], {
    env: { ...childEnv(), LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams;
  let out = '';
  proc.stdout.on('data', (d) => (out += String(d)));
  proc.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

async function waitForUrl(child: Child, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /Listening on (http:\/\/\S+)/.exec(child.output());
    if (m) return m[1]!;
    if (child.proc.exitCode !== null) throw new Error(`server exited early:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not print its URL:\n${child.output()}`);
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('npm start', () => {
  it('stops at start-up with a message naming a wrong variable', async () => {
    const child = startServer({ PORT: 'abc' });
    expect(await child.exited).toBe(1);
    expect(child.output()).toContain('PORT: must be a number (got "abc")');
  });

  it('runs on the embedded database with no configuration, answers /healthz, and keeps data across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-start-'));
    dirs.push(dataDir);

    const first = startServer({ EMBEDDED_DB_PATH: dataDir });
    const url = await waitForUrl(first);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Anyone sees the bare status; the checks (with the database's address) are for admins.
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready' });
    // The in-process database is a Unix socket in the data directory, not a TCP port.
    const uri = `mongodb://${encodeURIComponent(path.join(dataDir, 'mongodb.sock'))}`;
    const client = await MongoClient.connect(uri);
    await client.db('cds_bot').collection('restart_probe').insertOne({ note: 'survives a restart', at: new Date() });
    await client.close();

    // A CLI command on the same data directory joins the running server instead of failing on its lock.
    const exportDir = path.join(dataDir, 'export');
    const cli = spawnSync(...tsCommand('src/cli.ts', ['db', 'export', exportDir]), {
      cwd: projectRoot,
      env: { ...childEnv(), EMBEDDED_DB_PATH: dataDir, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(cli.stderr).not.toMatch(/in use by process/);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('restart_probe: 1');

    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = startServer({ EMBEDDED_DB_PATH: dataDir });
    const url2 = await waitForUrl(second);
    expect((await fetch(`${url2}/readyz`)).status).toBe(200);
    const client2 = await MongoClient.connect(uri);
    const found = await client2.db('cds_bot').collection('restart_probe').findOne({ note: 'survives a restart' });
    await client2.close();
    expect(found).not.toBeNull();

    second.proc.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 120_000);
});

describe('graceful shutdown', () => {
  it('lets a slow request in flight finish, then stops everything within the timeout', async () => {
    const db = await openTestDb('life');
    const slow = express.Router();
    slow.get('/slow', (_req, res) => {
      setTimeout(() => res.json({ finished: true }), 800);
    });
    const runtime = await startRuntime(db.config({ HOST: '127.0.0.1', PORT: '0', CONTENT_SYNC_ON_START: 'false' }), {
      extraRoutes: [{ path: '/test', router: slow }],
    });
    const pending = fetch(`${runtime.url}/test/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((r) => setTimeout(r, 150));
    const started = Date.now();
    await runtime.stop();
    expect(await pending).toEqual({ status: 200, body: { finished: true } });
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(fetch(`${runtime.url}/healthz`)).rejects.toThrow();
    await db.close();
  });
});
