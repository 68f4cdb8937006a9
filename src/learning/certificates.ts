import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Certificate, Models } from '../db/index.js';
import type { Translate } from '../i18n/index.js';
import { dayOf } from '../domain/index.js';
import { CODE_BYTES, formatCode, parseCode, typeableCode } from '../quiz/index.js';
import { certificateSvg, type CertificateCard } from './card.js';
import { renderPng } from './render.js';
import { CERTIFICATE_LIMITS, cleanText } from './sanitize.js';

/**
 * A new certificate: what it certifies and what the card prints. `day` defaults to the day of
 * issue in Asia/Ho_Chi_Minh.
 */
export type CertificateRequest = Omit<Certificate, 'code' | 'subject' | 'participantId' | 'issuedAt' | 'day'> & {
  readonly participantId: string;
  readonly day?: string;
};

/** What it certifies, once: one certificate per contest attempt, one per streak milestone of a participant. */
export function certificateSubject(r: Pick<CertificateRequest, 'kind' | 'participantId' | 'contest' | 'streak'> & { attemptId?: string }): string {
  if (r.kind === 'contest') {
    if (!r.attemptId) throw new Error('a contest certificate needs the attempt id');
    return `contest:${r.attemptId}`;
  }
  if (!r.streak) throw new Error('a streak certificate needs its number of days');
  return `streak:${r.participantId}:${r.streak.days}`;
}

const isDuplicate = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
const keyOf = (err: unknown) => Object.keys((err as { keyPattern?: Record<string, unknown> }).keyPattern ?? {});

/**
 * Issues a certificate once per subject and returns it (the stored one when it already exists, so a
 * redelivered event gets the same code). Printed texts are cleaned and capped before storing: the
 * verification page shows exactly what the card says.
 */
export async function issueCertificate(
  models: Models,
  request: CertificateRequest & { readonly attemptId?: string },
  at: { readonly now: Date; readonly timeZone: string },
  random: (n: number) => Uint8Array = randomBytes,
): Promise<Certificate> {
  const subject = certificateSubject(request);
  const existing = await models.Certificate.findOne({ subject }).lean<Certificate>();
  if (existing) return existing;
  const doc: Omit<Certificate, 'code'> = {
    subject,
    kind: request.kind,
    bot: request.bot,
    participantId: new Types.ObjectId(request.participantId),
    locale: request.locale,
    organisation: cleanText(request.organisation, CERTIFICATE_LIMITS.organisation),
    name: cleanText(request.name, CERTIFICATE_LIMITS.name) || '—',
    unit: request.unit ? cleanText(request.unit, CERTIFICATE_LIMITS.unit) || null : null,
    day: request.day ?? dayOf(at.now, at.timeZone),
    contest: request.contest ? { ...request.contest, name: cleanText(request.contest.name, CERTIFICATE_LIMITS.contest) } : null,
    streak: request.streak,
    issuedAt: at.now,
  };
  // 40 bits: a clash is rare; on one, draw again (a few times, then give up loudly).
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = typeableCode(random(CODE_BYTES));
    try {
      await models.Certificate.collection.insertOne({ ...doc, code });
      return { ...doc, code };
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      if (keyOf(err).includes('subject')) return (await models.Certificate.findOne({ subject }).lean<Certificate>())!;
    }
  }
  throw new Error('could not draw a free certificate code after 5 tries');
}

/** What `GET /verify/<code>` shows: the certificate's printed fields, or null for an unknown code. */
export interface VerifiedCertificate {
  readonly code: string;
  readonly kind: Certificate['kind'];
  readonly organisation: string;
  readonly name: string;
  readonly unit: string | null;
  readonly day: string;
  readonly contest: Certificate['contest'];
  readonly streak: Certificate['streak'];
  readonly issuedAt: Date;
}

/** Looks a typed code up ("abcd efgh", "ABCD-EFGH"); anything not shaped like a code is null at once. */
export async function verifyCertificate(models: Models, typed: string): Promise<VerifiedCertificate | null> {
  const code = parseCode(typed);
  if (!code) return null;
  const c = await models.Certificate.findOne({ code }).lean<Certificate>();
  if (!c) return null;
  return {
    code: formatCode(c.code),
    kind: c.kind,
    organisation: c.organisation,
    name: c.name,
    unit: c.unit,
    day: c.day,
    contest: c.contest,
    streak: c.streak,
    issuedAt: c.issuedAt,
  };
}

/** The PNG of a stored certificate (drawn again each time: the stored fields are the truth). */
export function certificatePng(certificate: CertificateCard, t: Translate, verifyUrl?: string): Buffer {
  return renderPng(certificateSvg(certificate, t, verifyUrl)).png;
}

/**
 * A round's results became final: each of its contest certificates not yet ranked gets the final
 * rank of its attempt (`ranks`: attempt id → rank; an attempt that is not its participant's best
 * has none) and the number ranked. The card and `GET /verify/<code>` are drawn from these fields,
 * so a card fetched after the close carries the rank. Returns how many certificates were ranked.
 */
export async function recordFinalRanks(
  models: Models,
  round: { readonly bot: string; readonly contestId: string; readonly round: string; readonly of: number; readonly ranks: ReadonlyMap<string, number> },
): Promise<number> {
  const open = await models.Certificate.find(
    { kind: 'contest', bot: round.bot, 'contest.contestId': round.contestId, 'contest.round': round.round, 'contest.of': null },
    { subject: 1 },
  ).lean<Array<Pick<Certificate, 'subject'> & { _id: Types.ObjectId }>>();
  let ranked = 0;
  for (const c of open) {
    const rank = round.ranks.get(c.subject.replace(/^contest:/, '')) ?? null;
    const res = await models.Certificate.updateOne({ _id: c._id, 'contest.of': null }, { $set: { 'contest.rank': rank, 'contest.of': round.of } });
    ranked += res.modifiedCount;
  }
  return ranked;
}

/** "Delete my data": the participant's certificates go too (their codes then verify as unknown). */
export async function deleteCertificatesOf(models: Models, participantId: string): Promise<number> {
  const res = await models.Certificate.deleteMany({ participantId: new Types.ObjectId(participantId) });
  return res.deletedCount ?? 0;
}
