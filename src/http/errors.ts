import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, InvalidError, type ErrorKind } from '../domain/index.js';

/**
 * Errors of HTTP itself (no or bad credentials, CSRF, an unknown route, a part not wired in this
 * server), with their status and a message safe to show the caller. Everything else is a domain
 * error from src/domain, mapped to a status below.
 */
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

/** The only place a domain error's kind becomes a status code. */
export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  unavailable: 503,
};

/** Domain codes the API answers as `error.code` as they are; others answer the status's generic code. */
const PUBLISHED_CODES: ReadonlySet<string> = new Set([
  'import_rejected',
  'import_unreadable',
  'import_too_many_rows',
  'import_too_large',
  'import_inflated_too_large',
  'password_weak',
]);

/** A domain error as the API answers it: status, `error.code`, message and details (fields or rows at fault). */
export function describeDomainError(err: DomainError): { status: number; code: string; message: string; details?: unknown } {
  const status = STATUS_OF_KIND[err.kind];
  const invalid = err instanceof InvalidError ? err : null;
  // `validation_failed` says "details.fields lists what is wrong", whichever check found it.
  const code = invalid?.fields ? 'validation_failed' : PUBLISHED_CODES.has(err.code) ? err.code : httpCode(status);
  const details = invalid?.fields ? { fields: invalid.fields } : invalid?.problems ? { problems: invalid.problems } : undefined;
  return { status, code, message: err.message, ...(details ? { details } : {}) };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `No route for ${req.method} ${req.path}`));
};

/**
 * True when the client went away before its body was read: nothing can be answered, and it is no
 * fault of ours, so it is not an error to log (anyone could flood the log by aborting uploads).
 */
function abortedByClient(err: unknown, req: Parameters<RequestHandler>[0]): boolean {
  const e = err as { type?: string; code?: string; message?: string } | null;
  return e?.type === 'request.aborted' || req.readableAborted || (e?.code === 'ECONNRESET' && e.message === 'aborted');
}

export function errorHandler(options: { exposeStack: boolean }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (abortedByClient(err, req)) {
      req.log?.debug({ err: (err as Error).message }, 'request aborted by the client');
      if (!res.headersSent && !res.destroyed) res.status(400).end();
      return;
    }
    const known = err instanceof HttpError ? err : err instanceof DomainError ? describeDomainError(err) : null;
    const e = err as Error & { status?: number; statusCode?: number; type?: string; expose?: boolean };
    // body-parser errors carry a status: malformed JSON is 400, an oversized body 413.
    const status = known ? known.status : (e.status ?? e.statusCode ?? 500);
    const message = known
      ? known.message
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
        code: known ? known.code : httpCode(status),
        message,
        ...(known && known.details !== undefined ? { details: known.details } : {}),
        ...(options.exposeStack && status >= 500 ? { stack: e.stack } : {}),
      },
    });
  };
}
