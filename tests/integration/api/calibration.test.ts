import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { botAsks, contentPaths, isLive, loadValidContent, type QuestionContent } from '../../../src/content/index.js';
import { dayOf } from '../../../src/domain/index.js';
import { createStats } from '../../../src/stats/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';
import { projectRoot, tsCommand } from '../../helpers/process.js';

const run = promisify(execFile);
const ZONE = 'Asia/Ho_Chi_Minh';

let db: TestDb;
let rt: Runtime;
let adminToken: string;
let organiserToken: string;
/** The questions the answers below are about, picked from the shipped bank (whatever its ids are today). */
let easyMostlyWrong: QuestionContent;
let hardMostlyRight: QuestionContent;
let easyMostlyRight: QuestionContent;
let easyFewAnswers: QuestionContent;
let hardRightElsewhere: QuestionContent;

/** `n` answers to a question on a bot, `right` of them correct, each by another member, yesterday (Vietnam time). */
function answers(q: QuestionContent, bot: string, n: number, right: number) {
  const at = new Date(Date.now() - 86_400_000);
  return Array.from({ length: n }, (_, i) => ({
    participantId: new Types.ObjectId(),
    bot,
    channel: 'web',
    unitId: null,
    questionId: q.id,
    revision: 'r',
    mode: 'daily',
    day: dayOf(at, ZONE),
    attemptId: null,
    choice: 0,
    correct: i < right,
    timeTakenMs: 5000,
    answeredAt: at,
  }));
}

