import type { BotConfig, ContentBundle, ContestConfig } from '../content/index.js';
import type { Models } from '../db/index.js';
import { daysBetween } from '../domain/index.js';
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
