import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Models } from '../../db/index.js';
import type { ContentPaths } from '../load.js';
import { loadValidContent } from '../service.js';
import { syncQuestions } from '../sync.js';
import { importQuestions, type QuestionImportResult } from './questions.js';

/**
 * An uploaded question table (admin API): imported into content/ exactly as the CLI does it, then
 * the questions are synced so members get them without a restart.
 */
export async function importUploadedQuestions(
  upload: { format: 'csv' | 'xlsx'; data: Buffer },
  paths: ContentPaths,
  models: Models,
): Promise<QuestionImportResult & { synced: boolean }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cds-upload-'));
  try {
    const file = path.join(dir, `questions.${upload.format}`);
    await fs.writeFile(file, upload.data);
    const result = await importQuestions(file, paths);
    if (!result.ok) return { ...result, synced: false };
    await syncQuestions(models, loadValidContent(paths).questions);
    return { ...result, synced: true };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
