import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { Router, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, visibleBots, type AdminService } from '../../admin/index.js';
import { invalidInput, NotFoundError, UnavailableError } from '../../domain/index.js';
import { readLocaleResources, type Translate } from '../../i18n/index.js';
import type { BotInfo } from '../api/index.js';
import type { MountedRouter } from '../app.js';
import { authenticate, CSRF_HEADER, principalOf, requirePrincipal, SESSION_COOKIE, sessionCookieOptions } from '../auth.js';
import { errorHandler, HttpError, notFoundHandler } from '../errors.js';
import { simulatorAccess, simulatorBotScope } from '../simulator-access.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const STATIC_DIR = path.join(here, 'static');
const require = createRequire(import.meta.url);
const CHART_JS = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js');
/** Be Vietnam Pro (bundled, SIL OFL): a font that places Vietnamese marks right on every system, served from here. */
const FONTS: Readonly<Record<string, string>> = Object.fromEntries(
  (['400Regular', '600SemiBold', '700Bold'] as const).map((w) => [
    `be-vietnam-pro-${w.slice(0, 3)}.ttf`,
    require.resolve(`@expo-google-fonts/be-vietnam-pro/${w}/BeVietnamPro_${w}.ttf`),
  ]),
);

export interface AdminWebDeps {
  readonly admin: AdminService;
  readonly isProduction: boolean;
  readonly contentDir: string;
  readonly loginMaxPer15Min: number;
  /** Off: nobody may use /simulator; on: logged-in users for their bots, and outside production anyone (simulator-access.ts). */
  readonly simulatorEnabled: boolean;
  /** Bot ids known to the server, for the pages' pickers. */
  readonly bots: () => readonly string[];
  /** Their names and unit lists, so the pages show names, not ids. */
  readonly botInfo?: (() => readonly BotInfo[]) | undefined;
  /** The REST API router (`/api/v1`). */
  readonly apiRouter?: Router | undefined;
  /** Agendash for the scheduler, admins only. */
  readonly agendash?: Router | undefined;
  /** The web channel's API (POST/GET /messages). */
  readonly simulatorApi?: Router | undefined;
  /** Error messages in the caller's language (`Accept-Language`, Vietnamese by default). */
  readonly t?: Translate | undefined;
}

/** Helmet with a CSP that allows only this origin; `inlineStyles` only for Agendash, which needs them. */
function security(isProduction: boolean, inlineStyles = false): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: inlineStyles ? ["'self'", "'unsafe-inline'"] : ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: isProduction,
  });
}

const loginBody = z.object({ email: z.string().trim().min(3).max(200), password: z.string().min(1).max(200) });
const passwordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(MIN_PASSWORD_LENGTH).max(200) });

/** Agendash is for logged-in admins: others are sent to the login page (a page) or refused (an organiser). */
const onlyAdmins: RequestHandler = (req, res, next) => {
  if (!req.principal || req.principal.mustChangePassword) {
    if (req.method === 'GET') return res.redirect(302, '/admin/login');
    return next(new HttpError(401, 'Log in as an admin'));
  }
  if (req.principal.role !== 'admin') return next(new HttpError(403, 'Only admins may see the scheduler'));
  next();
};

const sendPage =
  (file: string): RequestHandler =>
  (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(path.join(STATIC_DIR, file));
  };

/**
 * `/admin` (pages, login, session, static assets, Agendash), `/simulator` and `/api/v1`, each behind
 * helmet, the cookie parser and the caller lookup.
 */
export function createAdminWeb(deps: AdminWebDeps): MountedRouter[] {
  const common = [security(deps.isProduction), cookieParser(), authenticate(deps.admin)];
  // Each answers its own errors, in the caller's language; an unknown API route is the API's 404.
  const answerErrors = errorHandler({ exposeStack: !deps.isProduction, t: deps.t });
  const admin = adminPages(deps, common);
  admin.use(answerErrors);
  const simulator = simulatorPages(deps, common);
  simulator.use(answerErrors);
  const routes: MountedRouter[] = [
    { path: '/admin', router: admin },
    { path: '/simulator', router: simulator },
  ];
  if (deps.apiRouter) {
    const api = Router();
    api.use(...common);
    api.use(deps.apiRouter);
    api.use(notFoundHandler, answerErrors);
    routes.push({ path: '/api/v1', router: api });
  }
  return routes;
}

/** `/admin`: static assets, translations, login and session, Agendash for admins, the page itself. */
function adminPages(deps: AdminWebDeps, common: RequestHandler[]): Router {
  const translations = readLocaleResources(deps.contentDir);
  const admin = Router();
  // Agendash first, with its own chain: its buttons cannot send the CSRF header, so its writes must
  // come from a page of this host instead (an anonymous write is refused before it reaches Agendash).
  if (deps.agendash)
    admin.use('/jobs', security(deps.isProduction, true), cookieParser(), authenticate(deps.admin, { csrf: 'same-origin' }), onlyAdmins, deps.agendash);
  admin.use(...common);
  admin.use('/static', express.static(STATIC_DIR, { maxAge: deps.isProduction ? '1h' : 0, index: false }));
  admin.get('/vendor/chart.umd.js', (_req, res) => res.sendFile(CHART_JS, { maxAge: deps.isProduction ? '1d' : 0 }));
  admin.get('/fonts/:file', (req, res, next) => {
    const file = FONTS[req.params.file];
    if (!file) return next(new NotFoundError('not_found'));
    res.sendFile(file, { maxAge: deps.isProduction ? '7d' : 0, headers: { 'Content-Type': 'font/ttf' } });
  });
  admin.get('/i18n/:lng.json', (req, res, next) => {
    const lng = req.params.lng === 'en' ? 'en' : req.params.lng === 'vi' ? 'vi' : null;
    if (!lng) return next(new NotFoundError('language_not_found'));
    // The editors' words (editor.json) and the topics' names (common.json) sit beside admin.json's.
    const own = translations[lng];
    res.json({ ...(own?.admin ?? {}), editor: own?.editor ?? {}, topicName: (own?.common as { topic?: unknown } | undefined)?.topic ?? {} });
  });
  addSessionRoutes(admin, deps);
  admin.get('/', (req, res, next) => {
    if (!req.principal) return res.redirect(302, '/admin/login');
    if (req.principal.mustChangePassword) return res.redirect(302, '/admin/login?change=1');
    sendPage('admin.html')(req, res, next);
  });
  return admin;
}

