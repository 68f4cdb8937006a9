import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { BotConfig } from '../content/index.js';
import type { Logger } from '../log/index.js';
import { ForbiddenError, InvalidError, TooLargeError, UnsupportedError, type Clock, type InboundEvent } from '../domain/index.js';
import { withPlausibleTimes } from './event-time.js';
import type { InboxStore } from './inbox/store.js';
import { nestsDeeperThan } from './json-scan.js';
import type { ChannelMetrics } from './metrics.js';
import type { MessengerChannel } from './messenger/index.js';
import type { Channel, Verdict } from './types.js';

export interface WebhookRouterDeps {
  readonly bots: ReadonlyMap<string, BotConfig>;
  readonly messenger: MessengerChannel;
  readonly zalo: Channel;
  readonly inbox: InboxStore;
  readonly metrics: ChannelMetrics;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Called after events were stored (wakes the local worker). */
  readonly onStored: () => void;
}

const MAX_BODY_BYTES = 1024 * 1024;
// A string, not a Buffer: node then sends the headers and the body in one write instead of a writev of two.
const RECEIVED = 'EVENT_RECEIVED';

/**
 * The 200 the platforms wait for. Written directly: `res.send` would hash the body for an ETag
 * and look up its content type on every webhook, for an answer no platform caches.
 */
function acknowledge(res: Response): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': RECEIVED.length }).end(RECEIVED);
}

/**
 * The body exactly as sent, for the signature, as `req.body` (a Buffer). Over MAX_BODY_BYTES → 413,
 * before reading when Content-Length says so; a compressed body → 415 (the platforms sign and send
 * plain JSON). body-parser's `raw()` did the same with five listeners and two helper modules on
 * every webhook; this is the busiest route (docs/benchmarks.md).
 */
function readRawBody(req: Request, _res: Response, next: (err?: unknown) => void): void {
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding !== 'identity') {
    req.resume();
    return next(new UnsupportedError('content_encoding_unsupported', { encoding }));
  }
  const tooLarge = () => new TooLargeError('body_too_large', { max: MAX_BODY_BYTES });
  if (Number(req.headers['content-length']) > MAX_BODY_BYTES) {
    req.resume();
    return next(tooLarge());
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  const finish = (err?: unknown) => {
    if (done) return;
    done = true;
    req.off('data', onData);
    if (err) {
      req.resume();
      return next(err);
    }
    req.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    next();
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) finish(tooLarge());
    else chunks.push(chunk);
  };
  req.on('data', onData);
  req.once('end', () => finish());
  // A client gone before the end of its body: node destroys the request with an 'aborted' error.
  req.once('error', (err) => finish(err));
}

/** A signed body nested deeper than this is refused (400) before anything walks it; real ones nest about ten levels. */
export const MAX_WEBHOOK_DEPTH = 64;

/** A signed body as JSON: 400 when it nests too deep or is not JSON. The depth is checked on the bytes, without recursion. */
function parseSigned(rawBody: Buffer): unknown {
  if (nestsDeeperThan(rawBody, MAX_WEBHOOK_DEPTH)) throw new InvalidError('json_too_deep', { max: MAX_WEBHOOK_DEPTH });
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new InvalidError('malformed_json');
  }
}

const UNKNOWN_BOT = { ok: false, status: 403, reason: 'unknown bot or channel not enabled' } as const satisfies Verdict;

/**
 * One platform's POST: signature on the raw bytes first (an unknown bot is refused exactly like a
 * bad signature, so bots cannot be listed), then the JSON, then only what is addressed to this
 * bot, with plausible times, into the inbox.
 */
function receiver(deps: WebhookRouterDeps, platform: 'messenger' | 'zalo', channel: Channel) {
  const webhook = channel.webhook!;
  return async (req: Request, res: Response) => {
    const botId = String(req.params.botId);
    const known = deps.bots.has(botId) && channel.enabled(botId);
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = known ? webhook.verify(botId, { rawBody, headers: req.headers }) : UNKNOWN_BOT;
    if (!verdict.ok) {
      deps.metrics.webhook(platform, known ? 'bad_signature' : 'unknown_bot');
      // The reason and where it came from; never the body, the signature or the secret.
      deps.logger.warn({ platform, bot: botId, reason: verdict.reason, ip: req.ip }, 'webhook signature rejected');
      throw new ForbiddenError('invalid_signature');
    }
    let parsed: unknown;
    try {
      parsed = parseSigned(rawBody);
    } catch (err) {
      deps.metrics.webhook(platform, 'malformed');
      throw err;
    }
    const { body, ignored } = webhook.addressed(botId, parsed);
    if (ignored.length) deps.logger.warn({ platform, bot: botId, ignored }, 'signed webhook for another page or OA ignored');
    const events = plausibleEvents(deps, platform, webhook.normalize(botId, body));
    if (events.length === 0) {
      deps.metrics.webhook(platform, 'ignored');
      acknowledge(res);
      return;
    }
    const { stored } = await deps.inbox.ingest(events);
    deps.metrics.webhook(platform, stored > 0 ? 'stored' : 'duplicate');
    acknowledge(res);
    if (stored > 0) deps.onStored();
  };
}

/** Events with their platform times checked; each replaced time is counted. */
function plausibleEvents(deps: WebhookRouterDeps, platform: string, events: readonly InboundEvent[]): InboundEvent[] {
  if (events.length === 0) return [];
  const receivedAt = deps.clock();
  return events.map((e) => {
    const { event, clamped } = withPlausibleTimes(e, receivedAt);
    if (clamped) {
      deps.metrics.eventTimeClamped(platform);
      deps.logger.debug({ platform, bot: e.bot, eventId: e.eventId, at: e.at }, 'implausible webhook time replaced by the receive time');
    }
    return event;
  });
}

/**
 * `POST /messenger/:botId`, `GET /messenger/:botId` (Meta's handshake) and `POST /zalo/:botId`.
 * The raw body is kept for the signature; events are in the inbox before the 200 is sent.
 */
export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const router = express.Router();

  const readRaw = (platform: string) => (req: Request, res: Response, next: NextFunction) =>
    readRawBody(req, res, (err?: unknown) => {
      if (err) deps.metrics.webhook(platform, err instanceof TooLargeError ? 'too_large' : 'malformed');
      next(err);
    });

  router.post('/messenger/:botId', readRaw('messenger'), receiver(deps, 'messenger', deps.messenger));
  router.post('/zalo/:botId', readRaw('zalo'), receiver(deps, 'zalo', deps.zalo));
  // After the POST routes, which carry nearly all the traffic and then match first.
  router.get('/messenger/:botId', (req, res) => {
    const botId = String(req.params.botId);
    const known = deps.bots.has(botId) && deps.messenger.enabled(botId);
    // An unknown bot answers as a wrong verify token does.
    const verdict = known ? deps.messenger.subscribe(botId, req.query as Record<string, unknown>) : UNKNOWN_BOT;
    if (!verdict.ok) {
      deps.logger.warn({ platform: 'messenger', bot: botId, reason: verdict.reason }, 'webhook subscription refused');
      throw new ForbiddenError('webhook_verification_failed');
    }
    res.status(200).type('text/plain').send(verdict.challenge);
  });
  return router;
}