beforeAll(async () => {
  db = await openTestDb('calibration');
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  adminToken = (await admin.createToken({ name: 'a', role: 'admin' })).token;
  organiserToken = (await admin.createToken({ name: 'o', role: 'organiser', bots: ['demo'] })).token;
  const config = db.config({ HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', CONTENT_SYNC_ON_START: 'false' });
  const bundle = loadValidContent(contentPaths(config));
  const demo = bundle.bots.find((b) => b.id === 'demo')!;
  const demoAsks = bundle.questions.filter((q) => isLive(q) && botAsks(demo, q));
  const easy = demoAsks.filter((q) => q.difficulty === 1);
  const hard = demoAsks.filter((q) => q.difficulty === 3);
  [easyMostlyWrong, easyMostlyRight, easyFewAnswers] = easy as [QuestionContent, QuestionContent, QuestionContent];
  [hardMostlyRight, hardRightElsewhere] = hard as [QuestionContent, QuestionContent];
  await db.models.Answer.insertMany([
    ...answers(easyMostlyWrong, 'demo', 40, 8), // 20% right: harder than "easy"
    ...answers(hardMostlyRight, 'demo', 40, 36), // 90% right: easier than "hard"
    ...answers(easyMostlyRight, 'demo', 40, 34), // 85%: as easy as its label
    ...answers(easyFewAnswers, 'demo', 10, 0), // too few answers to say anything
    ...answers(hardRightElsewhere, 'quang-ngai-edu', 40, 38), // easier than "hard", but on another organisation's bot
  ]);
  // The rollups the statistics read, before the server starts (so its catch-up has nothing left to add).
  await createStats(db.models, { timeZone: ZONE, catchUpEveryMs: 0 }).updater.rebuild();
  rt = await startRuntime(config);
}, 120_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
});

const get = (url: string, token: string) => fetch(`${rt.url}${url}`, { headers: { Authorization: `Bearer ${token}` } });
const csvRows = (text: string) => parse(text.replace(/^\ufeff/, '')) as string[][];

describe('GET /exports/calibration: questions whose answers contradict their difficulty', () => {
  it('lists an easy question most members get wrong and a hard one most get right, and nothing else, in CSV with words for codes', async () => {
    const r = await get('/api/v1/exports/calibration?format=csv', adminToken);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(r.headers.get('content-disposition')).toMatch(/attachment; filename="calibration-all-\d{4}-\d{2}-\d{2}\.csv"/);
    const [headers, ...rows] = csvRows(await r.text());
    expect(headers).toEqual(['Mã câu hỏi', 'Câu hỏi', 'Chủ đề', 'Độ khó (nhãn)', 'Độ khó theo kết quả', 'Lượt trả lời', 'Tỉ lệ đúng', 'Lý do']);
    expect(rows.map((row) => row[0]).sort()).toEqual([easyMostlyWrong.id, hardMostlyRight.id, hardRightElsewhere.id].sort());
    const easyRow = rows.find((row) => row[0] === easyMostlyWrong.id)!;
    expect(easyRow.slice(1, 7)).toEqual([easyMostlyWrong.question, topicWords(easyMostlyWrong.topic), 'Dễ', 'Khó', '40', '20%']);
    expect(easyRow[7]).toBe('Khó hơn nhãn: chỉ 20% trong 40 lượt trả lời là đúng, trong khi câu «Dễ» thường có 70%–100% trả lời đúng.');
    const hardRow = rows.find((row) => row[0] === hardMostlyRight.id)!;
    expect(hardRow.slice(3, 7)).toEqual(['Khó', 'Dễ', '40', '90%']);
    expect(hardRow[7]).toBe('Dễ hơn nhãn: 90% trong 40 lượt trả lời là đúng, trong khi câu «Khó» thường có 0%–50% trả lời đúng.');
  });

  it("an organiser's list holds only the questions their bots ask, from their bots' answers; another bot is 403", async () => {
    const r = await get('/api/v1/exports/calibration?format=csv', organiserToken);
    expect(r.status).toBe(200);
    const [, ...rows] = csvRows(await r.text());
    expect(rows.map((row) => row[0]).sort()).toEqual([easyMostlyWrong.id, hardMostlyRight.id].sort());
    expect((await get('/api/v1/exports/calibration?format=csv&bot=quang-ngai-edu', organiserToken)).status).toBe(403);
    // The question list's filter flags the same questions: one function decides.
    const list = (await (await get('/api/v1/questions?miscalibrated=true&pageSize=200', organiserToken)).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((q) => q.id).sort()).toEqual(rows.map((row) => row[0]).sort());
  });

  it('downloads as a real XLSX workbook with English headers on request', async () => {
    const r = await get('/api/v1/exports/calibration?format=xlsx&lang=en&bot=demo', adminToken);
    expect(r.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as never);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('calibration');
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
      'Question id',
      'Question',
      'Topic',
      'Difficulty (label)',
      'Difficulty the answers suggest',
      'Answers',
      'Accuracy',
      'Reason',
    ]);
    const ids = [2, 3].map((n) => ws.getRow(n).getCell(1).value);
    expect(ids.sort()).toEqual([easyMostlyWrong.id, hardMostlyRight.id].sort());
    expect(ws.rowCount).toBe(3);
    const easyRow = ws.getRow(ids.indexOf(easyMostlyWrong.id) + 2);
    expect([easyRow.getCell(4).value, easyRow.getCell(5).value, easyRow.getCell(6).value, easyRow.getCell(7).value]).toEqual(['Easy', 'Hard', 40, 0.2]);
    // The accuracy stays a number, shown as a percentage.
    expect(easyRow.getCell(7).numFmt).toBe('0.0%');
  });
});

describe('npm run cli -- content calibration', () => {
  it('writes the same list as the admin export (one function), and prints it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calibration-'));
    const out = path.join(dir, 'calibration.csv');
    const [node, args] = tsCommand('src/cli.ts', ['content', 'calibration', '--out', out]);
    const { stdout } = await run(node, args, {
      cwd: projectRoot,
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGODB_URI: db.uri, MONGODB_DB_NAME: db.name },
    });
    expect(stdout).toContain(`${easyMostlyWrong.id} · ${topicWords(easyMostlyWrong.topic)} · Dễ → Khó`);
    expect(stdout).toMatch(/3 câu hỏi có độ khó chưa khớp với kết quả trả lời từ \d\d\/\d\d\/\d{4} đến \d\d\/\d\d\/\d{4}\./);
    expect(stdout).toContain(`Đã ghi danh sách vào ${out}.`);
    const api = Buffer.from(await (await get('/api/v1/exports/calibration?format=csv', adminToken)).arrayBuffer());
    expect(fs.readFileSync(out).equals(api)).toBe(true);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

/** A topic as organisers read it (common.json), from the same locale files the server loaded. */
function topicWords(slug: string): string {
  const common = JSON.parse(fs.readFileSync(path.join(projectRoot, 'content/locales/vi/common.json'), 'utf8')) as { topic: Record<string, string> };
  return common.topic[slug]!;
}
