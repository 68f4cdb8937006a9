import { randomUUID } from 'node:crypto';
import express, { type Express, type Request, type RequestHandler, type Response, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config/index.js';
import type { ReadinessCheck } from '../domain/index.js';
import { redactUrl, type Logger } from '../log/index.js';
import { errorHandler, notFoundHandler } from './errors.js';
import type { Metrics } from './metrics.js';

export interface MountedRouter {
  readonly path: string;
  readonly router: Router;
}

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Each must pass for /readyz to answer 200 (database reachable, scheduler running...). */
  readonly readiness: readonly ReadinessCheck[];
  /** Mounted in order before the 404 handler. Each router does its own body parsing (webhooks need the raw body). */
  readonly routes?: readonly MountedRouter[];
  /**
   * Who may read /readyz's details (each check, the database's address): admins. Everyone else gets
   * the bare status, which is all a load balancer needs. Without it, nobody sees details.
   */
  readonly mayReadDetails?: (req: Request) => Promise<boolean>;
}

const READY_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/** Every readiness check, each bounded by READY_TIMEOUT_MS; a throw is a failed check with its message. */
function runReadiness(readiness: readonly ReadinessCheck[]) {
  return Promise.all(
    readiness.map(async (c) => {
      try {
        const r = await withTimeout(c.check(), READY_TIMEOUT_MS, c.name);
        return { name: c.name, ok: r.ok, ...(r.detail ? { detail: r.detail } : {}) };
      } catch (err) {
        return { name: c.name, ok: false, detail: (err as Error).message };
      }
    }),
  );
}

/** The caller's `X-Request-Id` when it looks like one, else a new UUID. */
function requestIdOf(req: Request): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
}

/**
 * Every request gets an id (`req.id`, the `X-Request-Id` header) and `req.log`, a pino-http child
 * logger whose lines carry the id, method and URL.
 *
 * pino-http does its per-request work (a child logger with redaction, three response listeners) as
 * soon as it sees a request. When the access line ("request completed", level info) is written
 * that work is needed; when the level is above info it was measured at about 40 µs per request,
 * most of a webhook's budget (docs/benchmarks.md), for a logger that is almost never
 * used. So at those levels pino-http runs on the first read of `req.log` instead: the getter sits
 * once on this app's request prototype, not on every request.
 */
function requestLogging(app: Express, logger: Logger): RequestHandler {
  const httpLogger = pinoHttp({
    logger,
    // Our serializers read the request and response directly: pino-http's wrappers would first copy
    // every header, the remote address and port into a new object on each request.
    wrapSerializers: false,
    serializers: {
      req: (req: Request) => ({ id: req.id, method: req.method, url: redactUrl(req.originalUrl ?? req.url) }),
      res: (res: Response) => ({ statusCode: res.statusCode }),
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
  });
  const accessLines = logger.isLevelEnabled('info');
  if (!accessLines) {
    Object.defineProperty(app.request, 'log', {
      configurable: true,
      get(this: Request) {
        // An own property first: pino-http reads `req.log` before setting it, which must not come back here.
        Object.defineProperty(this, 'log', { value: undefined, writable: true, configurable: true, enumerable: true });
        httpLogger(this, this.res!);
        return this.log;
      },
    });
  }
  return (req, res, next) => {
    req.id = requestIdOf(req);
    res.setHeader('X-Request-Id', req.id);
    if (accessLines) httpLogger(req, res, next);
    else next();
  };
}

/** Builds the express app without listening, so tests can run it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // X-Forwarded-For is believed only from the proxies TRUST_PROXY names: anyone else could forge it
  // (and, for one, dodge the login limit, which counts per client address).
  app.set('trust proxy', deps.config.http.trustProxy);

  app.use(requestLogging(app, deps.logger));
  app.use(deps.metrics.middleware);
  // The product's routers first: each sits under its own prefix, and a webhook, the busiest
  // request, then passes no other route on its way.
  for (const r of deps.routes ?? []) app.use(r.path, r.router);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get('/readyz', async (req, res, next) => {
    try {
      const checks = await runReadiness(deps.readiness);
      const ok = checks.every((c) => c.ok);
      res.setHeader('Cache-Control', 'no-store');
      const status = { status: ok ? 'ready' : 'not_ready' };
      if (!(await deps.mayReadDetails?.(req))) return void res.status(ok ? 200 : 503).json(status);
      const reason = checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.detail ?? 'failing'}`)
        .join('; ');
      res.status(ok ? 200 : 503).json({ ...status, ...(ok ? {} : { reason }), checks });
    } catch (err) {
      next(err);
    }
  });

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  app.use(notFoundHandler);
  app.use(errorHandler({ exposeStack: !deps.config.isProduction }));
  return app;
}
