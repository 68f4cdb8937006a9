import { Types } from 'mongoose';
import type { AdminUser, Models } from '../db/index.js';
import { NotFoundError } from '../domain/index.js';
import type { Principal } from './principal.js';

/** What the parts of the admin service share: the models, the clock and the session secret. */
export interface AdminStore {
  readonly models: Models;
  readonly now: () => Date;
  readonly sessionSecret: string | undefined;
}

/** A user as read through the raw collection (the model's fields plus its id). */
export type UserDoc = AdminUser & { _id: unknown };

export const userPrincipal = (u: UserDoc): Principal => ({
  kind: 'user',
  id: String(u._id),
  name: u.email,
  role: u.role,
  bots: u.bots ?? [],
  mustChangePassword: u.mustChangePassword === true,
});

/** An id from a URL or a cookie; one that cannot be an ObjectId finds nothing. */
export function toObjectId(id: string): Types.ObjectId {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError('not_found');
  return new Types.ObjectId(id);
}
