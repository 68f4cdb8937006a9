import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { DEFAULT_LOCALE, DomainError, InvalidError, LOCALES, type ContentIssue, type ErrorKind, type FieldIssue, type Locale } from '../domain/index.js';
import { saidParams } from '../content/index.js';
import type { Translate } from '../i18n/index.js';

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
  'content_invalid',
  'content_rows_rejected',
  'unit_unknown',
  'unit_list_label_required',
  // The question workflow: a caller needs to tell these apart to say what to do next.
  'reviewer_is_author',
  'question_wrong_status',
  'question_retired',
  'topic_forbidden',
  'question_forbidden',
  'content_item_exists',
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
  const details = invalid?.fields
    ? { fields: invalid.fields }
    : invalid?.content
      ? { content: invalid.content }
      : invalid?.problems
        ? { problems: invalid.problems }
        : undefined;
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

/** The caller's language from `Accept-Language` (q-values honoured), Vietnamese when it names neither. */
export function requestLocale(req: Request): Locale {
  return (req.acceptsLanguages([...LOCALES]) || DEFAULT_LOCALE) as Locale;
}

/** An error as the API answers it, before translation. */
interface Answer {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  /** How to say it in the caller's language: an errors.json key and its params. */
  key: string;
  params: Readonly<Record<string, string | number>>;
}

/** Params whose values are themselves words (a broadcast's status, kind; what was checked) are said in words too. */
const WORD_PARAMS = ['status', 'kind', 'what', 'problem'] as const;

/**
 * Says an answer in `locale`: the message from content/locales/<locale>/errors.json (domain codes by
 * their code, HTTP's by `http.<code>`), and each field at fault by its rule (`field.<rule>`). Without
 * a translation, the English message stays (never a key).
 */
function translateAnswer(a: Answer, t: Translate, locale: Locale): Pick<Answer, 'message' | 'details'> {
  const tr = (key: string, vars: Record<string, unknown>, fallback: string) => {
    const out = t(locale, `errors:${key}`, { ...vars, defaultValue: fallback });
    return out === key || out === `errors:${key}` ? fallback : out;
  };
  const fields = (a.details as { fields?: readonly FieldIssue[] } | undefined)?.fields;
  const saidFields = fields?.map((f) => ({ ...f, message: f.rule ? tr(`field.${f.rule}`, { ...f.params }, f.message) : f.message }));
  const content = (a.details as { content?: readonly ContentIssue[] } | undefined)?.content;
  const saidContent = content?.map((c) => ({ ...c, message: sayContentIssue(c, t, locale) }));
  const vars: Record<string, unknown> = { ...a.params };
  for (const p of WORD_PARAMS) if (typeof vars[p] === 'string') vars[p] = tr(`${p}.${String(vars[p])}`, a.params, String(vars[p]));
  if (saidFields) vars.summary = saidFields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return {
    message: tr(a.key, vars, a.message),
    ...(a.details !== undefined
      ? { details: { ...(a.details as object), ...(saidFields ? { fields: saidFields } : {}), ...(saidContent ? { content: saidContent } : {}) } }
      : {}),
  };
}

/** Params of content problems that are words (a status, a reason), said in the caller's language too. */
const CONTENT_WORD_PARAMS = ['status', 'reason', 'strategy', 'which'] as const;

/**
 * A content check in `locale`: `editor:problem.<code>` for the checks of src/content,
 * `errors:field.<rule>` for a field of an imported row; the English words when neither is known.
 */
export function sayContentIssue(c: ContentIssue, t: Translate, locale: Locale): string {
  const say = (key: string, vars: Record<string, unknown>) => {
    const out = t(locale, key, { ...vars, defaultValue: '' });
    return out && out !== key ? out : null;
  };
  // A content check's rates are written as percentages in the caller's language (formatPercent).
  const vars: Record<string, unknown> = c.code ? saidParams(c.params ?? {}, locale) : { ...c.params };
  for (const p of CONTENT_WORD_PARAMS) if (typeof vars[p] === 'string') vars[p] = say(`editor:word.${p}.${String(vars[p])}`, {}) ?? vars[p];
  const said = c.code ? say(`editor:problem.${c.code}`, vars) : c.rule ? say(`errors:field.${c.rule}`, vars) : null;
  return said ?? c.message;
}

/** Any error as an answer: ours (HTTP, domain), a body parser's (status set), or an unexpected one (500). */
function answerOf(err: unknown): Answer {
  if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message, details: err.details, key: `http.${err.code}`, params: {} };
  if (err instanceof DomainError) return { ...describeDomainError(err), key: err.code, params: err.params };
  const e = err as Error & { status?: number; statusCode?: number; type?: string; expose?: boolean };
  // body-parser errors carry a status: malformed JSON is 400, an oversized body 413.
  const status = e.status ?? e.statusCode ?? 500;
  const code = httpCode(status);
  if (e.type === 'entity.parse.failed') return { status, code, message: 'Malformed JSON body', key: 'http.malformed_json', params: {} };
  if (e.type === 'entity.too.large') return { status, code, message: 'Request body too large', key: 'http.payload_too_large', params: {} };
  const message = status < 500 && e.expose !== false ? e.message : 'Internal server error';
  return { status, code, message, key: `http.${code}`, params: {} };
}

/**
 * The JSON error answer. With `t`, messages are in the caller's language (`Accept-Language`,
 * Vietnamese by default); without it (webhooks, health) they stay English.
 */
export function errorHandler(options: { exposeStack: boolean; t?: Translate | undefined }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (abortedByClient(err, req)) {
      req.log?.debug({ err: (err as Error).message }, 'request aborted by the client');
      if (!res.headersSent && !res.destroyed) res.status(400).end();
      return;
    }
    const a = answerOf(err);
    if (a.status >= 500) req.log?.error({ err }, 'request failed');
    if (res.headersSent) return;
    const said = options.t ? translateAnswer(a, options.t, requestLocale(req)) : { message: a.message, details: a.details };
    res.status(a.status).json({
      error: {
        code: a.code,
        message: said.message,
        ...(said.details !== undefined ? { details: said.details } : {}),
        ...(options.exposeStack && a.status >= 500 ? { stack: (err as Error).stack } : {}),
      },
    });
  };
}
