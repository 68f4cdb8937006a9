/**
 * Answer documents as the product stores them (src/db/models/answer.ts, written by mongoose, so
 * with `__v`), for the embedded database's capacity and pause measurements. Deterministic: the
 * i-th answer is always the same apart from its ObjectIds.
 */
import { ObjectId, type Document } from 'bson';

const BOTS = ['demo', 'truong', 'ldld-bac-kan', 'so-gddt-brvt'];
const CHANNELS = ['zalo_oa', 'messenger', 'zalo_personal', 'web'];
const TOPICS = ['ds', 'law', 'np', 'os', 'pr', 'ps', 'sp'];
const PARTICIPANTS = 100_000;
const DAYS = 365;

/** A cheap integer hash, so the fields of one answer are not correlated. */
export function mix(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

const participantIds: ObjectId[] = [];
function participant(p: number): ObjectId {
  while (participantIds.length <= p) participantIds.push(new ObjectId());
  return participantIds[p]!;
}

const dayZero = Date.UTC(2026, 0, 1);

/** The i-th answer of a year of a 100,000-member union answering daily. */
export function answerDocument(i: number): Document {
  // Every member answers once a day: (participant, day) is unique, as the answer index requires.
  const p = i % PARTICIPANTS;
  const dayIndex = Math.floor(i / PARTICIPANTS) % DAYS;
  const answeredAt = new Date(dayZero + dayIndex * 86_400_000 + (mix(i, 4) % 86_400_000));
  const q = mix(i, 3) % 420;
  return {
    _id: new ObjectId(),
    participantId: participant(p),
    bot: BOTS[p % BOTS.length]!,
    channel: CHANNELS[p % CHANNELS.length]!,
    unitId: `cdcs-${String(p % 640).padStart(4, '0')}`,
    questionId: `${TOPICS[q % TOPICS.length]}-${String(q).padStart(3, '0')}`,
    revision: mix(q, 5).toString(16).padStart(8, '0') + mix(q, 6).toString(16).slice(0, 4).padStart(4, '0'),
    mode: i % 10 === 0 ? 'practice' : 'daily',
    day: answeredAt.toISOString().slice(0, 10),
    attemptId: null,
    choice: mix(i, 7) % 4,
    correct: mix(i, 8) % 3 !== 0,
    timeTakenMs: 2_000 + (mix(i, 9) % 40_000),
    answeredAt,
    rolledUp: false,
    __v: 0,
  };
}

/** The indexes mongoose creates for answers (answerSchema.index calls). */
export const ANSWER_INDEXES: Array<{ key: Document; name: string; unique?: boolean }> = [
  { key: { participantId: 1, questionId: 1, mode: 1, day: 1, attemptId: 1 }, name: 'participantId_1_questionId_1_mode_1_day_1_attemptId_1', unique: true },
  { key: { bot: 1, day: 1 }, name: 'bot_1_day_1' },
  { key: { bot: 1, questionId: 1 }, name: 'bot_1_questionId_1' },
  { key: { rolledUp: 1 }, name: 'rolledUp_1' },
];
