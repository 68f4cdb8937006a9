import type ExcelJS from 'exceljs';
import type { ContentBundle, ContestConfig } from '../content/index.js';
import { DEFAULT_TIME_ZONE, type Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import { resultsView, resultsWorkbook, type EntryView, type PrizeView, type RoundView } from './export.js';
import type { ContestResults } from './results.js';

/** A contest as the admin API lists it: its settings, the title in the caller's language. */
export interface ContestSummary {
  readonly id: string;
  readonly bot: string;
  readonly title: string;
  readonly window: ContestConfig['window'];
  readonly rounds: ContestConfig['rounds'];
  readonly questionsPerAttempt: number;
  readonly timeLimitMinutes: number;
}

/** A contest's results for the admin page and API: the rounds as people read them, every entry in one list too. */
export interface ContestResultsAnswer {
  readonly contest: ContestSummary;
  readonly heading: string;
  readonly rule: string;
  readonly columns: Readonly<Record<string, string>>;
  readonly rounds: readonly RoundView[];
  readonly prizes: readonly PrizeView[];
  /** Every round's ranked entries in one list (the CSV download's rows). */
  readonly rows: readonly EntryView[];
}

function summary(bot: string, c: ContestConfig, locale: Locale): ContestSummary {
  return {
    id: c.id,
    bot,
    title: c.title[locale] ?? c.title.vi,
    window: c.window,
    rounds: c.rounds,
    questionsPerAttempt: c.questionsPerAttempt,
    timeLimitMinutes: c.timeLimitMinutes,
  };
}

/**
 * The admin API's view of contests: the list from the bots' configuration; ranked results, prize
 * winners and the XLSX workbook from the stored attempts, through the same formatting as the
 * terminal's `contest results` (src/conversation/export.ts), in the caller's language.
 */
export function contestsPort(
  content: Pick<ContentBundle, 'bots'>,
  results: (contestId: string) => Promise<ContestResults | null>,
  say: { t: Translate; timeZone?: string },
) {
  const zone = say.timeZone ?? DEFAULT_TIME_ZONE;
  return {
    async list(options: { bots: readonly string[] | null; locale: Locale }): Promise<readonly ContestSummary[]> {
      return content.bots.filter((b) => b.contest && (!options.bots || options.bots.includes(b.id))).map((b) => summary(b.id, b.contest!, options.locale));
    },
    async results(id: string, locale: Locale): Promise<ContestResultsAnswer | null> {
      const r = await results(id);
      if (!r) return null;
      const view = resultsView(r, say.t, locale, zone);
      return {
        contest: summary(r.bot, r.contest, locale),
        heading: view.heading,
        rule: view.rule,
        columns: view.columns,
        rounds: view.rounds,
        prizes: view.prizes,
        rows: view.rounds.flatMap((round) => round.ranking),
      };
    },
    async prizes(id: string, locale: Locale): Promise<{ contest: ContestSummary; rows: readonly PrizeView[] } | null> {
      const r = await results(id);
      if (!r) return null;
      return { contest: summary(r.bot, r.contest, locale), rows: resultsView(r, say.t, locale, zone).prizes };
    },
    /** The workbook `contest results --out` writes: prizes, then each round's ranking and units. */
    async workbook(id: string, locale: Locale): Promise<{ contest: ContestSummary; workbook: ExcelJS.Workbook } | null> {
      const r = await results(id);
      if (!r) return null;
      return { contest: summary(r.bot, r.contest, locale), workbook: await resultsWorkbook(r, say.t, locale, zone) };
    },
  };
}

/** Contest rounds, results and prize winners as the admin API shows them. */
export type ContestsView = ReturnType<typeof contestsPort>;
