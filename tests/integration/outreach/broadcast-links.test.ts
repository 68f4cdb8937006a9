import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { makeOutreach, recordingSend, type Harness } from './harness.js';

let db: TestDb;
let prod: Harness;
let dev: Harness;
const later = '2030-10-10T08:00';

beforeAll(async () => {
  db = await openTestDb('blinks');
  // Production config without MONGODB_URI is refused unless the operator says so (#16); the models here come from `db`.
  const { send } = recordingSend();
  prod = await makeOutreach(db, send, new Date(), {}, { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), EMBEDDED_DB_IN_PRODUCTION: 'true' });
  dev = await makeOutreach(db, send, new Date(), {}, { NODE_ENV: 'development' });
});
afterAll(async () => {
  await prod?.scheduler.stop();
  await dev?.scheduler.stop();
  await db?.close();
});

const withLink = (url: string) => ({ text: { vi: 'Xem thể lệ cuộc thi' }, link: { url, title: { vi: 'Thể lệ' } }, sendAt: later });

describe('broadcast links', () => {
  it('javascript:, data: and file: links are refused wherever a broadcast is written', async () => {
    for (const url of ['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'ftp://example.org/x']) {
      await expect(prod.outreach.broadcasts.create(withLink(url), 'organiser'), url).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(prod.outreach.broadcasts.preview(withLink(url)), url).rejects.toMatchObject({ code: 'validation_failed' });
      await expect(dev.outreach.broadcasts.create(withLink(url), 'organiser'), url).rejects.toMatchObject({ code: 'validation_failed' });
    }
    const b = await prod.outreach.broadcasts.create(withLink('https://congdoan.example.vn/the-le'), 'organiser');
    await expect(prod.outreach.broadcasts.update(b.id, { link: { url: 'javascript:alert(1)', title: { vi: 'x' } } })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('https links are accepted; plain http only in development', async () => {
    expect((await prod.outreach.broadcasts.create(withLink('https://congdoan.example.vn/the-le'), 'organiser')).id).toBeTruthy();
    await expect(prod.outreach.broadcasts.create(withLink('http://congdoan.example.vn/the-le'), 'organiser')).rejects.toMatchObject({
      fields: [{ field: 'link.url', message: 'must start with https://' }],
    });
    const b = await prod.outreach.broadcasts.create(withLink('https://congdoan.example.vn/a'), 'organiser');
    await expect(prod.outreach.broadcasts.update(b.id, { link: { url: 'http://congdoan.example.vn/b', title: { vi: 'x' } } })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect((await dev.outreach.broadcasts.create(withLink('http://localhost:3000/the-le'), 'organiser')).id).toBeTruthy();
  });
});
