import { Schema } from 'mongoose';

/** What organisers edit in the admin pages: the kinds of the content's second layer. */
export const CONTENT_KINDS = ['question', 'campaign', 'contest', 'unitList'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/**
 * One item of content owned by the database: created or changed in the admin pages or the API.
 * Shipped YAML (bots/, content/) is the starting content; once an organiser saves an item it is
 * "owned by the database": `value` is the item in its YAML shape (validated by src/content), and a
 * content sync never overwrites it. `yamlRevision` is the revision of the shipped item it was taken
 * over from (null for an item born in the pages), so a sync can tell "YAML changed since" (a
 * conflict it reports) from "YAML caught up" (after `content export`).
 */
export interface ContentItem {
  kind: ContentKind;
  /** The item's id: question id, campaign id, contest id or unit list id. */
  key: string;
  value: Record<string, unknown>;
  /** contentRevision(value). */
  revision: string;
  yamlRevision: string | null;
  /** Retired in the pages (a question no longer asked); kept for the answers and the history. */
  retired: boolean;
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export const contentItemSchema = new Schema<ContentItem>(
  {
    kind: { type: String, enum: CONTENT_KINDS, required: true },
    key: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
    revision: { type: String, required: true },
    yamlRevision: { type: String, default: null },
    retired: { type: Boolean, default: false },
    createdBy: { type: String, required: true },
    updatedBy: { type: String, required: true },
  },
  { timestamps: true, minimize: false },
);
contentItemSchema.index({ kind: 1, key: 1 }, { unique: true });
contentItemSchema.index({ updatedAt: -1 });
