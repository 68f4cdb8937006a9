import type { Connection, Model, Schema } from 'mongoose';
import { answerSchema } from './answer.js';
import { contestAttemptSchema } from './contest.js';
import { participantSchema } from './participant.js';
import { questionRevisionSchema, questionSchema } from './question.js';
import { unitSchema } from './unit.js';
import { broadcastSchema } from './broadcast.js';
import { deliverySchema } from './delivery.js';
import { channelCredentialSchema } from './channel-credential.js';
import { inboxEventSchema } from './inbox-event.js';
import { leaseSchema } from './lease.js';
import { webMessageSchema } from './web-message.js';
import { adminSessionSchema, adminUserSchema } from './admin-user.js';
import { apiTokenSchema } from './api-token.js';
import { rollupMarkSchema, rollupOpSchema, rollupResidueSchema, rollupSchema } from './rollup.js';
import { certificateSchema } from './certificate.js';
import { invitationJoinSchema, invitationSchema } from './invitation.js';
import { unansweredQuestionSchema } from './unanswered-question.js';
import { contentItemSchema } from './content-item.js';
import { auditEntrySchema } from './audit-entry.js';
import { groupPostSchema } from './group-post.js';
import { reachQuotaSchema } from './reach-quota.js';
import { fairnessMarkSchema } from './fairness.js';

export type { Answer, AnswerMode } from './answer.js';
export { ANSWER_MODES } from './answer.js';
export type { ContestAttempt, ContestAttemptStatus } from './contest.js';
export { CONTEST_ATTEMPT_STATUSES } from './contest.js';
export type { Participant, ParticipantDoc, ParticipantOptIn, OptInStatus } from './participant.js';
export { OPT_IN_STATUSES, blankOptIn } from './participant.js';
export type { Question, QuestionDoc, QuestionRevision, QuestionReview, QuestionText } from './question.js';
export { questionText } from './question.js';
export type { Unit } from './unit.js';
export type { Broadcast, BroadcastAudience, DeliveryCount, BroadcastKind, BroadcastStatus, BroadcastText } from './broadcast.js';
export { BROADCAST_KINDS, BROADCAST_STATUSES } from './broadcast.js';
export type { Delivery, DeliveryStatus } from './delivery.js';
export { DELIVERY_STATUSES } from './delivery.js';
export type { InboxEvent, InboxReply, InboxStatus } from './inbox-event.js';
export type { ChannelCredential } from './channel-credential.js';
export type { WebMessage } from './web-message.js';
export type { Lease } from './lease.js';
export type { AdminUser, AdminRole, AdminSession } from './admin-user.js';
export { ADMIN_ROLES } from './admin-user.js';
export type { ApiToken } from './api-token.js';
export type { Rollup, RollupCounters, RollupKind, RollupMark, RollupOp, RollupOpKind, RollupPart, RollupResidue } from './rollup.js';
export { ROLLUP_KINDS } from './rollup.js';
export type { Certificate, CertificateKind } from './certificate.js';
export { CERTIFICATE_KINDS } from './certificate.js';
export type { Invitation, InvitationJoin } from './invitation.js';
export type { UnansweredQuestion } from './unanswered-question.js';
export type { ContentItem, ContentKind } from './content-item.js';
export { CONTENT_KINDS } from './content-item.js';
export type { AuditEntry, AuditAction } from './audit-entry.js';
export { AUDIT_ACTIONS } from './audit-entry.js';
export type { GroupPost, GroupPostStatus } from './group-post.js';
export { GROUP_POST_STATUSES } from './group-post.js';
export type { ReachQuota } from './reach-quota.js';
export type { FairnessMark } from './fairness.js';

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
    ContestAttempt: model(conn, 'ContestAttempt', contestAttemptSchema),
    Broadcast: model(conn, 'Broadcast', broadcastSchema),
    Delivery: model(conn, 'Delivery', deliverySchema),
    InboxEvent: model(conn, 'InboxEvent', inboxEventSchema),
    ChannelCredential: model(conn, 'ChannelCredential', channelCredentialSchema),
    WebMessage: model(conn, 'WebMessage', webMessageSchema),
    Lease: model(conn, 'Lease', leaseSchema),
    AdminUser: model(conn, 'AdminUser', adminUserSchema),
    AdminSession: model(conn, 'AdminSession', adminSessionSchema),
    ApiToken: model(conn, 'ApiToken', apiTokenSchema),
    Rollup: model(conn, 'Rollup', rollupSchema),
    RollupMark: model(conn, 'RollupMark', rollupMarkSchema),
    RollupOp: model(conn, 'RollupOp', rollupOpSchema),
    RollupResidue: model(conn, 'RollupResidue', rollupResidueSchema),
    Certificate: model(conn, 'Certificate', certificateSchema),
    Invitation: model(conn, 'Invitation', invitationSchema),
    InvitationJoin: model(conn, 'InvitationJoin', invitationJoinSchema),
    UnansweredQuestion: model(conn, 'UnansweredQuestion', unansweredQuestionSchema),
    ContentItem: model(conn, 'ContentItem', contentItemSchema),
    AuditEntry: model(conn, 'AuditEntry', auditEntrySchema),
    GroupPost: model(conn, 'GroupPost', groupPostSchema),
    ReachQuota: model(conn, 'ReachQuota', reachQuotaSchema),
    FairnessMark: model(conn, 'FairnessMark', fairnessMarkSchema),
  };
}

export type Models = ReturnType<typeof createModels>;
