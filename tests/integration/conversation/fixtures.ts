import { pino } from 'pino';
import { createConversation, type Conversation, type ConversationListeners } from '../../../src/conversation/index.js';
import type { Fact, UnitList } from '../../../src/content/schema.js';
import type { InboundEvent } from '../../../src/domain/index.js';
import type { Models } from '../../../src/db/models/index.js';
import { TEST_KEY, bot, letterFor, orderFor, questions, units } from '../../unit/conversation/harness.js';
import { createI18n } from '../../../src/i18n/index.js';
import { readFactFile } from '../../helpers/facts.js';

export { TEST_KEY, bot, letterFor, orderFor, questions, units };

export const unitList: UnitList = {
  id: 'test-units',
  label: 'Test units',
  example: true,
  units: units.map((u) => ({ id: u.unitId, name: u.name, ...(u.size ? { size: u.size } : {}) })),
};

/** The fact the harness questions cite: members read its document as the source. */
export const facts: Fact[] = [
  {
    id: 'N01',
    statement: { vi: 'Chương trình Chuyển đổi số quốc gia được phê duyệt năm 2020.', en: 'The programme was approved in 2020.' },
    document: {
      kind: { vi: 'Quyết định', en: 'Decision' },
      number: '749/QĐ-TTg',
      date: '2020-06-03',
      issuer: { vi: 'Thủ tướng Chính phủ', en: 'The Prime Minister' },
    },
    quote: 'Phê duyệt Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030.',
  },
];

/** The shipped national fact base for Hỏi đáp, with the harness fact in place of its namesake. */
export function factBase(): Fact[] {
  const own = new Set(facts.map((f) => f.id));
  const shipped = readFactFile('content/facts/national.yaml') as Fact[];
  return [...shipped.filter((f) => !own.has(f.id)), ...facts];
}

/** Writes the harness questions as synced Question documents. */
export async function seedQuestions(models: Models): Promise<void> {
  await models.Question.insertMany(
    questions.map((q) => ({
      questionId: q.questionId,
      revision: q.revision,
      topic: q.topic,
      difficulty: 1,
      answer: q.answer,
      vi: { ...q.vi, options: [...q.vi.options] },
      en: q.en ? { ...q.en, options: [...q.en.options] } : null,
      facts: ['N01'],
      tags: [],
      province: null,
      review: { author: 'Nhóm nội dung A', writtenAt: '2026-12-01', reviewer: 'Nhóm nội dung B', reviewedAt: '2026-12-02' },
      status: 'published',
      retiredAt: null,
    })),
  );
}

/** Where the platforms fetch certificates' pictures in these tests. */
export const PUBLIC_URL = 'https://cds.example.vn';

export interface Rig {
  readonly conversation: Conversation;
  /** The service's clock; tests move it. */
  now: Date;
  readonly listened: { answers: unknown[]; participants: unknown[] };
}

export async function conversationRig(models: Models, start: Date): Promise<Rig> {
  const { t } = await createI18n('content');
  const listened = { answers: [] as unknown[], participants: [] as unknown[] };
  const listeners: ConversationListeners = {
    answerRecorded: async (a) => void listened.answers.push(a),
    participantChanged: async (p) => void listened.participants.push(p),
  };
  const rig: { conversation?: Conversation; now: Date; listened: typeof listened } = { now: start, listened };
  rig.conversation = createConversation({
    models,
    content: { bots: [bot], unitLists: [unitList], facts: factBase() },
    t,
    timeZone: 'Asia/Ho_Chi_Minh',
    clock: () => rig.now,
    logger: pino({ level: 'silent' }),
    listeners,
    memberKey: TEST_KEY,
    publicUrl: PUBLIC_URL,
  });
  return rig as Rig;
}

let seq = 0;
export function event(
  userId: string,
  at: Date,
  body: { kind: 'text'; text: string } | { kind: 'choice'; payload: string } | { kind: 'follow' | 'unfollow' },
): InboundEvent {
  return { bot: bot.id, channel: 'messenger', userId, eventId: `ev-${++seq}`, at, ...body } as InboundEvent;
}

/** The letter of the right option of the contest question `userId` is on now (read from their stored state). */
export async function contestRightLetter(models: Models, userId: string): Promise<string> {
  const p = await models.Participant.findOne({ userId }).lean();
  const attempt = (p!.state as { contest: { index: number; questions: Array<{ questionId: string }> } }).contest;
  const questionId = attempt.questions[attempt.index]!.questionId;
  return letterFor(questionId, questions.find((q) => q.questionId === questionId)!.answer, userId, p!.channel);
}
