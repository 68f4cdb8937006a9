import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botSchema, loadContent, syncQuestions, type BotConfig, type ContentBundle, type Fact, type QuestionContent } from '../../../src/content/index.js';
import { createQuestionSource } from '../../../src/conversation/questions.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;

const review = { author: 'Nhóm nội dung A', writtenAt: '2026-12-01', reviewer: 'Nhóm nội dung B', reviewedAt: '2026-12-02' };
const q = (id: string, topic: string, extra: Partial<QuestionContent> = {}): QuestionContent => ({
  id,
  topic,
  difficulty: 1,
  question: `Câu hỏi ${id} về chuyển đổi số?`,
  options: ['Một', 'Hai', 'Ba'],
  answer: 'A',
  explanation: 'Giải thích đủ dài cho câu hỏi thử.',
  facts: ['N09'],
  tags: [],
  en: { question: `Question ${id}?`, options: ['One', 'Two', 'Three'], explanation: 'A long enough explanation.' },
  review,
  status: 'published',
  ...extra,
});
const bank: QuestionContent[] = [
  q('g-1', 'laws'),
  q('g-2', 'source-plans'),
  q('qt-1', 'source-plans', { province: 'quang-tri' }),
  q('qt-2', 'laws', { province: 'quang-tri' }),
  q('bk-1', 'source-plans', { province: 'bac-kan' }),
  q('draft-1', 'laws', { status: 'draft', review: { author: 'Nhóm nội dung A', writtenAt: '2026-12-01' } }),
  q('reviewed-1', 'laws', { status: 'reviewed' }),
];
const fact: Fact = {
  id: 'N09',
  statement: { vi: 'Ngày 10/10 hằng năm là Ngày Chuyển đổi số quốc gia.', en: '10 October is National Digital Transformation Day.' },
  document: {
    kind: { vi: 'Quyết định', en: 'Decision' },
    number: '505/QĐ-TTg',
    date: '2022-04-22',
    issuer: { vi: 'Thủ tướng Chính phủ', en: 'The Prime Minister' },
  },
  quote: 'lấy ngày 10-10 hàng năm là ngày Chuyển đổi số quốc gia',
};
const bot = (over: Record<string, unknown>): BotConfig =>
  botSchema.parse({
    id: 'b',
    name: { vi: 'Bot' },
    organisation: { vi: 'Đơn vị' },
    dailyQuestion: { cron: '0 8 * * *' },
    topics: ['laws', 'source-plans'],
    units: 'x',
    ...over,
  });

beforeAll(async () => {
  db = await openTestDb('qsource');
  await syncQuestions(db.models, bank);
});
afterAll(async () => {
  await db?.close();
});

const ids = async (b: BotConfig) => (await createQuestionSource(db.models, Date.now, [fact]).forBot(b)).map((x) => x.questionId).sort();

describe('the questions a bot asks', () => {
  it("a provincial bot asks its own province's questions and the general ones, in every topic, and only published ones", async () => {
    expect(await ids(bot({ province: 'quang-tri' }))).toEqual(['g-1', 'g-2', 'qt-1', 'qt-2']);
    expect(await ids(bot({ province: 'bac-kan' }))).toEqual(['bk-1', 'g-1', 'g-2']);
  });

  it('a bot without a province asks general questions only; the demo (allProvinces) asks every province', async () => {
    expect(await ids(bot({}))).toEqual(['g-1', 'g-2']);
    expect(await ids(bot({ allProvinces: true }))).toEqual(['bk-1', 'g-1', 'g-2', 'qt-1', 'qt-2']);
  });

  it('carries the source in words from the fact base, never the fact id', async () => {
    const [first] = await createQuestionSource(db.models, Date.now, [fact]).forBot(bot({}));
    expect(first!.source).toEqual({
      vi: 'Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ',
      en: 'Decision 505/QĐ-TTg of 22 April 2022 by the Prime Minister',
    });
  });
});

describe('the shipped bots', () => {
  const root = path.resolve(import.meta.dirname, '../../..');
  let content: ContentBundle;
  beforeAll(() => {
    content = loadContent({ botsDir: path.join(root, 'bots'), contentDir: path.join(root, 'content'), root }).bundle;
  });

  it("no provincial bot asks another province's question, and the Quảng Trị contest pool is general knowledge only", async () => {
    const other = await openTestDb('qsource_shipped');
    try {
      await syncQuestions(other.models, content.questions);
      const source = createQuestionSource(other.models, Date.now, content.facts);
      for (const b of content.bots.filter((x) => !x.allProvinces)) {
        const asked = await source.forBot(b);
        const byId = new Map(content.questions.map((x) => [x.id, x]));
        for (const a of asked) expect([undefined, b.province], `${b.id} asks ${a.questionId}`).toContain(byId.get(a.questionId)!.province);
      }
      const qt = content.bots.find((b) => b.id === 'quang-tri-cdvc')!;
      const pool = (await source.forBot(qt)).filter((x) => qt.contest!.topics!.includes(x.topic));
      expect(pool.length).toBeGreaterThanOrEqual(qt.contest!.questionsPerAttempt);
      const byId = new Map(content.questions.map((x) => [x.id, x]));
      expect(pool.filter((x) => ![undefined, 'quang-tri'].includes(byId.get(x.questionId)!.province))).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
