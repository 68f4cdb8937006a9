/**
 * Who is calling, for the admin pages and the API: the express side of src/admin (whose service
 * checks tokens and sessions). A missing or wrong credential is an HTTP concern, answered 401/403 here.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AdminService, Principal } from '../admin/index.js';
import { HttpError } from './errors.js';

export const SESSION_COOKIE = 'cds_admin';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `authenticate` when the caller is known. */
    principal?: Principal;
    /** How the caller authenticated: a session (cookie) needs the CSRF header on writes. */
    authVia?: 'session' | 'token';
    csrfToken?: string;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Cookie options: http-only, SameSite=Strict, Secure in production. */
export function sessionCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'strict' as const, secure, path: '/', maxAge: 12 * 60 * 60 * 1000 };
}

/**
 * True when a write comes from a page of this very host: its `Origin` (or, without one, its
 * `Referer`) names the host the request was sent to. `Origin: null` (sandboxed frames, file: pages,
 * some redirects) and anything unparsable are not this host.
 */
export function sameOrigin(req: Request): boolean {
  const from = req.headers.origin ?? req.headers.referer;
  const host = req.get('host');
  if (typeof from !== 'string' || !host || from === 'null') return false;
  try {
    return new URL(from).host === host;
  } catch {
    return false;
  }
}

/** How a session proves a write is not cross-site: the CSRF header, or (for pages that cannot send it) the same-origin check. */
export type CsrfCheck = 'token' | 'same-origin';

/**
 * Finds the caller: `Authorization: Bearer <token>` or the session cookie. A session on a write
 * request must send the session's CSRF token in `X-CSRF-Token` (synchronizer token pattern), or,
 * with `csrf: 'same-origin'` (Agendash, whose front end cannot add the header), come from a page
 * of this host; the cookie is SameSite=Strict besides. Does not reject anonymous callers:
 * `requirePrincipal` does.
 */
export function authenticate(admin: AdminService, options: { csrf?: CsrfCheck } = {}): RequestHandler {
  return async (req, _res, next) => {
    try {
      const token = bearer(req);
      if (token) {
        const p = await admin.tokenPrincipal(token);
        if (!p) throw new HttpError(401, 'Unknown or revoked API token');
        req.principal = p;
        req.authVia = 'token';
        return next();
      }
      const sid = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
      if (sid) {
        const s = await admin.session(sid);
        if (s) {
          req.principal = s.principal;
          req.authVia = 'session';
          req.csrfToken = s.csrfToken;
          if (!SAFE_METHODS.has(req.method)) {
            if (options.csrf === 'same-origin') {
              if (!sameOrigin(req)) throw new HttpError(403, 'Cross-site request refused', 'csrf');
            } else {
              const sent = req.headers[CSRF_HEADER];
              if (typeof sent !== 'string' || !sameToken(sent, s.csrfToken)) throw new HttpError(403, 'Missing or wrong CSRF token', 'csrf');
            }
          }
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * 401 without a caller; 403 for a session that must still change its one-time password
 * (except for the routes that let it do so).
 */
export function requirePrincipal(options: { allowPasswordChangePending?: boolean } = {}): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.principal) return next(new HttpError(401, 'Log in or send an API token'));
    if (req.principal.mustChangePassword && !options.allowPasswordChangePending) {
      return next(new HttpError(403, 'Change the one-time password first', 'password_change_required'));
    }
    next();
  };
}

/** The caller, for handlers behind `requirePrincipal`. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new HttpError(401, 'Log in or send an API token');
  return req.principal;
}

/** The session cookie's value from the raw header, for routes outside the admin routers (no cookie parser there). */
function sessionCookie(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) {
      try {
        return decodeURIComponent(value.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/**
 * True when the request comes from an admin (API token or logged-in session), for read-only
 * details outside the admin routers (/readyz). Any failure is simply "not an admin".
 */
export function isAdminRequest(admin: AdminService): (req: Request) => Promise<boolean> {
  return async (req) => {
    try {
      const token = bearer(req);
      const sid = token ? undefined : sessionCookie(req);
      const principal = token ? await admin.tokenPrincipal(token) : sid ? (await admin.session(sid))?.principal : null;
      return principal?.role === 'admin' && !principal.mustChangePassword;
    } catch {
      return false;
    }
  };
}
