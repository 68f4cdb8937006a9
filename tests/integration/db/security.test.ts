import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot, tsCommand } from '../../helpers/process.js';
import { PASSWORD_FILE, startEmbeddedServer, type EmbeddedServer } from '../../../src/db/embedded/index.js';
import { OP_MSG } from '../../../src/db/embedded/wire.js';

const dirs: string[] = [];
const servers: EmbeddedServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cds-sec-'));
  dirs.push(dir);
  return dir;
}

async function start(options: Parameters<typeof startEmbeddedServer>[0]): Promise<EmbeddedServer> {
  const server = await startEmbeddedServer(options);
  servers.push(server);
  return server;
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;

/** The addresses of every listening server in this process (a string is a Unix socket path). */
function listeningAddresses(): Array<string | net.AddressInfo | null> {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h): h is net.Server => h instanceof net.Server && h.listening).map((s) => s.address());
}

describe('who can reach the embedded database', () => {
  it('serves the in-process use on a 0600 Unix socket only, never on a TCP port', async () => {
    const before = listeningAddresses().length;
    const server = await start({ path: null });
    const added = listeningAddresses().slice(before);
    expect(added).toEqual([server.socketPath]);
    expect(server.tcp).toBeNull();
    expect(server.uri).toBe(`mongodb://${encodeURIComponent(server.socketPath)}`);
    expect(mode(server.socketPath)).toBe(0o600);
    expect(mode(path.dirname(server.socketPath))).toBe(0o700);
    const client = await MongoClient.connect(server.uri);
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
    await client.close();
  });

  it('creates the data directory 0700 and every file in it 0600, and tightens those an older version left open', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'journal.bin'), '');
    fs.chmodSync(path.join(dir, 'journal.bin'), 0o644);
    fs.writeFileSync(path.join(dir, 'server.uri'), 'mongodb://127.0.0.1:1\n', { mode: 0o644 });
    const server = await start({ path: dir, port: 0 });
    expect(mode(dir)).toBe(0o700);
    for (const file of ['journal.bin', 'snapshot.bin', 'mongod.lock', PASSWORD_FILE, 'server.uri', 'mongodb.sock']) {
      expect([file, mode(path.join(dir, file))]).toEqual([file, 0o600]);
    }
    expect(server.socketPath).toBe(path.join(dir, 'mongodb.sock'));
    await server.close();
  });

  it('keeps another local account off the socket (checked as user nobody when the tests run as root)', async () => {
    const server = await start({ path: null });
    const probe = `require('net').connect(${JSON.stringify(server.socketPath)}).on('connect', () => { console.log('connected'); process.exit(0) }).on('error', (e) => { console.log(e.code); process.exit(0) })`;
    if (process.getuid?.() === 0) {
      const other = spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, cwd: '/', encoding: 'utf8' });
      expect(other.stdout.trim()).toBe('EACCES');
    }
    const owner = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    expect(owner.stdout.trim()).toBe('connected');
  });
});

