import type { Connection, Model, Schema } from 'mongoose';
import { answerSchema } from './answer.js';
import { participantSchema } from './participant.js';
import { questionRevisionSchema, questionSchema } from './question.js';
import { unitSchema } from './unit.js';

export type { Answer, AnswerMode } from './answer.js';
export { ANSWER_MODES } from './answer.js';
export type { Participant, ParticipantDoc } from './participant.js';
export type { Question, QuestionDoc, QuestionRevision, QuestionText } from './question.js';
export { questionText } from './question.js';
export type { Unit } from './unit.js';

/**
 * Registers a model once per connection (tests open many connections in one process).
 * Typed from the schema's own type parameter: letting mongoose infer through `conn.model`
 * overloads exhausts tsc's memory.
 */
function model<T>(conn: Connection, name: string, schema: Schema<T>): Model<T> {
  return (conn.models[name] ?? conn.model(name, schema)) as unknown as Model<T>;
}

/**
 * Every model of the product on one connection. Each room owns its schema file in this folder
 * (with an explicit TypeScript interface, `new Schema<Iface>(...)`) and adds one line here.
 */
export function createModels(conn: Connection) {
  return {
    Participant: model(conn, 'Participant', participantSchema),
    Question: model(conn, 'Question', questionSchema),
    QuestionRevision: model(conn, 'QuestionRevision', questionRevisionSchema),
    Unit: model(conn, 'Unit', unitSchema),
    Answer: model(conn, 'Answer', answerSchema),
  };
}

export type Models = ReturnType<typeof createModels>;
