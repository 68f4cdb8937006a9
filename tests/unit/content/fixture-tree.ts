import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/content');

/**
 * A content tree in a temporary directory: the good fixture with the files of
 * `broken/<overlay>` laid over it. Returns the directory (bots/ and content/ inside).
 */
export function fixtureTree(overlay?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-'));
  fs.cpSync(path.join(FIXTURES, 'good'), dir, { recursive: true });
  if (overlay) fs.cpSync(path.join(FIXTURES, 'broken', overlay), dir, { recursive: true });
  return dir;
}

export const treePaths = (dir: string) => ({ botsDir: path.join(dir, 'bots'), contentDir: path.join(dir, 'content'), root: dir });
