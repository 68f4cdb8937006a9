import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Channels } from '../../../src/channels/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { testChannels } from '../../fixtures/channels/harness.js';
import { channelEnv } from '../../fixtures/channels/bots.js';

const API = 'https://openapi.zalo.test';
const OAUTH = 'https://oauth.zalo.test';

let db: TestDb;
let channels: Channels;
/** A second instance on the same database: another process, as far as the lock can tell. */
let other: Channels;

beforeAll(async () => {
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  db = await openTestDb('chzalo');
  const config = db.config({ ...channelEnv('demo', { zaloApi: API, zaloOauth: OAUTH }), SEND_RATE_ZALO_OA_PER_S: '1000' });
  // Two instances on one database stand for two server processes.
  channels = testChannels(config, db.models, { handler: async () => [] });
  other = testChannels(config, db.models, { handler: async () => [] });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await channels?.worker.stop();
  await db?.close();
});

const to = (userId: string) => ({ bot: 'demo', channel: 'zalo_oa' as const, userId });

describe('Zalo OA tokens', () => {
  it('20 concurrent sends from two processes with an expired token refresh it exactly once, store both new tokens and all get through', async () => {
    let refreshCalls = 0;
    const refreshBodies: string[] = [];
    nock(OAUTH)
      .post('/v4/oa/access_token', (body) => (refreshBodies.push(new URLSearchParams(body as string).toString()), true))
      .matchHeader('secret_key', 'zalo-secret-1')
      .times(5)
      .delay(100)
      .reply(200, () => {
        refreshCalls++;
        return { access_token: 'zalo-access-2', refresh_token: 'zalo-refresh-2', expires_in: '90000' };
      });
    nock(API)
      .post('/v3.0/oa/message/cs')
      .times(60)
      .reply(function () {
        const token = this.req.headers['access_token'];
        return token === 'zalo-access-2'
          ? [200, { error: 0, message: 'Success', data: { message_id: 'z1' } }]
          : [200, { error: -216, message: 'Access token is invalid' }];
      });

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? other : channels).send(to(`u${i}`), { text: 'Nhắc nhở' }, { purpose: 'update' })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(refreshCalls).toBe(1);
    const params = new URLSearchParams(refreshBodies[0]);
    expect(Object.fromEntries(params)).toEqual({ refresh_token: 'zalo-refresh-1', app_id: '4300000000000000001', grant_type: 'refresh_token' });
    const stored = await db.models.ChannelCredential.findById('demo:zalo_oa').lean();
    expect(stored).toMatchObject({ accessToken: 'zalo-access-2', refreshToken: 'zalo-refresh-2' });
    expect(stored!.accessExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);
  });

  it('a refused refresh leaves the send failed as auth and keeps the stored pair', async () => {
    await channels.zaloTokens.store('demo', { accessToken: 'zalo-access-3', refreshToken: 'zalo-refresh-3' });
    nock(OAUTH).post('/v4/oa/access_token').reply(200, { error: -14014, error_name: 'invalid_grant', error_description: 'refresh token expired' });
    nock(API).post('/v3.0/oa/message/cs').reply(200, { error: -220, message: 'Access token has expired' });
    const r = await channels.send(to('u1'), { text: 'x' }, { purpose: 'update' });
    expect(r).toMatchObject({ ok: false, errorClass: 'auth', code: '-220' });
    expect(await db.models.ChannelCredential.findById('demo:zalo_oa').lean()).toMatchObject({ refreshToken: 'zalo-refresh-3' });
  });

  it('refreshZaloTokens refreshes a token that expires soon', async () => {
    await db.models.ChannelCredential.updateOne({ _id: 'demo:zalo_oa' }, { $set: { accessExpiresAt: new Date(Date.now() + 60_000) } });
    const scope = nock(OAUTH).post('/v4/oa/access_token').reply(200, { access_token: 'zalo-access-4', refresh_token: 'zalo-refresh-4', expires_in: 90000 });
    await channels.refreshZaloTokens();
    expect(scope.isDone()).toBe(true);
    expect(await db.models.ChannelCredential.findById('demo:zalo_oa').lean()).toMatchObject({ accessToken: 'zalo-access-4', refreshToken: 'zalo-refresh-4' });
    // Not due: no call.
    await channels.refreshZaloTokens();
  });
});