describe('TCP needs a password (db serve, EMBEDDED_DB_PORT)', () => {
  it('lets a client without credentials say hello and ping, and refuses everything else with Unauthorized (13)', async () => {
    const server = await start({ path: tempDir(), port: 0 });
    const tcp = server.tcp!;
    const seed = await MongoClient.connect(server.uri);
    await seed.db('cds_bot').collection('adminusers').insertOne({ email: 'admin@example.org', passwordHash: 'scrypt$secret' });
    await seed.close();

    const anonymous = await MongoClient.connect(`mongodb://127.0.0.1:${tcp.port}/`, { serverSelectionTimeoutMS: 3000 });
    expect((await anonymous.db('admin').command({ ping: 1 })).ok).toBe(1);
    const read = anonymous.db('cds_bot').collection('adminusers').find().toArray();
    await expect(read).rejects.toMatchObject({ code: 13, codeName: 'Unauthorized' });
    await expect(anonymous.db('cds_bot').collection('apitokens').insertOne({ role: 'admin' })).rejects.toBeInstanceOf(MongoServerError);
    await expect(anonymous.db('admin').command({ listDatabases: 1 })).rejects.toMatchObject({ code: 13 });
    await anonymous.close();

    const wrong = new MongoClient(`mongodb://owner:not-the-password@127.0.0.1:${tcp.port}/?authSource=admin`, { serverSelectionTimeoutMS: 3000 });
    await expect(wrong.connect()).rejects.toThrow(/Authentication failed/);
    await wrong.close();

    const owner = await MongoClient.connect(tcp.uri);
    expect(await owner.db('cds_bot').collection('adminusers').countDocuments()).toBe(1);
    await owner.close();
    // The password is kept for the next start, readable by the owner only.
    expect(fs.readFileSync(path.join(path.dirname(server.socketPath), PASSWORD_FILE), 'utf8').trim()).toBe(tcp.password);
  });

  it('shows the password again with "db password", and only from the data directory', async () => {
    const dir = tempDir();
    const server = await start({ path: dir, port: 0 });
    const shown = spawnSync(...tsCommand('src/cli.ts', ['db', 'password', '--path', dir, '--port', String(server.tcp!.port)]), {
      cwd: projectRoot,
      env: { ...process.env, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(`password: ${server.tcp!.password}`);
    expect(shown.stdout).toContain(`uri:      ${server.tcp!.uri}`);
    const none = spawnSync(...tsCommand('src/cli.ts', ['db', 'password', '--path', tempDir()]), { cwd: projectRoot, encoding: 'utf8' });
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/no password in .* yet/);
  });

  it('authenticates with the same password after a restart', async () => {
    const dir = tempDir();
    const first = await start({ path: dir, port: 0 });
    const password = first.tcp!.password;
    expect(first.tcp!.passwordCreated).toBe(true);
    await first.close();
    const second = await start({ path: dir, port: 0 });
    expect(second.tcp!.password).toBe(password);
    expect(second.tcp!.passwordCreated).toBe(false);
    const client = await MongoClient.connect(second.tcp!.uri);
    expect((await client.db('x').command({ ping: 1 })).ok).toBe(1);
    await client.close();
  });
});

/** Sends raw bytes on a new connection and resolves with what happened. */
function rawConnection(socketPath: string) {
  const socket = net.connect(socketPath);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  return { socket, closed, connected: new Promise<void>((resolve) => socket.once('connect', () => resolve())) };
}

describe('one client cannot freeze the server', () => {
  it('closes a connection announcing a 64 MB message after its header, before reading the body, and keeps serving the others', async () => {
    const server = await start({ path: null });
    const client = await MongoClient.connect(server.uri);
    const raw = rawConnection(server.socketPath);
    await raw.connected;
    const header = Buffer.alloc(16);
    header.writeInt32LE(64 * 1024 * 1024, 0);
    header.writeInt32LE(1, 4);
    header.writeInt32LE(OP_MSG, 12);
    raw.socket.write(header);
    // The server hangs up on the header alone: not one byte of the 64 MB body is ever sent.
    await raw.closed;
    expect(raw.socket.bytesWritten).toBe(16);
    expect((await client.db('admin').command({ ping: 1 })).ok).toBe(1);
    await client.close();
  });

  it('answers a catastrophic $regex (^(a+)+$ on 5,000 a’s and a !) at once while another client pings', async () => {
    const server = await start({ path: null });
    const client = await MongoClient.connect(server.uri);
    const other = await MongoClient.connect(server.uri);
    const coll = client.db('rx').collection('names');
    await coll.insertMany([{ s: `${'a'.repeat(5000)}!` }, { s: 'aaaa' }]);
    // Backtracking would need 2^5000 steps: this find could never return; linear matching returns now.
    const [found, ping] = await Promise.all([coll.find({ s: { $regex: '^(a+)+$' } }).toArray(), other.db('admin').command({ ping: 1 })]);
    expect(found.map((d) => d.s)).toEqual(['aaaa']);
    expect(ping.ok).toBe(1);
    const viaAggregate = await coll.aggregate([{ $match: { s: /^(a|aa)+$/ } }, { $project: { _id: 0, s: 1 } }]).toArray();
    expect(viaAggregate).toEqual([{ s: 'aaaa' }]);
    await expect(coll.find({ s: { $regex: '(?=a)' } }).toArray()).rejects.toMatchObject({ code: 51091 });
    await client.close();
    await other.close();
  });
});
