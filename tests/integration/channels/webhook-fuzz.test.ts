import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topLevelScalar } from '../../../src/channels/json-scan.js';
import { messengerFixtures, messengerText } from '../../../src/channels/messenger/fixtures.js';
import { signMessengerBody } from '../../../src/channels/messenger/verify.js';
import { APP_ID, zaloFixtures, zaloText } from '../../../src/channels/zalo-oa/fixtures.js';
import { zaloMac } from '../../../src/channels/zalo-oa/verify.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { channelEnv, testBot } from '../../fixtures/channels/bots.js';
import { startChannelsApp, type ChannelsApp } from '../../fixtures/channels/harness.js';

/**
 * Fuzzes both webhook routes with a fixed seed: random bytes, mutated real bodies, deep nesting,
 * huge strings and wrong types, each posted unsigned (or wrongly signed) and signed. Whatever comes
 * in, the server answers below 500, keeps answering, and stores nothing that was not signed.
 */

let db: TestDb;
let app: ChannelsApp;

beforeAll(async () => {
  db = await openTestDb('whfuzz');
  app = await startChannelsApp({ config: db.config(channelEnv('demo')), models: db.models, bots: [testBot('demo')], startWorker: false });
});
afterAll(async () => {
  await app?.close();
  await db?.close();
});

/** mulberry32: a small seeded generator, so a failure is the same on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}
type Rng = ReturnType<typeof rng>;

const SEEDS: Record<'messenger' | 'zalo', readonly unknown[]> = {
  messenger: [
    messengerText('f1', 'Xin chào'),
    messengerFixtures.postback,
    messengerFixtures.quickReply,
    messengerFixtures.delivery,
    messengerFixtures.read,
    messengerFixtures.batch,
  ],
  zalo: [zaloText('f2', 'Câu hỏi hôm nay'), zaloFixtures.follow, zaloFixtures.chatNow, zaloFixtures.received, zaloFixtures.seen, zaloFixtures.image],
};

const WEIRD_VALUES: readonly unknown[] = [null, true, 0, -1, 1e300, -1e300, '', 'x'.repeat(100_000), [], {}, [[[]]], { id: {} }, '\u0000\uFFFF\uD800', '1e300'];

/** Replaces one value somewhere in a JSON value with something of another type. */
function mutateValue(r: Rng, v: unknown): unknown {
  if (Array.isArray(v)) {
    if (v.length === 0 || r.int(4) === 0) return r.pick(WEIRD_VALUES);
    const copy = [...v];
    const i = r.int(copy.length);
    copy[i] = mutateValue(r, copy[i]);
    return copy;
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0 || r.int(5) === 0) return r.pick(WEIRD_VALUES);
    const k = r.pick(keys);
    return { ...(v as object), [k]: mutateValue(r, (v as Record<string, unknown>)[k]) };
  }
  return r.pick(WEIRD_VALUES);
}

function nestedBody(r: Rng): string {
  const depth = 50 + r.int(20_000);
  const open = r.int(2) ? '[' : '{"a":';
  const close = open === '[' ? ']' : '}';
  return `{"timestamp":"${Date.now()}","object":"page","entry":${open.repeat(depth)}1${close.repeat(depth)}}`;
}

function mutateBytes(r: Rng, raw: string): string {
  const bytes = Buffer.from(raw);
  const edits = 1 + r.int(8);
  for (let i = 0; i < edits && bytes.length; i++) bytes[r.int(bytes.length)] = r.int(256);
  const cut = r.int(3) === 0 ? r.int(bytes.length) : bytes.length;
  return bytes.subarray(0, cut).toString('latin1');
}

/** One body of one kind; `latin1` keeps random bytes as they are. */
function fuzzBody(r: Rng, platform: 'messenger' | 'zalo'): string {
  const seed = r.pick(SEEDS[platform]);
  switch (r.int(5)) {
    case 0:
      return Buffer.from(Array.from({ length: r.int(2000) }, () => r.int(256))).toString('latin1');
    case 1:
      return mutateBytes(r, JSON.stringify(seed));
    case 2:
      return nestedBody(r);
    case 3:
      return JSON.stringify({ ...(seed as object), pad: 'ă'.repeat(r.int(300_000)) });
    default:
      return JSON.stringify(mutateValue(r, seed));
  }
}

function sign(platform: 'messenger' | 'zalo', raw: Buffer, secret: string): Record<string, string> {
  if (platform === 'messenger') return { 'X-Hub-Signature-256': signMessengerBody(raw, secret) };
  return { 'X-ZEvent-Signature': `mac=${zaloMac(APP_ID, raw, topLevelScalar(raw, 'timestamp') ?? '', secret)}` };
}

async function post(platform: 'messenger' | 'zalo', raw: Buffer, headers: Record<string, string>): Promise<number> {
  const res = await fetch(`${app.url}/webhooks/${platform}/demo`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: new Uint8Array(raw),
  });
  await res.arrayBuffer();
  return res.status;
}

const CASES = 150;

describe('webhook fuzzing (fixed seed)', () => {
  for (const platform of ['messenger', 'zalo'] as const) {
    it(`${platform}: ${CASES} random and mutated bodies, unsigned and signed, never a 5xx and nothing unsigned stored`, async () => {
      const r = rng(platform === 'messenger' ? 0x5eed17 : 0x2a10a);
      const secret = platform === 'messenger' ? 'app-secret-1' : 'zalo-secret-1';
      const statuses = new Map<number, number>();
      const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
      for (let i = 0; i < CASES; i++) {
        const raw = Buffer.from(fuzzBody(r, platform), 'latin1');
        const before = await db.models.InboxEvent.estimatedDocumentCount();
        const unsigned = await post(platform, raw, r.int(2) ? sign(platform, raw, 'wrong-secret') : {});
        expect([403, 413], `unsigned case ${i}`).toContain(unsigned);
        expect(await db.models.InboxEvent.estimatedDocumentCount(), `unsigned case ${i} stored something`).toBe(before);
        const signed = await post(platform, raw, sign(platform, raw, secret));
        expect(signed, `signed case ${i}: ${raw.subarray(0, 120).toString('latin1')}`).toBeLessThan(500);
        count(signed);
      }
      // The mix reached every branch: refused, rejected as malformed or too deep, and accepted.
      expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400]));
      const health = await fetch(`${app.url}/healthz`);
      expect(health.status).toBe(200);
    }, 120_000);
  }
});
