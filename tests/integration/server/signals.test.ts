import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../helpers/process.js';

/**
 * What a process manager or a container runtime does: SIGTERM to the one PID it started (`npm
 * start` or `npm run cli -- db serve`), or to the server's own PID. Signals go to exactly that PID,
 * never to the process group.
 */

type Npm = ChildProcessByStdio<null, Readable, Readable>;

interface Started {
  npm: Npm;
  output: () => string;
  exited: Promise<number | null>;
  dataDir: string;
}

const dirs: string[] = [];
const children: Npm[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs an npm script as a real process, the way an operator or a unit file does. */
function npmRun(args: string[], env: Record<string, string> = {}): Started {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-signal-'));
  dirs.push(dataDir);
  const { MONGODB_URI: _external, ...inherited } = process.env;
  const npm = spawn('npm', args, {
    cwd: projectRoot,
    env: {
      ...inherited,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: '0',
      EMBEDDED_DB_PATH: dataDir,
      SCHEDULER_ENABLED: 'false',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(npm);
  let out = '';
  npm.stdout.on('data', (d) => (out += String(d)));
  npm.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
  return { npm, output: () => out, exited, dataDir };
}

async function waitFor<T>(what: string, started: Started, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen:\n${started.output()}`);
}

/** The server's own PID: the one written into the data directory's lock. */
function lockPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(path.join(dataDir, 'mongod.lock'), 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the server process is gone and its lock is released; the port must refuse connections. */
async function expectStopped(started: Started, serverPid: number, url: string): Promise<void> {
  await waitFor(
    'the lock release and the server exit',
    started,
    () => (!fs.existsSync(path.join(started.dataDir, 'mongod.lock')) && !alive(serverPid) ? true : undefined),
    20_000,
  );
  await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  expect(fs.existsSync(path.join(started.dataDir, 'mongodb.sock'))).toBe(false);
}

async function startNpmStart(): Promise<{ started: Started; url: string; serverPid: number }> {
  const started = npmRun(['start']);
  const url = await waitFor('"Listening on"', started, () => /Listening on (http:\/\/\S+)/.exec(started.output())?.[1]);
  const serverPid = (await waitFor('the lock', started, () => lockPid(started.dataDir)))!;
  expect(serverPid).not.toBe(started.npm.pid);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  return { started, url, serverPid };
}

describe('npm start stops on the signal a process manager sends', () => {
  it('SIGTERM to the npm process itself shuts the server down and releases the data directory', async () => {
    const { started, url, serverPid } = await startNpmStart();
    process.kill(started.npm.pid!, 'SIGTERM');
    await expectStopped(started, serverPid, url);
    await started.exited;
  }, 120_000);

  it("SIGTERM to the server's own PID does the same, and npm exits with it", async () => {
    const { started, url, serverPid } = await startNpmStart();
    process.kill(serverPid, 'SIGTERM');
    await expectStopped(started, serverPid, url);
    expect(await started.exited).toBe(0);
  }, 120_000);

  it('the server stops by itself when npm is killed outright (SIGKILL cannot be passed on)', async () => {
    const { started, url, serverPid } = await startNpmStart();
    process.kill(started.npm.pid!, 'SIGKILL');
    await expectStopped(started, serverPid, url);
  }, 120_000);
});

describe('npm run cli -- db serve', () => {
  it('refuses a client without the password, and stops on SIGTERM to the npm PID or to its own PID', async () => {
    for (const target of ['npm', 'server'] as const) {
      // --path defaults to EMBEDDED_DB_PATH, the temp directory here.
      const started = npmRun(['run', 'cli', '--', 'db', 'serve', '--port', '0']);
      const uri = await waitFor('the printed URI', started, () => /tcp: +(mongodb:\/\/\S+)/.exec(started.output())?.[1]);
      const serverPid = (await waitFor('the lock', started, () => lockPid(started.dataDir)))!;
      const port = Number(/@127\.0\.0\.1:(\d+)\//.exec(uri)![1]);

      const anonymous = await MongoClient.connect(`mongodb://127.0.0.1:${port}/`);
      await expect(anonymous.db('cds_bot').collection('participants').findOne({})).rejects.toMatchObject({ code: 13 });
      await anonymous.close();
      const owner = await MongoClient.connect(uri);
      await owner.db('cds_bot').collection('participants').insertOne({ displayName: 'An' });
      await owner.close();

      process.kill(target === 'npm' ? started.npm.pid! : serverPid, 'SIGTERM');
      await waitFor(
        'the lock release',
        started,
        () => (!fs.existsSync(path.join(started.dataDir, 'mongod.lock')) && !alive(serverPid) ? true : undefined),
        20_000,
      );
      await expect(MongoClient.connect(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 500 })).rejects.toThrow();
      await started.exited;
    }
  }, 120_000);
});
