import fs from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import { MEDIA_LIMITS, MEDIA_NAME, MEDIA_TYPES, readImageHeader } from '../content/index.js';
import type { MountedRouter } from './app.js';

export interface MediaRoutesDeps {
  /** CONTENT_DIR: pictures are the files of its `media/` folder. */
  readonly contentDir: string;
}

/**
 * Issue 19 item 8, public and read-only: `GET /media/<file>` is a picture of content/media, at the
 * stable address Messenger and Zalo OA fetch a question's attachment from (`mediaUrl`). Only plain
 * file names content:check accepts are looked up (no folders, no dot files), and a file is served
 * with the type its own bytes say, never the one its name claims; anything else is 404.
 */
export function createMediaRoutes(deps: MediaRoutesDeps): MountedRouter[] {
  const router = Router();
  const dir = path.resolve(deps.contentDir, 'media');
  router.get('/media/:file', async (req, res, next) => {
    try {
      const name = String(req.params.file);
      const bytes = MEDIA_NAME.test(name) ? await readSmall(path.join(dir, name)) : null;
      const header = bytes ? readImageHeader(bytes) : null;
      if (!bytes || !header) return void res.status(404).type('text/plain').send('Not found');
      res.type(MEDIA_TYPES[header.format]).set('Cache-Control', 'public, max-age=3600').set('X-Content-Type-Options', 'nosniff').send(bytes);
    } catch (err) {
      next(err);
    }
  });
  return [{ path: '/', router }];
}

/** The file's bytes, or null when it is missing or over the limit content:check holds pictures to. */
async function readSmall(file: string): Promise<Buffer | null> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile() || stat.size > MEDIA_LIMITS.maxBytes) return null;
  return fs.readFile(file);
}
