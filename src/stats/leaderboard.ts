import type { Models } from '../db/index.js';

/** Shows a participant without a display name as the last characters of their platform id. */
export function participantLabel(displayName: string | null | undefined, userId: string): string {
  return displayName?.trim() || `…${userId.slice(-4)}`;
}

/** A range of days, YYYY-MM-DD in the configured time zone, both included. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

/** One member's daily answers in a range: what a period leaderboard ranks (quiz `rankScores`). */
export interface PeriodScore {
  readonly participantId: string;
  readonly bot: string;
  readonly channel: string;
  /** Chat's label: the display name, or '—'. */
  readonly name: string;
  readonly displayName: string | null;
  readonly userId: string;
  readonly unitId: string | null;
  readonly correct: number;
  readonly answered: number;
  /** When the member last gained a point (or first answered, without one): the earlier ranks higher on a tie. */
  readonly reachedAt: Date;
}

/** One unit's daily answers in a range: what a period unit leaderboard ranks (quiz `rankUnits`, with the list's name and size). */
export interface PeriodUnit {
  readonly unitId: string;
  readonly correct: number;
  /** Members who answered the daily question in this unit in the range. */
  readonly participants: number;
}

interface Grouped {
  _id: { p: unknown; u: string | null };
  correct: number;
  answered: number;
  lastCorrectAt: Date | null;
  firstAt: Date;
}

/** Daily answers per participant (and unit at the time of answering) of one bot in a range. */
function groupDailyAnswers(models: Models, bot: string, range: DayRange): Promise<Grouped[]> {
  return models.Answer.collection
    .aggregate<Grouped>([
      { $match: { bot, mode: 'daily', day: { $gte: range.from, $lte: range.to } } },
      {
        $group: {
          _id: { p: '$participantId', u: '$unitId' },
          correct: { $sum: { $cond: ['$correct', 1, 0] } },
          answered: { $sum: 1 },
          lastCorrectAt: { $max: { $cond: ['$correct', '$answeredAt', null] } },
          firstAt: { $min: '$answeredAt' },
        },
      },
    ])
    .toArray();
}

/**
 * Members' scores of one bot in a range (chat's "today" and "this week", the dashboard's dates): one
 * row per member still present (a deleted member drops out), with their unit now, or the unit they
 * answered in. Unranked: rank them with quiz `rankScores`.
 */
export async function periodScores(models: Models, bot: string, range: DayRange): Promise<PeriodScore[]> {
  const grouped = await groupDailyAnswers(models, bot, range);
  const byParticipant = new Map<string, { p: unknown; correct: number; answered: number; reachedAt: Date; unitId: string | null }>();
  for (const g of grouped) {
    const id = String(g._id.p);
    const reached = g.lastCorrectAt ?? g.firstAt;
    const held = byParticipant.get(id);
    byParticipant.set(id, {
      p: g._id.p,
      correct: (held?.correct ?? 0) + g.correct,
      answered: (held?.answered ?? 0) + g.answered,
      reachedAt: held && held.reachedAt > reached ? held.reachedAt : new Date(reached),
      unitId: g._id.u ?? held?.unitId ?? null,
    });
  }
  if (byParticipant.size === 0) return [];
  const people = await models.Participant.collection
    .find({ _id: { $in: [...byParticipant.values()].map((s) => s.p) as never[] } }, { projection: { displayName: 1, unitId: 1, channel: 1, userId: 1 } })
    .toArray();
  return people.map((p) => {
    const s = byParticipant.get(String(p._id))!;
    const displayName = (p.displayName as string | null | undefined) ?? null;
    return {
      participantId: String(p._id),
      bot,
      channel: String(p.channel),
      name: displayName ?? '—',
      displayName,
      userId: String(p.userId),
      unitId: (p.unitId as string | null | undefined) ?? s.unitId,
      correct: s.correct,
      answered: s.answered,
      reachedAt: s.reachedAt,
    };
  });
}

/** Units' daily answers of one bot in a range: correct answers and members who answered in the unit. */
export async function periodUnits(models: Models, bot: string, range: DayRange): Promise<PeriodUnit[]> {
  const perUnit = new Map<string, { correct: number; people: Set<string> }>();
  for (const g of await groupDailyAnswers(models, bot, range)) {
    if (!g._id.u) continue;
    const u = perUnit.get(g._id.u) ?? { correct: 0, people: new Set<string>() };
    u.correct += g.correct;
    u.people.add(String(g._id.p));
    perUnit.set(g._id.u, u);
  }
  return [...perUnit.entries()].map(([unitId, u]) => ({ unitId, correct: u.correct, participants: u.people.size }));
}
