import { createHash, createHmac, randomBytes } from 'node:crypto';

/** API tokens look like `cds_<43 base64url chars>`; only their sha256 is stored. */
export function generateApiToken(): string {
  return `cds_${randomBytes(32).toString('base64url')}`;
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Session ids are hashed before storage (HMAC with SESSION_SECRET when set) so a leaked database cannot log anyone in. */
export function sessionIdHash(sessionId: string, secret: string | undefined): string {
  return secret ? createHmac('sha256', secret).update(sessionId).digest('hex') : sha256(sessionId);
}

export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');
