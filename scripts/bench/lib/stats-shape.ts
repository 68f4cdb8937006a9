import { Types } from 'mongoose';

/**
 * A year of a provincial union's answers, deterministic: BOTS bots with UNITS_PER_BOT units each,
 * MEMBERS_PER_UNIT members per unit, 365 days ending today. Each member has an activity level
 * (answers the daily question on 1 % to 40 % of days, so gaps between active days run from one day
 * to months) and sometimes practises (1–3 more answers). Used by `npm run bench -- stats`.
 */
export const BOTS = 10;
export const UNITS_PER_BOT = 50;
export const MEMBERS_PER_UNIT = 20;
export const DAYS = 365;
export const QUESTIONS_PER_BOT = 150;
const LEVELS = [10, 30, 60, 100, 200, 400] as const;

/** A cheap integer hash, so the choices of a member, day and question are not correlated. */
export function mix(a: number, b: number, salt: number): number {
  let h = Math.imul(a ^ Math.imul(b, 0x27d4eb2d) ^ salt, 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

export interface Member {
  readonly id: Types.ObjectId;
  readonly bot: string;
  readonly unitId: string;
  readonly level: number;
}

export const botId = (b: number) => `bot-${String(b).padStart(2, '0')}`;
export const unitOf = (u: number) => `unit-${String(u).padStart(3, '0')}`;

export function members(): Member[] {
  const out: Member[] = [];
  for (let b = 0; b < BOTS; b++)
    for (let u = 0; u < UNITS_PER_BOT; u++)
      for (let m = 0; m < MEMBERS_PER_UNIT; m++) {
        const i = out.length;
        out.push({ id: new Types.ObjectId(i.toString(16).padStart(24, '0')), bot: botId(b), unitId: unitOf(u), level: LEVELS[mix(i, 0, 7) % LEVELS.length]! });
      }
  return out;
}

/** The units of every bot's own list (list id = bot id), with sizes a little above the members here. */
export function unitDocs() {
  return Array.from({ length: BOTS * UNITS_PER_BOT }, (_, i) => ({
    listId: botId(Math.floor(i / UNITS_PER_BOT)),
    unitId: unitOf(i % UNITS_PER_BOT),
    name: `Đơn vị ${i % UNITS_PER_BOT}`,
    size: MEMBERS_PER_UNIT + (i % 7),
    parent: null,
    example: false,
    retiredAt: null,
  }));
}

/** The YYYY-MM-DD of day `d` (0 = 364 days ago, 364 = today), in UTC calendar terms. */
export function dayString(today: Date, d: number): string {
  return new Date(today.getTime() - (DAYS - 1 - d) * 86_400_000).toISOString().slice(0, 10);
}

/** The answers of one day: each active member's daily answer, and their practice. */
export function answersOfDay(all: readonly Member[], today: Date, d: number) {
  const day = dayString(today, d);
  const out = [];
  for (let i = 0; i < all.length; i++) {
    const m = all[i]!;
    if (mix(i, d, 1) % 1000 >= m.level) continue;
    const practice = mix(i, d, 2) % 10 === 0 ? 1 + (mix(i, d, 3) % 3) : 0;
    for (let k = 0; k <= practice; k++) {
      const question = k === 0 ? d % QUESTIONS_PER_BOT : mix(i, d, 10 + k) % QUESTIONS_PER_BOT;
      out.push({
        _id: new Types.ObjectId(),
        participantId: m.id,
        bot: m.bot,
        channel: 'web',
        unitId: m.unitId,
        questionId: `${m.bot}-q${question}`,
        revision: 'r1',
        mode: k === 0 ? 'daily' : 'practice',
        day,
        attemptId: k === 0 ? null : new Types.ObjectId(),
        choice: k % 4,
        correct: mix(i, d, 20 + k) % 10 < 7,
        timeTakenMs: 3000 + (mix(i, d, 30 + k) % 20_000),
        answeredAt: new Date(Date.parse(`${day}T01:00:00Z`) + (mix(i, d, 40) % 12) * 3_600_000 + k * 60_000),
        rolledUp: true,
        rollupBatch: null,
      });
    }
  }
  return out;
}
