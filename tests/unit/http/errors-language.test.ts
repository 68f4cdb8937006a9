import path from 'node:path';
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ERRORS, FIELD_RULES, InvalidError, NotFoundError, type DomainError } from '../../../src/domain/index.js';
import { errorHandler, HttpError } from '../../../src/http/errors.js';
import { createI18n, readLocaleResources, type Translate } from '../../../src/i18n/index.js';

const CONTENT = path.resolve(import.meta.dirname, '../../../content');
const resources = readLocaleResources(CONTENT) as Record<'vi' | 'en', { errors: Record<string, unknown> }>;
/** The `{{names}}` a message uses. */
const names = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
/** Every HTTP-only code the API answers (src/http/errors.ts and its callers). */
const HTTP_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'csrf',
  'login_failed',
  'password_change_required',
  'not_found',
  'conflict',
  'not_implemented',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'too_many_requests',
  'malformed_json',
  'unavailable',
  'internal',
  'error',
];

describe('every error has a vi and an en message', () => {
  for (const lng of ['vi', 'en'] as const) {
    const dict = resources[lng].errors;
    it(`${lng}: each domain code, with the params of the English message`, () => {
      for (const [code, spec] of Object.entries(ERRORS)) {
        expect(typeof dict[code], code).toBe('string');
        // A translation may leave out an internal param (an id), never invent one.
        const known = [...names(spec.message), ...('words' in spec ? spec.words : [])];
        for (const n of names(dict[code] as string)) expect(known, `${code} uses {{${n}}}`).toContain(n);
      }
    });
    it(`${lng}: each field rule and each HTTP code`, () => {
      const field = dict.field as Record<string, string>;
      for (const [rule, text] of Object.entries(FIELD_RULES)) {
        expect(typeof field[rule], rule).toBe('string');
        for (const n of names(field[rule]!)) expect(names(text), `${rule} uses {{${n}}}`).toContain(n);
      }
      const http = dict.http as Record<string, string>;
      for (const code of HTTP_CODES) expect(typeof http[code], code).toBe('string');
    });
  }
});

describe("the error answer in the caller's language", () => {
  let t: Translate;
  beforeAll(async () => {
    ({ t } = await createI18n(CONTENT));
  });

  /** The JSON error answer to `err`, asked in `lang`. */
  async function answer(err: Error, lang?: string): Promise<{ status: number; body: { error: { code: string; message: string } } }> {
    const app = express();
    app.get('/', () => {
      throw err;
    });
    app.use(errorHandler({ exposeStack: false, t }));
    const server = app.listen(0);
    try {
      const port = (server.address() as { port: number }).port;
      const r = await fetch(`http://127.0.0.1:${port}/`, { headers: lang ? { 'Accept-Language': lang } : {} });
      return { status: r.status, body: (await r.json()) as never };
    } finally {
      server.close();
    }
  }

  it('says a broadcast status in words, not its code', async () => {
    const err: DomainError = new ConflictError('broadcast_not_editable', { id: '65f0c0ffee', status: 'done' });
    expect(await answer(err)).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: 'Thông báo này đã gửi xong: chỉ sửa được thông báo đang chờ gửi.' } },
    });
    expect((await answer(err, 'en')).body.error.message).toBe('This broadcast has been sent: only broadcasts waiting to be sent can be edited.');
  });

  it('shows no internal id, and says HTTP and unexpected errors in words too', async () => {
    expect((await answer(new NotFoundError('broadcast_not_found', { id: '65f0c0ffee' }))).body.error.message).toBe('Không tìm thấy thông báo này.');
    expect((await answer(new InvalidError('cannot_disable_self'))).body.error.message).toBe('Bạn không thể tự khóa tài khoản của mình.');
    expect((await answer(new HttpError(403, 'Missing or wrong CSRF token', 'csrf'))).body.error).toEqual({
      code: 'csrf',
      message: 'Phiên làm việc không còn hợp lệ: hãy tải lại trang.',
    });
    expect(await answer(new Error('secret details'), 'en')).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: 'The server failed. Try again; if it keeps failing, tell your technical contact.' } },
    });
  });
});
