import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** A temporary copy of the shipped content/ and bots/: tests whose imports or edits write YAML work on it, never on the shipped files. */
export interface ContentCopy {
  readonly dir: string;
  /** The variables that point a runtime at the copy. */
  readonly env: { readonly CONTENT_DIR: string; readonly BOTS_DIR: string };
  remove(): void;
}

export function copyShippedContent(prefix: string): ContentCopy {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  for (const part of ['content', 'bots']) fs.cpSync(path.join(root, part), path.join(dir, part), { recursive: true });
  return {
    dir,
    env: { CONTENT_DIR: path.join(dir, 'content'), BOTS_DIR: path.join(dir, 'bots') },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