/** A few failed logins per 15 minutes and address, then 429 (successful logins do not count). */
const loginLimit = (max: number) =>
  rateLimit({
    windowMs: 15 * 60 * 1000,
    limit: max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    handler: (_req, res) => {
      res.status(429).json({ error: { code: 'too_many_requests', message: 'Too many failed logins; try again in 15 minutes' } });
    },
  });

/** Login, logout, the session the page reads, and the password change. */
function addSessionRoutes(admin: Router, deps: AdminWebDeps): void {
  const cookie = sessionCookieOptions(deps.isProduction);
  admin.get('/login', sendPage('login.html'));
  admin.post('/login', loginLimit(deps.loginMaxPer15Min), express.json({ limit: '10kb' }), async (req, res, next) => {
    try {
      const body = loginBody.safeParse(req.body);
      if (!body.success) throw invalidInput(body.error, 'login');
      const r = await deps.admin.login(body.data.email, body.data.password);
      if (!r) throw new HttpError(401, 'Wrong email or password', 'login_failed');
      res.cookie(SESSION_COOKIE, r.sessionId, cookie);
      res.json({ ok: true, mustChangePassword: r.principal.mustChangePassword, csrfToken: r.csrfToken });
    } catch (err) {
      next(err);
    }
  });
  admin.post('/logout', async (req, res, next) => {
    try {
      const sid = (req.cookies as Record<string, string>)[SESSION_COOKIE];
      if (sid && req.authVia === 'session') await deps.admin.logout(sid);
      res.clearCookie(SESSION_COOKIE, { ...cookie, maxAge: undefined });
      res.json({ ok: true });
    } catch (err) {
      next(err);
    }
  });
  admin.get('/session', requirePrincipal({ allowPasswordChangePending: true }), (req, res) => {
    const p = principalOf(req);
    const visible = visibleBots(p);
    res.setHeader('Cache-Control', 'no-store');
    const bots = visible ?? deps.bots();
    res.json({
      user: { id: p.kind === 'user' ? p.id : null, name: p.name, role: p.role },
      mustChangePassword: p.mustChangePassword,
      csrfToken: req.csrfToken ?? null,
      csrfHeader: CSRF_HEADER,
      bots,
      /** Names (vi, en) and unit list of each bot the caller sees. */
      botInfo: botInfoOf(deps, bots),
      agendash: !!deps.agendash && p.role === 'admin',
    });
  });
  admin.post('/password', requirePrincipal({ allowPasswordChangePending: true }), express.json({ limit: '10kb' }), async (req, res, next) => {
    try {
      const p = principalOf(req);
      if (p.kind !== 'user') throw new HttpError(403, 'Only a logged-in user can change a password');
      const body = passwordBody.safeParse(req.body);
      if (!body.success) throw invalidInput(body.error, 'body');
      // The old session id ends with the old password, as do the user's other sessions.
      const rotated = await deps.admin.changePassword(p.id, body.data.currentPassword, body.data.newPassword);
      res.cookie(SESSION_COOKIE, rotated.sessionId, cookie);
      res.json({ ok: true, csrfToken: rotated.csrfToken });
    } catch (err) {
      next(err);
    }
  });
}

/** Names (vi, en) and unit list of each of `bots`, for the pages' pickers and tables. */
function botInfoOf(deps: AdminWebDeps, bots: readonly string[]) {
  return (deps.botInfo?.() ?? []).filter((b) => bots.includes(b.id)).map(({ id, name, units }) => ({ id, name, units }));
}

/** `/simulator`: the page, the bots it offers and the web channel's API, for whom simulatorAccess lets in. */
function simulatorPages(deps: AdminWebDeps, common: RequestHandler[]): Router {
  const simulator = Router();
  simulator.use(...common);
  simulator.use(simulatorAccess({ enabled: deps.simulatorEnabled, isProduction: deps.isProduction }));
  simulator.get('/', sendPage('simulator.html'));
  simulator.get('/bots', (req, res) => {
    const bots = (req.principal ? visibleBots(req.principal) : null) ?? deps.bots();
    // Names too: the picker shows a bot's name, never its id.
    res.json({ bots, botInfo: botInfoOf(deps, bots) });
  });
  if (deps.simulatorApi) simulator.use('/api', simulatorBotScope, deps.simulatorApi);
  else simulator.use('/api', (_req, _res, next) => next(new UnavailableError('web_channel_unavailable')));
  return simulator;
}

/** True when the static pages exist (a packaging check for tests). */
export const staticDirExists = (): boolean => fs.existsSync(STATIC_DIR);
