/**
 * A local stand-in for the Messenger Send/Profile APIs and Zalo OA's send and token endpoints.
 * It records every message it receives, can be slowed down and made to fail with each send-error
 * class, and can sign and post webhooks to our server as the real platforms do.
 *
 *   npm run fake-platform -- --port 4000 [--latency 20] [--target http://127.0.0.1:3000]
 *   MESSENGER_GRAPH_URL=http://127.0.0.1:4000 ZALO_OA_API_URL=http://127.0.0.1:4000 ZALO_OAUTH_URL=http://127.0.0.1:4000 npm start
 *
 * Control endpoints: GET/DELETE /_log, POST /_inject {platform, errorClass, count}, POST /_latency {ms},
 * POST /_webhook/messenger {target, botId, appSecret, userId, text?|payload?, mid?, timestamp?},
 * POST /_webhook/zalo {target, botId, appId, secretKey, userId, text, msgId?, timestamp?}.
 */
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import express from 'express';
import { signMessengerBody } from '../src/channels/messenger/verify.js';
import { messengerEnvelope, PAGE_ID } from '../src/channels/messenger/fixtures.js';
import { zaloText } from '../src/channels/zalo-oa/fixtures.js';
import { signZaloBody } from '../src/channels/zalo-oa/verify.js';
import type { SendErrorClass } from '../src/domain/index.js';

export type FakePlatformName = 'messenger' | 'zalo';

export interface RecordedCall {
  readonly platform: FakePlatformName;
  readonly kind: 'message' | 'profile' | 'token';
  readonly at: string;
  /** Messenger: page token; Zalo: access_token header. */
  readonly token: string | undefined;
  readonly recipient: string | undefined;
  readonly body: unknown;
  /** The message id we answered with, or the error class we injected. */
  readonly result: string;
}

export interface InjectedErrors {
  readonly platform: FakePlatformName;
  readonly errorClass: SendErrorClass;
  readonly count: number;
}

export interface FakePlatformOptions {
  readonly port?: number;
  readonly latencyMs?: number;
  readonly errors?: readonly InjectedErrors[];
  /** Where `/_webhook/*` posts when the request names no `target`, e.g. http://127.0.0.1:3000. */
  readonly serverUrl?: string;
}

export interface FakePlatform {
  readonly url: string;
  log(platform?: FakePlatformName): RecordedCall[];
  clear(): void;
  inject(errors: InjectedErrors): void;
  setLatency(ms: number): void;
  /** Number of successful Zalo token refreshes. */
  readonly refreshes: number;
  close(): Promise<void>;
}

