import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAndCheckContent, syncQuestions, type ContentBundle } from '../../../src/content/index.js';
import { createQuestionSource } from '../../../src/conversation/questions.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
let bundle: ContentBundle;

beforeAll(async () => {
  const root = path.resolve(import.meta.dirname, '../../..');
  bundle = loadAndCheckContent({ botsDir: path.join(root, 'bots'), contentDir: path.join(root, 'content'), root }).loaded.bundle;
  db = await openTestDb('qsource');
  await syncQuestions(db.models, bundle.questions);
});
afterAll(async () => {
  await db?.close();
});

const bot = (id: string) => bundle.bots.find((b) => b.id === id)!;

describe('the questions a bot asks', () => {
  it("a provincial bot asks about its own province's plan only, and every general topic", async () => {
    const source = createQuestionSource(db.models);
    const bacKan = await source.forBot(bot('bac-kan-ldld'));
    const plans = bacKan.filter((q) => q.topic === 'source-plans');
    const tagged = bundle.questions.filter((q) => q.topic === 'source-plans' && q.tags.includes('bac-kan')).map((q) => q.id);
    expect(plans.map((q) => q.questionId).sort()).toEqual([...tagged].sort());
    expect(plans.length).toBeGreaterThan(0);
    const general = bundle.questions.filter((q) => q.topic !== 'source-plans').length;
    expect(bacKan.length - plans.length).toBe(general);
  });

  it('a bot without a tag filter asks every question of its topics', async () => {
    const all = await createQuestionSource(db.models).forBot(bot('demo'));
    expect(all).toHaveLength(bundle.questions.length);
  });
});
