import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ZodError } from 'zod';

/** An error that carries the HTTP status and a message safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string = httpCode(status),
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function httpCode(status: number): string {
  return (
    (
      {
        400: 'bad_request',
        401: 'unauthorized',
        403: 'forbidden',
        404: 'not_found',
        409: 'conflict',
        413: 'payload_too_large',
        415: 'unsupported_media_type',
        422: 'unprocessable',
        429: 'too_many_requests',
        503: 'unavailable',
      } as Record<number, string>
    )[status] ?? (status >= 500 ? 'internal' : 'error')
  );
}

/** A 400 listing the fields at fault, from a zod error. */
export function badRequestFromZod(error: ZodError, what = 'input'): HttpError {
  const fields = error.issues.map((i) => ({ field: i.path.join('.') || '(root)', message: i.message }));
  return new HttpError(400, `Invalid ${what}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, 'validation_failed', { fields });
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `No route for ${req.method} ${req.path}`));
};

export function errorHandler(options: { exposeStack: boolean }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = err as Error & { status?: number; statusCode?: number; type?: string; expose?: boolean };
    // body-parser errors carry a status: malformed JSON is 400, an oversized body 413.
    const status = err instanceof HttpError ? err.status : (e.status ?? e.statusCode ?? 500);
    const message =
      err instanceof HttpError
        ? err.message
        : e.type === 'entity.parse.failed'
          ? 'Malformed JSON body'
          : e.type === 'entity.too.large'
            ? 'Request body too large'
            : status < 500 && e.expose !== false
              ? e.message
              : 'Internal server error';
    if (status >= 500) req.log?.error({ err }, 'request failed');
    if (res.headersSent) return;
    res.status(status).json({
      error: {
        code: err instanceof HttpError ? err.code : httpCode(status),
        message,
        ...(err instanceof HttpError && err.details !== undefined ? { details: err.details } : {}),
        ...(options.exposeStack && status >= 500 ? { stack: e.stack } : {}),
      },
    });
  };
}
