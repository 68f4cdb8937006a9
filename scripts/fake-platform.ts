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
 *
 * The paths outside the platform windows (docs/reach.md) are modelled too:
 * - Messenger's Marketing Message API, `POST /:version/act_<ad account>/messages`: it knows the
 *   subscription tokens it issued, refuses a stopped one (2300034), an expired one (2300037), an
 *   unknown one (2300004) and a second message within 12 hours (2300035);
 * - POST /_webhook/messenger-optin {target, botId, appSecret, userId, token, status: opt_in|stop|resume,
 *   title?, expiresAt?}: a signed `messaging_optins` webhook, and the token registered;
 * - POST /_optin {token, status?, expiresAt?, lastSentAt?, psid?}: Meta changes (or, with psid, issues) a token without telling us;
 * - POST /_messenger {optInMinGapMs?}: the 12-hour rule, shortened for demos;
 * - Zalo OA promotion messages, `POST /v3.0/oa/message/promotion`: -213 to a non-follower and -211
 *   past the day's quota; POST /_zalo {promotionQuota?, followers?} sets them (null = no limit).
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
  /** `optin_request`: a Send API message carrying the opt-in template; `marketing`: Marketing Message API; `promotion`: Zalo. */
  readonly kind: 'message' | 'profile' | 'token' | 'optin_request' | 'marketing' | 'promotion';
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

/** A Messenger subscription token as the fake holds it. */
export interface FakeToken {
  readonly psid: string;
  status: 'active' | 'stopped';
  /** Milliseconds; null = does not expire. */
  expiresAt: number | null;
  lastSentAt: number | null;
}

export interface FakeOptIn {
  readonly target?: string;
  readonly botId: string;
  readonly appSecret: string;
  readonly userId: string;
  readonly token: string;
  readonly status?: 'opt_in' | 'stop' | 'resume';
  readonly title?: string;
  /** Milliseconds (a legacy token's expiry). */
  readonly expiresAt?: number;
  readonly timestamp?: number;
}

export interface FakeZaloSettings {
  /** Promotion messages accepted in total; null = no limit. */
  readonly promotionQuota?: number | null;
  /** Followers of the OA (promotion messages go only to them); null = everyone follows. */
  readonly followers?: readonly string[] | null;
}

export interface FakePlatform {
  readonly url: string;
  log(platform?: FakePlatformName): RecordedCall[];
  clear(): void;
  inject(errors: InjectedErrors): void;
  setLatency(ms: number): void;
  /** Posts a signed opt-in (or stop, resume) webhook to our server and registers the token. */
  optIn(o: FakeOptIn): Promise<{ status: number; body: string }>;
  /** Changes a token on Meta's side without a webhook (it expired, the person stopped elsewhere); with `psid`, issues it. */
  setToken(token: string, change: Partial<FakeToken>): void;
  setMessenger(settings: { optInMinGapMs?: number }): void;
  setZalo(settings: FakeZaloSettings): void;
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
    const template = (req.body as { message?: { attachment?: { payload?: { template_type?: string } } } })?.message?.attachment?.payload?.template_type;
    record({ platform: 'messenger', kind: template === 'notification_messages' ? 'optin_request' : 'message', token, recipient, body: req.body, result: mid });
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

