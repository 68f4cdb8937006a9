import { Schema } from 'mongoose';
import { ADMIN_ROLES, type AdminRole } from './admin-user.js';

/** A bearer token for the REST API. Only its sha256 is stored; the token is printed once. */
export interface ApiToken {
  name: string;
  tokenHash: string;
  /** First characters of the token, to recognise it in lists. */
  prefix: string;
  role: AdminRole;
  bots: string[];
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

export const apiTokenSchema = new Schema<ApiToken>({
  name: { type: String, required: true },
  tokenHash: { type: String, required: true },
  prefix: { type: String, required: true },
  role: { type: String, required: true, enum: ADMIN_ROLES },
  bots: { type: [String], default: [] },
  lastUsedAt: { type: Date, default: null },
  revokedAt: { type: Date, default: null },
  createdAt: { type: Date, required: true },
});
apiTokenSchema.index({ tokenHash: 1 }, { unique: true });
