import type { BotConfig, ContentBundle, ContestConfig } from '../content/index.js';
import type { Models } from '../db/index.js';
import { addDays, dayOf, daysBetween } from '../domain/index.js';
import { recordFinalRanks } from '../learning/index.js';
import { awardPrizes, bestAttempts, rankCollective, rankContest, type CollectiveRow, type Prize, type RankedEntry, type UnitInfo } from '../quiz/index.js';
import { unitsOf } from './questions.js';
import { roundEntries } from './views.js';

export interface RoundResults {
  readonly round: string;
  /** Participants whose best attempt has every answer right: the number predictions are measured against. */
  readonly perfect: number;
  readonly ranking: readonly RankedEntry[];
  readonly prizes: readonly Prize<RankedEntry>[];
  readonly collective: readonly CollectiveRow[];
  readonly collectivePrizes: readonly Prize<CollectiveRow>[];
}

export interface ContestResults {
  readonly bot: string;
  readonly contest: ContestConfig;
  /** The bot's unit list, to show unit names next to ids. */
  readonly units: readonly UnitInfo[];
  readonly rounds: readonly RoundResults[];
}

/** Every round of a contest: "1" for a single round, "1".."n" for weekly blocks of the window. */
export function contestRounds(contest: ContestConfig): string[] {
  if (contest.rounds === 'single') return ['1'];
  const weeks = Math.floor(daysBetween(contest.window.start, contest.window.end) / 7) + 1;
  return Array.from({ length: weeks }, (_, i) => String(i + 1));
}

/** The last day of a round: the window's end for a single round, else the seventh day of its block (or the window's end). */
export function roundEnd(contest: ContestConfig, round: string): string {
  if (contest.rounds === 'single') return contest.window.end;
  const last = addDays(contest.window.start, 7 * Number(round) - 1);
  return last < contest.window.end ? last : contest.window.end;
}

/**
 * Issue 19 item 5: the rounds whose results are final (their last day has passed in the bot's time
 * zone and no attempt of theirs is still open) give their certificates the final rank, from the
 * same ranking as the results (`contestResults`). Run by the contest-close job after it closes the
 * timed-out attempts; a round already ranked is not ranked again.
 */
export async function rankFinishedRounds(models: Models, content: Pick<ContentBundle, 'bots' | 'unitLists'>, now: Date, timeZone: string): Promise<number> {
  const today = dayOf(now, timeZone);
  let ranked = 0;
  for (const bot of content.bots) {
    const contest = bot.contest;
    if (!contest) continue;
    for (const round of contestRounds(contest)) {
      if (roundEnd(contest, round) >= today) continue;
      const unranked = await models.Certificate.exists({
        kind: 'contest',
        bot: bot.id,
        'contest.contestId': contest.id,
        'contest.round': round,
        'contest.of': null,
      });
      if (!unranked) continue;
      if (await models.ContestAttempt.exists({ bot: bot.id, contestId: contest.id, round, status: 'open' })) continue;
      const results = await contestResults(models, content, contest.id, { bot: bot.id, round });
      const ranking = results?.rounds[0]?.ranking ?? [];
      ranked += await recordFinalRanks(models, {
        bot: bot.id,
        contestId: contest.id,
        round,
        of: ranking.length,
        ranks: new Map(ranking.map((e) => [e.attemptId, e.rank])),
      });
    }
  }
  return ranked;
}

/** Finds the bot running a contest (contest ids are unique across bots in practice). */
export function findContest(content: Pick<ContentBundle, 'bots'>, contestId: string, botId?: string): { bot: BotConfig; contest: ContestConfig } | null {
  for (const bot of content.bots) {
    if (botId && bot.id !== botId) continue;
    if (bot.contest?.id === contestId) return { bot, contest: bot.contest };
  }
  return null;
}

/**
 * Results of a contest from the stored attempts: per round, the individual ranking (best attempt per
 * participant; correct answers → prediction distance → time → submission), the prize winners, and
 * the collective ranking of units by the configured rule with its prizes.
 */
export async function contestResults(
  models: Models,
  content: Pick<ContentBundle, 'bots' | 'unitLists'>,
  contestId: string,
  options: { bot?: string; round?: string } = {},
): Promise<ContestResults | null> {
  const found = findContest(content, contestId, options.bot);
  if (!found) return null;
  const { bot, contest } = found;
  const units = unitsOf(content, bot);
  const rounds = options.round ? [options.round] : contestRounds(contest);
  const results: RoundResults[] = [];
  for (const round of rounds) {
    const entries = await roundEntries(models, bot.id, contest.id, round);
    const { ranking, perfect } = rankContest(entries);
    const collective = rankCollective(bestAttempts(entries), units, contest.collectiveRanking);
    results.push({
      round,
      perfect,
      ranking,
      prizes: awardPrizes(ranking, contest.prizes.individual),
      collective,
      collectivePrizes: awardPrizes(collective, contest.prizes.collective),
    });
  }
  return { bot: bot.id, contest, units, rounds: results };
}
