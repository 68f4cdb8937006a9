import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Types } from 'mongoose';
import { questionRecord, syncQuestions, syncUnits, type QuestionContent, type UnitList } from '../../../src/content/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

const question = (id: string, text: string, answer: QuestionContent['answer'] = 'A'): QuestionContent => ({
  id,
  topic: 'laws',
  difficulty: 1,
  question: text,
  options: ['Một', 'Hai', 'Ba'],
  answer,
  explanation: 'Giải thích đủ dài cho câu hỏi thử.',
  facts: ['L01'],
  tags: ['thu'],
  en: { question: `${text} (English)`, options: ['One', 'Two', 'Three'], explanation: 'A long enough explanation of the test question.' },
  review: { author: 'Nhóm nội dung A', writtenAt: '2026-12-01', reviewer: 'Nhóm nội dung B', reviewedAt: '2026-12-02' },
  status: 'published',
});

describe('content sync', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb('content_sync');
  });
  afterAll(async () => {
    await db.close();
  });

  it('adds new questions, gives a changed one a new revision while old answers keep theirs, retires and un-retires', async () => {
    const { Question, QuestionRevision, Answer } = db.models;
    const q1 = question('q-001', 'Câu hỏi thứ nhất về luật giao dịch điện tử?');
    const q2 = question('q-002', 'Câu hỏi thứ hai về bảo vệ dữ liệu cá nhân?');

    expect(await syncQuestions(db.models, [q1, q2])).toEqual({ created: 2, changed: 0, unretired: 0, unchanged: 0, retired: 0 });
    const first = await Question.findOne({ questionId: 'q-001' }).lean();
    expect(first).toMatchObject({ revision: questionRecord(q1).revision, answer: 0, retiredAt: null, vi: { options: ['Một', 'Hai', 'Ba'] } });
    expect(first!.revision).toMatch(/^[0-9a-f]{12}$/);

    // Someone answered the first revision.
    await Answer.create({
      participantId: new Types.ObjectId(),
      bot: 'demo',
      channel: 'web',
      unitId: null,
      questionId: 'q-001',
      revision: first!.revision,
      mode: 'daily',
      day: '2026-11-23',
      attemptId: null,
      choice: 0,
      correct: true,
      timeTakenMs: 1000,
      answeredAt: new Date(),
    });

    // The right answer moves to B: a new revision; the answer keeps pointing at the old one, which still exists.
    const q1b = { ...q1, answer: 'B' as const };
    expect(await syncQuestions(db.models, [q1b, q2])).toMatchObject({ created: 0, changed: 1, unchanged: 1 });
    const changed = await Question.findOne({ questionId: 'q-001' }).lean();
    expect(changed!.revision).not.toBe(first!.revision);
    expect(changed!.answer).toBe(1);
    const revisions = await QuestionRevision.find({ questionId: 'q-001' }).lean();
    expect(revisions.map((r) => r.revision).sort()).toEqual([first!.revision, changed!.revision].sort());
    const oldAnswer = await Answer.findOne({ questionId: 'q-001' }).lean();
    expect(oldAnswer!.revision).toBe(first!.revision);
    expect(revisions.find((r) => r.revision === oldAnswer!.revision)!.answer).toBe(0);

    // Removed from content: retired, not deleted.
    expect(await syncQuestions(db.models, [q1b])).toMatchObject({ retired: 1, unchanged: 1 });
    const retired = await Question.findOne({ questionId: 'q-002' }).lean();
    expect(retired!.retiredAt).toBeInstanceOf(Date);

    // Back in content: un-retired.
    expect(await syncQuestions(db.models, [q1b, q2])).toMatchObject({ unretired: 1, unchanged: 1, retired: 0 });
    expect((await Question.findOne({ questionId: 'q-002' }).lean())!.retiredAt).toBeNull();

    // Running again changes nothing.
    expect(await syncQuestions(db.models, [q1b, q2])).toEqual({ created: 0, changed: 0, unretired: 0, unchanged: 2, retired: 0 });
    expect(await Question.countDocuments()).toBe(2);
    expect(await QuestionRevision.countDocuments()).toBe(3);
  });

  it('stores the facts, province, review trail and status; publishing a draft is a new revision', async () => {
    const draft: QuestionContent = {
      ...question('p-001', 'Năm 2023, cuộc thi của CĐVC Quảng Trị bắt đầu ngày nào?'),
      facts: ['seed-000-contest-window', 'P02'],
      province: 'quang-tri',
      review: { author: 'Nhóm nội dung A', writtenAt: '2026-12-01' },
      status: 'draft',
    };
    await syncQuestions(db.models, [draft]);
    const stored = await db.models.Question.findOne({ questionId: 'p-001' }).lean();
    expect(stored).toMatchObject({
      facts: ['seed-000-contest-window', 'P02'],
      province: 'quang-tri',
      review: { author: 'Nhóm nội dung A', writtenAt: '2026-12-01', reviewer: null, reviewedAt: null },
      status: 'draft',
    });
    const published = { ...draft, review: { ...draft.review, reviewer: 'Nhóm nội dung B', reviewedAt: '2026-12-03' }, status: 'published' as const };
    expect(await syncQuestions(db.models, [published])).toMatchObject({ changed: 1 });
    const after = await db.models.Question.findOne({ questionId: 'p-001' }).lean();
    expect(after).toMatchObject({ status: 'published', review: { reviewer: 'Nhóm nội dung B', reviewedAt: '2026-12-03' } });
    expect(after!.revision).not.toBe(stored!.revision);
  });

  it('two syncs at once end with one question per id and one row per revision', async () => {
    const qs = [question('c-001', 'Câu hỏi đồng thời số một về dữ liệu?'), question('c-002', 'Câu hỏi đồng thời số hai về dữ liệu?')];
    const other = await openTestDb('content_sync_race');
    try {
      const models = other.models;
      await Promise.all([syncQuestions(models, qs), syncQuestions(models, qs), syncQuestions(models, qs)]);
      expect(await models.Question.countDocuments()).toBe(2);
      expect(await models.QuestionRevision.countDocuments()).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('syncs unit lists by list and unit id, retiring units that left the list', async () => {
    const list: UnitList = {
      id: 'example',
      label: 'Danh sách mẫu',
      example: true,
      units: [
        { id: 'thpt-1', name: 'CĐCS Trường THPT số 1', size: 40 },
        { id: 'thpt-2', name: 'CĐCS Trường THPT số 2' },
      ],
    };
    expect(await syncUnits(db.models, [list])).toEqual({ upserted: 2, unchanged: 0, retired: 0 });
    expect(await syncUnits(db.models, [list])).toEqual({ upserted: 0, unchanged: 2, retired: 0 });
    const smaller = { ...list, units: [{ ...list.units[0]!, name: 'CĐCS Trường THPT số 1 (mới)' }] };
    expect(await syncUnits(db.models, [smaller])).toEqual({ upserted: 1, unchanged: 0, retired: 1 });
    const units = await db.models.Unit.find({ listId: 'example' }).sort({ unitId: 1 }).lean();
    expect(units.map((u) => [u.unitId, u.name, u.size, u.example, u.retiredAt === null])).toEqual([
      ['thpt-1', 'CĐCS Trường THPT số 1 (mới)', 40, true, true],
      ['thpt-2', 'CĐCS Trường THPT số 2', null, true, false],
    ]);
  });
});
