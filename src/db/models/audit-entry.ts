import { Schema } from 'mongoose';
import { CONTENT_KINDS, type ContentKind } from './content-item.js';

/** What was done to an item: the pages' and the API's actions, and what a content sync applied. */
export const AUDIT_ACTIONS = ['create', 'update', 'retire', 'restore', 'review', 'publish', 'import', 'sync'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The audit log: who changed which content item, when, and what it was before and after. Written
 * for every change made in the admin pages or the API (and for what a content sync changes), never
 * updated or deleted by the product.
 */
export interface AuditEntry {
  at: Date;
  /** The admin user's email, the API token's name, or "content sync". */
  actor: string;
  actorKind: 'user' | 'token' | 'system';
  action: AuditAction;
  kind: ContentKind;
  key: string;
  /** The fields that changed (top-level names of the YAML shape). */
  changed: string[];
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export const auditEntrySchema = new Schema<AuditEntry>(
  {
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    actorKind: { type: String, enum: ['user', 'token', 'system'], required: true },
    action: { type: String, enum: AUDIT_ACTIONS, required: true },
    kind: { type: String, enum: CONTENT_KINDS, required: true },
    key: { type: String, required: true },
    changed: { type: [String], default: [] },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
  },
  { minimize: false },
);
auditEntrySchema.index({ at: -1 });
auditEntrySchema.index({ kind: 1, key: 1, at: -1 });