const MESSENGER_ERRORS: Record<SendErrorClass, [number, object]> = {
  retryable: [400, { error: { message: 'Calls to this api have exceeded the rate limit.', type: 'OAuthException', code: 613 } }],
  window_closed: [400, { error: { message: 'This message is sent outside of allowed window.', type: 'OAuthException', code: 10, error_subcode: 2018278 } }],
  unreachable: [400, { error: { message: "This person isn't available right now.", type: 'OAuthException', code: 551, error_subcode: 1545041 } }],
  auth: [400, { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463 } }],
  invalid: [400, { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } }],
  refused: [400, { error: { message: 'The recipient cannot receive messages at this time.', type: 'OAuthException', code: 100, error_subcode: 2300036 } }],
};
const ZALO_ERRORS: Record<SendErrorClass, { error: number; message: string }> = {
  retryable: { error: -32, message: 'Request exceeds rate limit' },
  window_closed: { error: -230, message: 'User has not interacted with the OA in the last 7 days' },
  unreachable: { error: -213, message: 'User has not followed the OA' },
  auth: { error: -216, message: 'Access token is invalid' },
  invalid: { error: -201, message: 'Parameters are invalid' },
  refused: { error: -211, message: 'Out of quota' },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the fake platform on 127.0.0.1 (port 0 = a free one). */
export async function startFakePlatform(options: FakePlatformOptions = {}): Promise<FakePlatform> {
  const calls: RecordedCall[] = [];
  const pending: Record<FakePlatformName, Array<{ errorClass: SendErrorClass; count: number }>> = { messenger: [], zalo: [] };
  let latency = options.latencyMs ?? 0;
  let seq = 0;
  let refreshes = 0;
  for (const e of options.errors ?? []) pending[e.platform].push({ errorClass: e.errorClass, count: e.count });

  const takeError = (platform: FakePlatformName): SendErrorClass | null => {
    const head = pending[platform][0];
    if (!head) return null;
    head.count--;
    if (head.count <= 0) pending[platform].shift();
    return head.errorClass;
  };
  const record = (c: Omit<RecordedCall, 'at'>) => calls.push({ ...c, at: new Date().toISOString() });

  const app = express();
  app.use(express.json({ limit: '2mb' }));
  app.use(express.urlencoded({ extended: false }));
  app.use(async (_req, _res, next) => {
    if (latency > 0) await sleep(latency);
    next();
  });

  // ---- Messenger Send API and Profile API
  app.post('/:version/me/messages', (req, res) => {
    const token = typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
    const recipient = (req.body as { recipient?: { id?: string } })?.recipient?.id;
    const injected = takeError('messenger');
    if (injected) {
      record({ platform: 'messenger', kind: 'message', token, recipient, body: req.body, result: injected });
      const [status, body] = MESSENGER_ERRORS[injected];
      res.status(status).json(body);
      return;
    }
    const mid = `m_fake_${++seq}`;
    record({ platform: 'messenger', kind: 'message', token, recipient, body: req.body, result: mid });
    res.json({ recipient_id: recipient, message_id: mid });
  });
  app.post('/:version/me/messenger_profile', (req, res) => {
    record({ platform: 'messenger', kind: 'profile', token: String(req.query.access_token ?? ''), recipient: undefined, body: req.body, result: 'success' });
    res.json({ result: 'success' });
  });

  // ---- Zalo OA send and OAuth
  app.post('/v3.0/oa/message/cs', (req, res) => {
    const token = req.header('access_token');
    const recipient = (req.body as { recipient?: { user_id?: string } })?.recipient?.user_id;
    const injected = takeError('zalo');
    if (injected) {
      record({ platform: 'zalo', kind: 'message', token, recipient, body: req.body, result: injected });
      res.json(ZALO_ERRORS[injected]);
      return;
    }
    const id = `z_fake_${++seq}`;
    record({ platform: 'zalo', kind: 'message', token, recipient, body: req.body, result: id });
    res.json({ error: 0, message: 'Success', data: { message_id: id, user_id: recipient } });
  });
  app.post('/v4/oa/access_token', (req, res) => {
    const body = req.body as Record<string, string>;
    const ok = Boolean(body.refresh_token && body.app_id && body.grant_type === 'refresh_token' && req.header('secret_key'));
    record({
      platform: 'zalo',
      kind: 'token',
      token: undefined,
      recipient: undefined,
      body: { app_id: body.app_id, grant_type: body.grant_type },
      result: ok ? 'refreshed' : 'refused',
    });
    if (!ok) {
      res.json({ error: -14014, error_name: 'invalid_request', error_description: 'missing parameters' });
      return;
    }
    refreshes++;
    res.json({ access_token: `zalo-access-fake-${refreshes}`, refresh_token: `zalo-refresh-fake-${refreshes}`, expires_in: '90000' });
  });

  // ---- control
  app.get('/_log', (req, res) => {
    const platform = req.query.platform;
    res.json(calls.filter((c) => !platform || c.platform === platform));
  });
  app.delete('/_log', (_req, res) => {
    calls.length = 0;
    res.status(204).end();
  });
  app.post('/_inject', (req, res) => {
    const { platform, errorClass, count } = req.body as InjectedErrors;
    pending[platform].push({ errorClass, count: Number(count ?? 1) });
    res.status(204).end();
  });
  app.post('/_latency', (req, res) => {
    latency = Number((req.body as { ms?: number }).ms ?? 0);
    res.status(204).end();
  });
  app.post('/_webhook/messenger', async (req, res) => {
    const b = req.body as {
      target?: string;
      botId: string;
      appSecret: string;
      userId: string;
      text?: string;
      payload?: string;
      mid?: string;
      timestamp?: number;
    };
    const target = b.target ?? options.serverUrl;
    if (!target) return void res.status(400).json({ error: 'give target (our server URL) or start with serverUrl' });
    const timestamp = b.timestamp ?? Date.now();
    const mid = b.mid ?? `m_in_${++seq}_${timestamp}`;
    const message = b.payload ? { mid, text: b.text ?? b.payload, quick_reply: { payload: b.payload } } : { mid, text: b.text ?? '' };
    const raw = JSON.stringify(messengerEnvelope([{ sender: { id: b.userId }, recipient: { id: PAGE_ID }, timestamp, message }]));
    res.json(await postSigned(`${target}/webhooks/messenger/${b.botId}`, raw, { 'X-Hub-Signature-256': signMessengerBody(raw, b.appSecret) }));
  });
  app.post('/_webhook/zalo', async (req, res) => {
    const b = req.body as {
      target?: string;
      botId: string;
      appId: string;
      secretKey: string;
      userId: string;
      text: string;
      msgId?: string;
      timestamp?: number;
    };
    const target = b.target ?? options.serverUrl;
    if (!target) return void res.status(400).json({ error: 'give target (our server URL) or start with serverUrl' });
    const raw = JSON.stringify({
      ...zaloText(b.userId, b.text, { ...(b.msgId ? { msgId: b.msgId } : {}), ...(b.timestamp ? { timestamp: b.timestamp } : {}) }),
      app_id: b.appId,
    });
    res.json(await postSigned(`${target}/webhooks/zalo/${b.botId}`, raw, { 'X-ZEvent-Signature': signZaloBody(b.appId, raw, b.secretKey) }));
  });

  const server = app.listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    log: (platform) => calls.filter((c) => !platform || c.platform === platform),
    clear: () => void (calls.length = 0),
    inject: (e) => void pending[e.platform].push({ errorClass: e.errorClass, count: e.count }),
    setLatency: (ms) => void (latency = ms),
    get refreshes() {
      return refreshes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function postSigned(url: string, raw: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: raw });
  return { status: res.status, body: await res.text() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const target = arg('target');
  const platform = await startFakePlatform({
    port: Number(arg('port') ?? 4000),
    latencyMs: Number(arg('latency') ?? 0),
    ...(target ? { serverUrl: target } : {}),
  });
  console.log(`fake platform listening on ${platform.url}`);
  console.log(`set MESSENGER_GRAPH_URL=${platform.url} ZALO_OA_API_URL=${platform.url} ZALO_OAUTH_URL=${platform.url}`);
}