  const reach = addReachRoutes(app, { record, nextId: () => ++seq, serverUrl: options.serverUrl, takeError });

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
    optIn: (o) => reach.optIn(o),
    setToken: (token, change) => reach.setToken(token, change),
    setMessenger: (settings) => void (settings.optInMinGapMs !== undefined && (reach.state.optInMinGapMs = settings.optInMinGapMs)),
    setZalo: (settings) => reach.setZalo(settings),
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

/** What the reach routes share with the rest of the fake. */
interface ReachRouteDeps {
  readonly record: (c: Omit<RecordedCall, 'at'>) => void;
  readonly nextId: () => number;
  readonly serverUrl: string | undefined;
  readonly takeError: (platform: FakePlatformName) => SendErrorClass | null;
}

/** Marketing Message API errors as Meta answers them (subcode in the Graph error envelope). */
const marketingError = (subcode: number, message: string) => ({ error: { message, type: 'OAuthException', code: 100, error_subcode: subcode } });

/**
 * The paths outside the platform windows: Meta's subscription tokens and Marketing Message API with
 * its 12-hour rule, the opt-in webhook, Zalo's promotion messages with followers and a quota.
 */
function addReachRoutes(app: express.Express, deps: ReachRouteDeps) {
  const tokens = new Map<string, FakeToken>();
  const state = { optInMinGapMs: 12 * 3600_000, promotionQuota: null as number | null, promotionUsed: 0, followers: null as Set<string> | null };

  app.post('/:version/act_:ad/messages', (req, res) => {
    const body = req.body as { message_id?: string; messenger_delivery_data?: { subscription_token?: string }; message?: unknown };
    const tokenId = body?.messenger_delivery_data?.subscription_token;
    const bearer = req.header('authorization');
    const t = tokenId ? tokens.get(tokenId) : undefined;
    const now = Date.now();
    const refuse = (status: number, err: object, result: string) => {
      deps.record({ platform: 'messenger', kind: 'marketing', token: bearer, recipient: t?.psid, body: req.body, result });
      res.status(status).json(err);
    };
    if (!body?.message_id || !tokenId || !body.message) return refuse(400, marketingError(2300005, 'Invalid parameter'), 'invalid');
    if (deps.takeError('messenger')) return refuse(400, marketingError(2300036, 'The recipient cannot receive messages at this time.'), 'refused');
    if (!t) return refuse(400, marketingError(2300004, 'The subscription token you passed in could not be loaded'), '2300004');
    if (t.status === 'stopped') return refuse(400, marketingError(2300034, 'The subscriber has stopped marketing messages subscription.'), '2300034');
    if (t.expiresAt !== null && t.expiresAt <= now) return refuse(400, marketingError(2300037, 'The subscription token has expired'), '2300037');
    if (t.lastSentAt !== null && now - t.lastSentAt < state.optInMinGapMs) {
      return refuse(400, marketingError(2300035, 'The minimum delay between messages has not been reached.'), '2300035');
    }
    t.lastSentAt = now;
    const tracking = `mm_fake_${deps.nextId()}`;
    deps.record({ platform: 'messenger', kind: 'marketing', token: bearer, recipient: t.psid, body: req.body, result: tracking });
    res.json({ success: true, marketing_message_tracking_id: tracking });
  });

  app.post('/v3.0/oa/message/promotion', (req, res) => {
    const token = req.header('access_token');
    const recipient = (req.body as { recipient?: { user_id?: string } })?.recipient?.user_id;
    const answer = (result: string, json: object) => {
      deps.record({ platform: 'zalo', kind: 'promotion', token, recipient, body: req.body, result });
      res.json(json);
    };
    if (state.followers && (!recipient || !state.followers.has(recipient))) return answer('-213', { error: -213, message: 'User has not followed OA' });
    if (state.promotionQuota !== null && state.promotionUsed >= state.promotionQuota) return answer('-211', { error: -211, message: 'Out of quota' });
    state.promotionUsed++;
    const id = `zp_fake_${deps.nextId()}`;
    answer(id, { error: 0, message: 'Success', data: { message_id: id, user_id: recipient } });
  });

  async function optIn(o: FakeOptIn): Promise<{ status: number; body: string }> {
    const status = o.status ?? 'opt_in';
    const existing = tokens.get(o.token);
    if (status === 'opt_in' || !existing)
      tokens.set(o.token, { psid: o.userId, status: status === 'stop' ? 'stopped' : 'active', expiresAt: o.expiresAt ?? null, lastSentAt: null });
    else existing.status = status === 'stop' ? 'stopped' : 'active';
    const target = o.target ?? deps.serverUrl;
    if (!target) throw new Error('give target (our server URL) or start with serverUrl');
    const optin = {
      type: 'notification_messages',
      payload: 'OPTIN',
      notification_messages_token: o.token,
      notification_messages_timezone: 'Asia/Ho_Chi_Minh',
      ...(o.title ? { title: o.title } : {}),
      ...(o.expiresAt ? { token_expiry_timestamp: o.expiresAt } : {}),
      ...(status === 'stop'
        ? { notification_messages_status: 'STOP NOTIFICATIONS' }
        : status === 'resume'
          ? { notification_messages_status: 'RESUME NOTIFICATIONS' }
          : {}),
    };
    const raw = JSON.stringify(messengerEnvelope([{ sender: { id: o.userId }, recipient: { id: PAGE_ID }, timestamp: o.timestamp ?? Date.now(), optin }]));
    return postSigned(`${target}/webhooks/messenger/${o.botId}`, raw, { 'X-Hub-Signature-256': signMessengerBody(raw, o.appSecret) });
  }

  /** Changes a token; with `psid`, creates it if Meta issued it without us seeing the webhook (a test's set-up). */
  function setToken(token: string, change: Partial<FakeToken>): void {
    const t = tokens.get(token);
    if (t) Object.assign(t, change);
    else if (change.psid) tokens.set(token, { status: 'active', expiresAt: null, lastSentAt: null, ...change, psid: change.psid });
  }

  function setZalo(settings: FakeZaloSettings): void {
    if (settings.promotionQuota !== undefined) {
      state.promotionQuota = settings.promotionQuota;
      state.promotionUsed = 0;
    }
    if (settings.followers !== undefined) state.followers = settings.followers ? new Set(settings.followers) : null;
  }

  app.post('/_webhook/messenger-optin', async (req, res) => {
    try {
      res.json(await optIn(req.body as FakeOptIn));
    } catch (err) {
      res.status(400).json({ error: (err as Error).message });
    }
  });
  app.post('/_optin', (req, res) => {
    const { token, ...change } = req.body as { token: string } & Partial<FakeToken>;
    setToken(token, change);
    res.status(204).end();
  });
  app.post('/_messenger', (req, res) => {
    const ms = (req.body as { optInMinGapMs?: number }).optInMinGapMs;
    if (ms !== undefined) state.optInMinGapMs = Number(ms);
    res.status(204).end();
  });
  app.post('/_zalo', (req, res) => {
    setZalo(req.body as FakeZaloSettings);
    res.status(204).end();
  });
  return { state, optIn, setToken, setZalo };
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
