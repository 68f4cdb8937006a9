import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { BotConfig } from '../content/index.js';
import type { Logger } from '../log/index.js';
import { ForbiddenError, InvalidError, NotFoundError, TooLargeError, UnsupportedError } from '../domain/index.js';
import type { InboxStore } from './inbox/store.js';
import type { ChannelMetrics } from './metrics.js';
import type { MessengerChannel } from './messenger/index.js';
import type { Channel } from './types.js';

export interface WebhookRouterDeps {
  readonly bots: ReadonlyMap<string, BotConfig>;
  readonly messenger: MessengerChannel;
  readonly zalo: Channel;
  readonly inbox: InboxStore;
  readonly metrics: ChannelMetrics;
  readonly logger: Logger;
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

  const receive = (platform: 'messenger' | 'zalo', channel: Channel) => async (req: Request, res: Response) => {
    const botId = String(req.params.botId);
    if (!deps.bots.has(botId) || !channel.enabled(botId)) {
      deps.metrics.webhook(platform, 'unknown_bot');
      throw new NotFoundError('channel_not_found', { platform, bot: botId });
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      deps.metrics.webhook(platform, 'malformed');
      throw new InvalidError('malformed_json');
    }
    const verdict = channel.webhook!.verify(botId, { rawBody, headers: req.headers, body });
    if (!verdict.ok) {
      deps.metrics.webhook(platform, 'bad_signature');
      // The reason and where it came from; never the body, the signature or the secret.
      deps.logger.warn({ platform, bot: botId, reason: verdict.reason, ip: req.ip }, 'webhook signature rejected');
      throw new ForbiddenError('invalid_signature');
    }
    const events = channel.webhook!.normalize(botId, body);
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

  router.post('/messenger/:botId', readRaw('messenger'), receive('messenger', deps.messenger));
  router.post('/zalo/:botId', readRaw('zalo'), receive('zalo', deps.zalo));
  // After the POST routes, which carry nearly all the traffic and then match first.
  router.get('/messenger/:botId', (req, res) => {
    const botId = String(req.params.botId);
    if (!deps.bots.has(botId) || !deps.messenger.enabled(botId)) throw new NotFoundError('channel_not_found', { platform: 'messenger', bot: botId });
    const verdict = deps.messenger.subscribe(botId, req.query as Record<string, unknown>);
    if (!verdict.ok) {
      deps.logger.warn({ platform: 'messenger', bot: botId, reason: verdict.reason }, 'webhook subscription refused');
      throw new ForbiddenError('webhook_verification_failed');
    }
    res.status(200).type('text/plain').send(verdict.challenge);
  });
  return router;
}
