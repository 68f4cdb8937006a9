/**
 * Learning and recognition (issue 19): the I/O of certificates (drawing the PNG, issuing and
 * verifying), invitations (codes and credited joins) and the questions Hỏi đáp could not answer.
 * The rules themselves are pure functions in src/quiz; docs/learning.md says how the engine uses both.
 */
export { CARD_HEIGHT, CARD_WIDTH, TEXT_LEFT, TEXT_RIGHT, certificateSvg, fitSize, textWidth, wrap, type CertificateCard } from './card.js';
export { FONT_FILES, renderPng, type RenderedPng } from './render.js';
export { CERTIFICATE_LIMITS, cleanText, escapeXml } from './sanitize.js';
export {
  certificatePng,
  certificateSubject,
  deleteCertificatesOf,
  issueCertificate,
  recordFinalRanks,
  verifyCertificate,
  type CertificateRequest,
  type VerifiedCertificate,
} from './certificates.js';
export { creditJoin, deleteInvitationsOf, invitationOf, joinsByUnit, type CreditResult } from './invitations.js';
export { listUnanswered, recordUnanswered } from './unanswered.js';
