import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { copyShippedContent, type ContentCopy } from '../../helpers/content-copy.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let db: TestDb;
let rt: Runtime;
let token: string;
let copy: ContentCopy;

const header = 'id,topic,difficulty,question,option_a,option_b,answer,explanation,source';
const row = (i: number) => `lim-${i},digital-skills,1,"Câu hỏi thử số ${i} về kỹ năng số?",Có,Không,A,"Giải thích cho câu ${i}.",S04`;

beforeAll(async () => {
  copy = copyShippedContent('cds-import-limits');
  db = await openTestDb('implim');
  token = (await createAdminService(db.models, { sessionSecret: undefined }).createToken({ name: 'importer', role: 'admin' })).token;
  const quiet = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  rt = await startRuntime(
    db.config({
      HOST: '127.0.0.1',
      PORT: '0',
      SCHEDULER_ENABLED: 'false',
      CONTENT_SYNC_ON_START: 'false',
      ...copy.env,
    }),
  );
  quiet.mockRestore();
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
  copy?.remove();
});

async function upload(body: Buffer | string, type = 'text/csv', language = 'vi') {
  const res = await fetch(`${rt.url}/api/v1/questions/import`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': type, 'Accept-Language': language },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, error: ((await res.json()) as { error?: { code: string; message: string } }).error };
}

/** A zip with one stored-as-deflated part, whose directory may claim another size than the data has. */
function zip(name: string, content: Buffer, claimedSize = content.length): Buffer {
  const data = deflateRawSync(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(claimedSize, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(claimedSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE(0, 42);
  const cdOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

describe('question imports within limits', () => {
  it('a 9.6 MB CSV is refused at once with 413, before it is read', async () => {
    // The size of the file that once kept the server busy for 284 s (under the old 10 MB limit).
    const big = [header, ...Array.from({ length: 33_115 }, (_, i) => row(i).padEnd(285, ' '))].join('\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(9_500_000);
    expect(Buffer.byteLength(big)).toBeLessThan(10 * 1024 * 1024);
    const r = await upload(big);
    expect(r.status).toBe(413);
    expect((await fetch(`${rt.url}/healthz`)).status).toBe(200);
  });

  it('more rows than allowed is refused with 400 and the limit', async () => {
    const r = await upload([header, ...Array.from({ length: 2_500 }, (_, i) => row(i))].join('\n'));
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({ code: 'import_too_many_rows', message: expect.stringMatching(/hơn 2000 dòng/) });
  });

  it('an XLSX that unpacks to 20 MB, or whose directory lies about a part’s size, is refused with 413 before it is unpacked', async () => {
    const bomb = await upload(zip('xl/worksheets/sheet1.xml', Buffer.alloc(20 * 1024 * 1024, 0x20)), XLSX_TYPE);
    expect(bomb.status).toBe(413);
    expect(bomb.error?.code).toBe('import_inflated_too_large');
    const liar = await upload(zip('xl/worksheets/sheet1.xml', Buffer.alloc(8 * 1024 * 1024, 0x20), 1000), XLSX_TYPE);
    expect(liar.status).toBe(413);
    expect(liar.error?.code).toBe('import_inflated_too_large');
  });

  it('text that is not UTF-8, NUL bytes and an unclosed quote are refused with 400 and the line', async () => {
    const latin1 = Buffer.from(`${header}\n${row(1).replace('Câu hỏi', 'C\u00e2u h\u1ecfi')}\n`, 'latin1');
    expect(await upload(latin1)).toMatchObject({
      status: 400,
      error: { code: 'import_unreadable', message: expect.stringMatching(/dòng 2 không phải văn bản UTF-8/) },
    });
    expect(await upload(latin1, 'text/csv', 'en')).toMatchObject({
      error: { code: 'import_unreadable', message: expect.stringMatching(/line 2 is not UTF-8 text/) },
    });
    expect(await upload(`${header}\n${row(1)}\n${row(2).replace('Có', 'C\u0000ó')}\n`)).toMatchObject({
      status: 400,
      error: { code: 'import_unreadable', message: expect.stringMatching(/dòng 3 có ký tự NUL/) },
    });
    expect(await upload(`${header}\n${row(1)}\n${row(2).replace('"Giải thích', '"Giải thích chưa đóng ngoặc')}`.replace(/\.",S04$/, '.,S04'))).toMatchObject({
      status: 400,
      error: { code: 'import_unreadable', message: expect.stringMatching(/dấu ngoặc kép mở ở dòng 3/) },
    });
  });

  it('a wrong content type or random bytes are refused with 400, never 500', async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    for (const [body, type] of [
      [random, 'text/csv'],
      [random, XLSX_TYPE],
      [random, 'application/octet-stream'],
      ['id,topic\n', 'application/x-www-form-urlencoded'],
      ['{"not":"a table"}', 'application/json'],
    ] as const) {
      const r = await upload(body, type);
      expect(r.status, type).toBe(400);
      expect(r.error?.message, type).toBeTruthy();
    }
  });
});
