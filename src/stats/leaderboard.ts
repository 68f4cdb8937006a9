import type { Models } from '../db/index.js';

export interface LeaderboardRow {
  readonly rank: number;
  readonly participantId: string;
  readonly bot: string;
  readonly channel: string;
  readonly name: string;
  readonly unitId: string | null;
  readonly correct: number;
  readonly answered: number;
  readonly streakBest: number;
}

/** Shows a participant without a display name as the last characters of their platform id. */
export function participantLabel(displayName: string | null | undefined, userId: string): string {
  return displayName?.trim() || `…${userId.slice(-4)}`;
}

/**
 * All-time leaderboard, ranked exactly as members see it in chat (src/conversation/views.ts): correct
 * daily answers, ties to fewer daily answers, then to whoever joined first. Read from the
 * participants' own totals (indexed, limited), not from the answers.
 */
export async function participantLeaderboard(
  models: Models,
  options: { bots: readonly string[] | null; unitId?: string | undefined; limit: number },
): Promise<LeaderboardRow[]> {
  const filter: Record<string, unknown> = { consent: { $ne: null }, 'totals.dailyAnswered': { $gt: 0 } };
  if (options.bots) filter.bot = { $in: [...options.bots] };
  if (options.unitId) filter.unitId = options.unitId;
  const docs = await models.Participant.collection
    .find(filter, { projection: { bot: 1, channel: 1, userId: 1, displayName: 1, unitId: 1, totals: 1, streak: 1 } })
    .sort({ 'totals.dailyCorrect': -1, 'totals.dailyAnswered': 1, _id: 1 })
    .limit(options.limit)
    .toArray();
  return docs.map((p, i) => ({
    rank: i + 1,
    participantId: String(p._id),
    bot: String(p.bot),
    channel: String(p.channel),
    name: participantLabel(p.displayName as string | null, String(p.userId)),
    unitId: (p.unitId as string | null) ?? null,
    correct: Number(p.totals?.dailyCorrect ?? 0),
    answered: Number(p.totals?.dailyAnswered ?? 0),
    streakBest: Number(p.streak?.best ?? 0),
  }));
}
