import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

type Label = 'method' | 'route' | 'status';

/**
 * One registry per app instance (tests build many apps in one process).
 * Rooms register their own counters on `registry` (webhooks, send failures, queue depth).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // One bound pair of series per method, route pattern and status: prom-client then skips hashing
  // the labels on every request. Route patterns keep the set small.
  const series = new Map<string, { count: Counter.Internal; time: Histogram.Internal<Label> }>();
  const seriesOf = (method: string, route: string, status: string) => {
    const key = `${method} ${route} ${status}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { count: requests.labels(method, route, status), time: duration.labels(method, route, status) }));
    return s;
  };

  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      // The matched route pattern, never the raw path: ids in paths would explode the label set.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const s = seriesOf(req.method, route, String(res.statusCode));
      s.count.inc();
      s.time.observe(Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  return { registry, middleware };
}

export type Metrics = ReturnType<typeof createMetrics>;
