import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { copyShippedContent, type ContentCopy } from '../../helpers/content-copy.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
let rt: Runtime;
let token: string;
let copy: ContentCopy;

const header =
  'id,topic,difficulty,question,option_a,option_b,option_c,option_d,answer,explanation,facts,tags,' +
  'question_en,option_a_en,option_b_en,option_c_en,option_d_en,explanation_en,status,author,written_at,reviewer,reviewed_at';
const good =
  'up-001,digital-skills,1,"Tổ công nghệ số cộng đồng của khu dân cư thường gồm những ai?",Người dân tại chỗ được tập huấn kỹ năng số,' +
  'Cán bộ của bộ ngành trung ương,Nhân viên các ngân hàng thương mại,Giáo viên tin học được điều động về,A,' +
  '"Tổ công nghệ số cộng đồng được lập ở thôn, tổ dân phố để giúp người dân dùng dịch vụ số.",S04,to-cong-nghe-so,' +
  '"Who usually makes up a neighbourhood community digital technology team?",Local people trained in digital skills,' +
  'Officials of central ministries,Staff of commercial banks,IT teachers sent in,' +
  '"Community digital technology teams are set up in villages and residential groups to help people use digital services.",' +
  'draft,Nhóm nội dung A,2026-12-03,,';

beforeAll(async () => {
  copy = copyShippedContent('cds-import-api');
  db = await openTestDb('imp');
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  token = (await admin.createToken({ name: 'importer', role: 'admin' })).token;
  rt = await startRuntime(
    db.config({
      HOST: '127.0.0.1',
      PORT: '0',
      SCHEDULER_ENABLED: 'false',
      CONTENT_SYNC_ON_START: 'false',
      ...copy.env,
    }),
  );
}, 60_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
  copy?.remove();
});

const upload = (body: string) =>
  fetch(`${rt.url}/api/v1/questions/import`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/csv' },
    body,
  });

describe('question import over the API', () => {
  it('rejects a file with a bad row, names the row and column, and writes nothing', async () => {
    const before = fs.readFileSync(path.join(copy.dir, 'content/questions/digital-skills.yaml'), 'utf8');
    const res = await upload(`${header}\n${good.replace(',A,"Tổ', ',E,"Tổ')}\n`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { content: Array<{ row: number; column: string }> } } };
    expect(body.error.code).toBe('content_rows_rejected');
    expect(body.error.details.content).toEqual([expect.objectContaining({ row: 2, column: 'answer' })]);
    expect(fs.readFileSync(path.join(copy.dir, 'content/questions/digital-skills.yaml'), 'utf8')).toBe(before);
    expect(await db.models.Question.countDocuments({ questionId: 'up-001' })).toBe(0);
  });

  it('imports a valid file into the database (owned by it: the shipped YAML is left as it is) and members get it once published', async () => {
    const before = fs.readFileSync(path.join(copy.dir, 'content/questions/digital-skills.yaml'), 'utf8');
    const res = await upload(`${header}\n${good}\n`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ created: 1, updated: 0 });
    expect(fs.readFileSync(path.join(copy.dir, 'content/questions/digital-skills.yaml'), 'utf8')).toBe(before);
    expect(rt.content.questions.find((q) => q.id === 'up-001')).toMatchObject({ status: 'draft', review: { author: 'Nhóm nội dung A' } });
    const q = await db.models.Question.findOne({ questionId: 'up-001' }).lean();
    expect(q).toMatchObject({ topic: 'digital-skills', answer: 0, retiredAt: null });
  });
});
