import { Router } from 'express';
import type { Certificate, Models } from '../db/index.js';
import type { Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { certificatePng, verifyCertificate } from '../learning/index.js';
import { parseCode } from '../quiz/index.js';
import type { MountedRouter } from './app.js';

export interface CertificateRoutesDeps {
  readonly models: Models;
  readonly t: Translate;
  /** PUBLIC_URL: printed on the card as where to verify it. */
  readonly publicUrl?: string | undefined;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Issue 19 item 5, public and read-only: `GET /verify/<code>` confirms a certificate (what it
 * prints, or that the code is unknown), `GET /certificates/<code>.png` is its picture, drawn again
 * from the stored fields (what Messenger and Zalo OA fetch when the certificate is sent). A code
 * is 40 random bits; anything not shaped like one is refused before the database is asked.
 */
export function createCertificateRoutes(deps: CertificateRoutesDeps): MountedRouter[] {
  const router = Router();
  const verifyUrl = (code: string) => (deps.publicUrl ? `${deps.publicUrl.replace(/\/$/, '')}/verify/${code}` : undefined);

  router.get('/certificates/:file', async (req, res, next) => {
    try {
      const m = /^([A-Za-z0-9-]{8,12})\.png$/.exec(req.params.file);
      const code = m ? parseCode(m[1]!) : null;
      const found = code ? await deps.models.Certificate.findOne({ code }).lean<Certificate>() : null;
      if (!found) return void res.status(404).type('text/plain').send('Not found');
      res
        .type('image/png')
        .set('Cache-Control', 'public, max-age=86400')
        .send(certificatePng(found, deps.t, verifyUrl(found.code)));
    } catch (err) {
      next(err);
    }
  });

  router.get('/verify/:code', async (req, res, next) => {
    try {
      const locale: Locale = req.query.lang === 'en' ? 'en' : 'vi';
      const say = (key: string, vars?: Record<string, unknown>) => escape(deps.t(locale, `learning:${key}`, vars));
      const found = await verifyCertificate(deps.models, String(req.params.code).slice(0, 40));
      const body = found
        ? [
            `<h1>${say('verify.valid')}</h1>`,
            `<p>${say('verify.name', { name: found.name })}</p>`,
            found.unit ? `<p>${say('verify.unit', { unit: found.unit })}</p>` : '',
            found.contest
              ? `<p>${say('verify.contest', { contest: found.contest.name, correct: found.contest.correct, total: found.contest.questionCount })}</p>`
              : '',
            // The final rank, once the round's results are final (the contest-close job).
            found.contest && found.contest.rank !== null && found.contest.of !== null
              ? `<p>${say('certificate.contestRank', { rank: found.contest.rank, of: found.contest.of })}</p>`
              : '',
            found.streak ? `<p>${say('certificate.streakDays', { count: found.streak.days })}</p>` : '',
            `<p>${say('verify.issued', { organisation: found.organisation, day: found.day.split('-').reverse().join('/') })}</p>`,
            `<p>${say('certificate.code', { code: found.code })}</p>`,
          ].join('\n')
        : `<h1>${say('verify.unknown')}</h1>`;
      res
        .status(found ? 200 : 404)
        .type('html')
        .send(`<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${say('verify.title')}</title></head><body>${body}</body></html>`);
    } catch (err) {
      next(err);
    }
  });
  return [{ path: '/', router }];
}
