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
 * Finds the caller: `Authorization: Bearer <token>` or the session cookie. A session on a write
 * request must send the session's CSRF token in `X-CSRF-Token` (synchronizer token pattern).
 * Does not reject anonymous callers: `requirePrincipal` does.
 */
export function authenticate(admin: AdminService): RequestHandler {
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
            const sent = req.headers[CSRF_HEADER];
            if (typeof sent !== 'string' || !sameToken(sent, s.csrfToken)) throw new HttpError(403, 'Missing or wrong CSRF token', 'csrf');
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
