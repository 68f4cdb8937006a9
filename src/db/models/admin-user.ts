import { Schema } from 'mongoose';

export const ADMIN_ROLES = ['admin', 'organiser'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/** A person who may log in to /admin. `admin` sees everything; `organiser` only the bots listed. */
export interface AdminUser {
  email: string;
  /** `scrypt$<salt b64>$<hash b64>` (see src/admin/passwords.ts). */
  passwordHash: string;
  role: AdminRole;
  bots: string[];
  /** Set for generated one-time passwords: the first login must choose a new one. */
  mustChangePassword: boolean;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const adminUserSchema = new Schema<AdminUser>(
  {
    email: { type: String, required: true, lowercase: true, trim: true },
    passwordHash: { type: String, required: true },
    role: { type: String, required: true, enum: ADMIN_ROLES },
    bots: { type: [String], default: [] },
    mustChangePassword: { type: Boolean, default: false },
    disabledAt: { type: Date, default: null },
    lastLoginAt: { type: Date, default: null },
  },
  { timestamps: true },
);
adminUserSchema.index({ email: 1 }, { unique: true });

/** A login session; the cookie carries a random id, the database only its hash. */
export interface AdminSession {
  /** sha256 (HMAC with SESSION_SECRET when set) of the cookie value. */
  idHash: string;
  userId: string;
  /** Synchronizer CSRF token: pages send it back in the X-CSRF-Token header. */
  csrfToken: string;
  expiresAt: Date;
  createdAt: Date;
}

export const adminSessionSchema = new Schema<AdminSession>({
  idHash: { type: String, required: true },
  userId: { type: String, required: true },
  csrfToken: { type: String, required: true },
  expiresAt: { type: Date, required: true },
  createdAt: { type: Date, required: true },
});
adminSessionSchema.index({ idHash: 1 }, { unique: true });
adminSessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
