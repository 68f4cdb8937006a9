import express, { type RequestHandler } from 'express';
import { requireBot } from '../admin/index.js';
import { NotFoundError } from '../domain/index.js';
import { HttpError } from './errors.js';

/**
 * Who may use /simulator. Its messages go through the real conversation, so they add participants
 * and answers to a bot's statistics:
 * - SIMULATOR_ENABLED off (the default in production): nobody, admins included.
 * - on: logged-in users (and API tokens), each for the bots they may see; outside production also
 *   anonymous visitors (a developer's machine, the demo), never in production.
 */
export function simulatorAccess(options: { enabled: boolean; isProduction: boolean }): RequestHandler {
  return (req, res, next) => {
    if (!options.enabled) return next(new NotFoundError('simulator_off'));
    if (req.principal) {
      if (req.principal.mustChangePassword) return next(new HttpError(403, 'Change the one-time password first', 'password_change_required'));
      return next();
    }
    if (!options.isProduction) return next();
    if (req.path === '/' && req.method === 'GET') return res.redirect(302, '/admin/login');
    next(new HttpError(401, 'Log in to use the simulator'));
  };
}

const parseJson = express.json({ limit: '100kb' });

/** The simulator's API acts for one bot (`bot` in the body or the query): a logged-in caller must be allowed to see it. */
export const simulatorBotScope: RequestHandler = (req, res, next) => {
  parseJson(req, res, (err?: unknown) => {
    if (err) return next(err);
    try {
      const bot = (req.body as { bot?: unknown } | undefined)?.bot ?? req.query.bot;
      if (req.principal && typeof bot === 'string') requireBot(req.principal, bot);
      next();
    } catch (e) {
      next(e);
    }
  });
};
