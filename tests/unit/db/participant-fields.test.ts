import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { newParticipantFields } from '../../../src/db/index.js';
import { participantSchema } from '../../../src/db/models/participant.js';
import { insertOnlyFields } from '../../../src/conversation/service.js';

describe('a newcomer’s participant record', () => {
  it('is what the schema’s defaults make (the conversation stores it without a mongoose document)', () => {
    const Participant = new mongoose.Mongoose().model('Participant', participantSchema);
    const key = { bot: 'demo', channel: 'messenger' as const, userId: '42' };
    const byHand = newParticipantFields(key, { groupId: null, locale: 'en' });
    const { _id, ...bySchema } = new Participant({ ...key, groupId: null, locale: 'en' }).toObject();
    expect(_id).toBeDefined();
    expect(byHand).toEqual(bySchema);
  });

  it('is inserted with every field the turn’s update does not set itself, sub-documents field by field', () => {
    const record = { a: 1, state: {}, totals: { answered: 0, correct: 0 }, streak: { current: 0, best: 0 }, list: [] as string[] };
    expect(insertOnlyFields(record, ['state', 'totals.answered', 'list'])).toEqual({ a: 1, 'totals.correct': 0, streak: { current: 0, best: 0 } });
    expect(insertOnlyFields(record, ['streak'])).toEqual({ a: 1, state: {}, totals: { answered: 0, correct: 0 }, list: [] });
  });
});
