import { randomUUID } from 'node:crypto';
import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Config } from '../config/index.js';
import { redactUrl, type Logger } from '../log/index.js';
import { errorHandler, notFoundHandler } from './errors.js';
import type { Metrics } from './metrics.js';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

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

/** Builds the express app without listening, so tests can run it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use(deps.metrics.middleware);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.all(
      deps.readiness.map(async (c) => {
        try {
          const r = await withTimeout(c.check(), READY_TIMEOUT_MS, c.name);
          return { name: c.name, ok: r.ok, ...(r.detail ? { detail: r.detail } : {}) };
        } catch (err) {
          return { name: c.name, ok: false, detail: (err as Error).message };
        }
      }),
    );
    const ok = checks.every((c) => c.ok);
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ready' : 'not_ready',
      ...(ok ? {} : { reason: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail ?? 'failing'}`).join('; ') }),
      checks,
    });
  });

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  for (const r of deps.routes ?? []) app.use(r.path, r.router);

  app.use(notFoundHandler);
  app.use(errorHandler({ exposeStack: !deps.config.isProduction }));
  return app;
}
