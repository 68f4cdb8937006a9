import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  creditJoin,
  deleteCertificatesOf,
  deleteInvitationsOf,
  invitationOf,
  issueCertificate,
  joinsByUnit,
  listUnanswered,
  recordUnanswered,
  verifyCertificate,
  type CertificateRequest,
} from '../../../src/learning/index.js';
import { invitationRef } from '../../../src/quiz/index.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb('learning');
});
afterAll(() => db.close());

const now = new Date('2026-10-10T09:00:00Z');
const member = new Types.ObjectId().toString();
/** A random source that repeats: forces a clash of codes, then a fresh one. */
const scripted = (...codes: number[][]) => {
  let i = 0;
  return () => Uint8Array.from(codes[Math.min(i++, codes.length - 1)]!);
};

const contestRequest = (attemptId: string, name = 'Nguyễn Thị Hằng'): CertificateRequest & { attemptId: string } => ({
  attemptId,
  kind: 'contest',
  bot: 'quang-tri',
  participantId: member,
  locale: 'vi',
  organisation: 'Công đoàn Viên chức tỉnh Quảng Trị',
  name,
  unit: 'CĐCS Trường THPT Lê Lợi',
  day: '2026-10-10',
  contest: { contestId: 'qt-2026', name: 'Cuộc thi tìm hiểu chuyển đổi số', round: '1', correct: 18, questionCount: 20, rank: null, of: null },
  streak: null,
});

describe('certificates', () => {
  it('are issued once per attempt: the same code comes back for the same attempt', async () => {
    const first = await issueCertificate(db.models, contestRequest('a1'), { now, timeZone: 'Asia/Ho_Chi_Minh' });
    const again = await issueCertificate(db.models, contestRequest('a1', 'Another name'), { now, timeZone: 'Asia/Ho_Chi_Minh' });
    expect(again.code).toBe(first.code);
    expect(again.name).toBe('Nguyễn Thị Hằng');
    expect(await db.models.Certificate.countDocuments({ subject: 'contest:a1' })).toBe(1);
  });

  it('draw a new code when one is taken', async () => {
    const taken = await issueCertificate(db.models, contestRequest('a2'), { now, timeZone: 'Asia/Ho_Chi_Minh' }, scripted([1, 2, 3, 4, 5]));
    const next = await issueCertificate(db.models, contestRequest('a3'), { now, timeZone: 'Asia/Ho_Chi_Minh' }, scripted([1, 2, 3, 4, 5], [9, 9, 9, 9, 9]));
    expect(next.code).not.toBe(taken.code);
  });

  it('are verified by a typed code, in any case and with or without the dash', async () => {
    const issued = await issueCertificate(db.models, { ...contestRequest('a4'), name: ' Trần\u202e  Văn\u0000 An ' }, { now, timeZone: 'Asia/Ho_Chi_Minh' });
    const typed = `${issued.code.slice(0, 4).toLowerCase()} ${issued.code.slice(4)}`;
    const verified = await verifyCertificate(db.models, typed);
    expect(verified).toMatchObject({
      code: `${issued.code.slice(0, 4)}-${issued.code.slice(4)}`,
      kind: 'contest',
      name: 'Trần Văn An',
      unit: 'CĐCS Trường THPT Lê Lợi',
      day: '2026-10-10',
      contest: { name: 'Cuộc thi tìm hiểu chuyển đổi số', correct: 18, questionCount: 20, rank: null },
    });
    expect(await verifyCertificate(db.models, 'ZZZZ-ZZZZ')).toBeNull();
    expect(await verifyCertificate(db.models, 'not a code')).toBeNull();
  });

  it('for a streak milestone: once per milestone and participant', async () => {
    const streak: CertificateRequest = { ...contestRequest('x'), kind: 'streak', contest: null, streak: { days: 30 } };
    const a = await issueCertificate(db.models, streak, { now, timeZone: 'Asia/Ho_Chi_Minh' });
    const b = await issueCertificate(db.models, streak, { now, timeZone: 'Asia/Ho_Chi_Minh' });
    const c = await issueCertificate(db.models, { ...streak, streak: { days: 100 } }, { now, timeZone: 'Asia/Ho_Chi_Minh' });
    expect(a.code).toBe(b.code);
    expect(c.code).not.toBe(a.code);
  });

  it('are dated in Asia/Ho_Chi_Minh when no day is given', async () => {
    const { day: _day, ...undated } = contestRequest('a6');
    const issued = await issueCertificate(db.models, undated, { now: new Date('2026-10-09T18:30:00Z'), timeZone: 'Asia/Ho_Chi_Minh' });
    expect(issued.day).toBe('2026-10-10');
  });

  it('go with “delete my data”', async () => {
    const issued = await issueCertificate(db.models, contestRequest('a5'), { now, timeZone: 'Asia/Ho_Chi_Minh' });
    expect(await deleteCertificatesOf(db.models, member)).toBeGreaterThan(0);
    expect(await verifyCertificate(db.models, issued.code)).toBeNull();
  });
});

