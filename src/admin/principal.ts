import type { AdminRole } from '../db/index.js';
import { ForbiddenError } from '../domain/index.js';

/** Who is calling: a logged-in admin user or an API token. */
export interface Principal {
  readonly kind: 'user' | 'token';
  readonly id: string;
  readonly name: string;
  readonly role: AdminRole;
  /** Bots an organiser may see; admins see every bot. */
  readonly bots: readonly string[];
  readonly mustChangePassword: boolean;
}

/** The bots a principal may see, or null for every bot (admins). */
export function visibleBots(p: Principal): readonly string[] | null {
  return p.role === 'admin' ? null : p.bots;
}

/**
 * The bots a request is about: the requested one (403 if not allowed), else all visible ones.
 * Pure, so the rule is tested without HTTP.
 */
export function scopeBots(p: Principal, requested: string | undefined): readonly string[] | null {
  const visible = visibleBots(p);
  if (requested === undefined) return visible;
  if (visible && !visible.includes(requested)) throw new ForbiddenError('bot_forbidden', { bot: requested });
  return [requested];
}

export function requireAdmin(p: Principal): void {
  if (p.role !== 'admin') throw new ForbiddenError('admin_only');
}

/** Organisers may act on their own bots only; throws ForbiddenError otherwise. */
export function requireBot(p: Principal, bot: string): void {
  const visible = visibleBots(p);
  if (visible && !visible.includes(bot)) throw new ForbiddenError('bot_forbidden', { bot });
}