describe('invitations', () => {
  const inviter = new Types.ObjectId().toString();
  const inviter2 = new Types.ObjectId().toString();

  it('each member has one code per bot, the same every time', async () => {
    const a = await invitationOf(db.models, { bot: 'quang-tri', participantId: inviter, unitId: 'u-le-loi' });
    const b = await invitationOf(db.models, { bot: 'quang-tri', participantId: inviter, unitId: 'u-other' });
    expect(b.code).toBe(a.code);
    expect(b.unitId).toBe('u-le-loi');
  });

  it('credits a join once per invitee, to the first invitation, and to the inviter’s unit', async () => {
    const inv = await invitationOf(db.models, { bot: 'quang-tri', participantId: inviter, unitId: 'u-le-loi' });
    const inv2 = await invitationOf(db.models, { bot: 'quang-tri', participantId: inviter2, unitId: 'u-so-tu-phap' });
    const invitee = new Types.ObjectId().toString();
    const join = (ref: string, inviteeId = invitee, consentedBefore = false) =>
      creditJoin(db.models, { bot: 'quang-tri', ref, inviteeId, consentedBefore }, now);

    expect(await join(invitationRef(inv.code))).toEqual({ credit: true });
    // The same webhook twice, the same link again, another colleague's link: never a second credit.
    expect(await join(invitationRef(inv.code))).toEqual({ credit: false, reason: 'already-credited' });
    expect(await join(invitationRef(inv2.code))).toEqual({ credit: false, reason: 'already-credited' });
    expect(await join(`inv-${inv.code.slice(0, 4)}-${inv.code.slice(4)}`.toLowerCase())).toEqual({ credit: false, reason: 'already-credited' });

    expect(await join(invitationRef(inv.code), inviter)).toEqual({ credit: false, reason: 'self' });
    expect(await join(invitationRef(inv.code), new Types.ObjectId().toString(), true)).toEqual({ credit: false, reason: 'already-member' });
    expect(await join('inv-ZZZZZZZZ', new Types.ObjectId().toString())).toEqual({ credit: false, reason: 'unknown-code' });
    expect(await join('ad-campaign', new Types.ObjectId().toString())).toEqual({ credit: false, reason: 'unknown-code' });
    expect(
      await creditJoin(db.models, { bot: 'other-bot', ref: invitationRef(inv.code), inviteeId: new Types.ObjectId().toString(), consentedBefore: false }, now),
    ).toEqual({
      credit: false,
      reason: 'other-bot',
    });

    expect(await join(invitationRef(inv.code), new Types.ObjectId().toString())).toEqual({ credit: true });
    expect((await db.models.Invitation.findOne({ code: inv.code }).lean())!.joins).toBe(2);
    expect(Object.fromEntries(await joinsByUnit(db.models, 'quang-tri'))).toEqual({ 'u-le-loi': 2 });
  });

  it('two joins of one invitee at the same moment credit once', async () => {
    const inv = await invitationOf(db.models, { bot: 'quang-tri', participantId: inviter, unitId: 'u-le-loi' });
    const invitee = new Types.ObjectId().toString();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        creditJoin(db.models, { bot: 'quang-tri', ref: invitationRef(inv.code), inviteeId: invitee, consentedBefore: false }, now),
      ),
    );
    expect(results.filter((r) => r.credit)).toHaveLength(1);
    expect(await db.models.InvitationJoin.countDocuments({ inviteeId: new Types.ObjectId(invitee) })).toBe(1);
  });

  it('“delete my data” removes the member’s invitation and their own join', async () => {
    await deleteInvitationsOf(db.models, inviter2);
    expect(await db.models.Invitation.countDocuments({ inviterId: new Types.ObjectId(inviter2) })).toBe(0);
  });
});

describe('questions nobody could answer', () => {
  it('are recorded per bot, grouped with and without diacritics, counted, without who asked', async () => {
    await recordUnanswered(db.models, 'quang-tri', 'Giá vàng hôm nay bao nhiêu?', new Date('2026-10-10T01:00:00Z'));
    await recordUnanswered(db.models, 'quang-tri', 'gia vang hom nay bao nhieu', new Date('2026-10-10T02:00:00Z'));
    await recordUnanswered(db.models, 'quang-tri', 'Ngày Quốc khánh là ngày nào?', new Date('2026-10-10T03:00:00Z'));
    await recordUnanswered(db.models, 'bac-kan', 'Giá vàng hôm nay bao nhiêu?', new Date('2026-10-10T04:00:00Z'));
    await recordUnanswered(db.models, 'quang-tri', '  \u0000 ', now);
    const list = await listUnanswered(db.models, ['quang-tri']);
    expect(list.map((q) => [q.text, q.count])).toEqual([
      ['gia vang hom nay bao nhieu', 2],
      ['Ngày Quốc khánh là ngày nào?', 1],
    ]);
    expect(list[0]!.firstAskedAt).toEqual(new Date('2026-10-10T01:00:00Z'));
    expect(list[0]!.lastAskedAt).toEqual(new Date('2026-10-10T02:00:00Z'));
    expect(Object.keys(list[0]!).sort()).toEqual(['bot', 'count', 'firstAskedAt', 'key', 'lastAskedAt', 'text']);
    expect(await listUnanswered(db.models, null)).toHaveLength(3);
  });
});
