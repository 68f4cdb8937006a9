import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import {
  DEFAULT_LOCALE,
  DEFAULT_TIME_ZONE,
  formatNumber,
  formatPercent,
  PERCENT_CELL_FORMAT,
  percentCellValue,
  spreadsheetText,
  type Locale,
} from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import type { PrizeKind } from '../quiz/index.js';
import { formatDuration } from './messages.js';
import type { ContestResults } from './results.js';

/**
 * Contest results as people read them, in one place for every reader: the terminal (`contest
 * results`), the admin page and API, and the XLSX/CSV downloads. Texts come from
 * `conversation:results.*` in the chosen language (Vietnamese by default),
 * times are shown in Asia/Ho_Chi_Minh, durations in minutes and seconds.
 */

/** `dd/MM/yyyy HH:mm:ss` of an instant in Asia/Ho_Chi_Minh (or another zone): how results show times. */
export function formatSubmittedAt(at: Date, zone: string = DEFAULT_TIME_ZONE): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('dd/MM/yyyy HH:mm:ss');
}

/** One ranked entry of a round, with its figures and how they read. */
export interface EntryView {
  readonly round: string;
  readonly rank: number;
  readonly name: string;
  readonly unitId: string | null;
  /** The unit's name in the bot's list ("—" without a unit). */
  readonly unit: string;
  readonly correct: number;
  readonly questionCount: number;
  readonly prediction: number | null;
  readonly predictionDistance: number | null;
  /** "3 (±2)", or "—" without a prediction. */
  readonly predictionText: string;
  readonly timeTakenMs: number;
  /** "5 phút 00 giây" (the members' own duration format, src/conversation/messages.ts). */
  readonly duration: string;
  readonly submittedAt: Date;
  /** dd/MM/yyyy HH:mm:ss, Asia/Ho_Chi_Minh. */
  readonly submittedAtLocal: string;
  readonly prize: PrizeKind | null;
  readonly prizeLabel: string | null;
}

/** One unit of a round's collective ranking. */
export interface UnitView {
  readonly round: string;
  readonly rank: number;
  readonly unitId: string;
  readonly name: string;
  readonly participants: number;
  readonly size: number | null;
  readonly participationRate: number | null;
  /** "3,3%", or the words for an unknown size. */
  readonly rate: string;
  readonly averageScore: number;
  readonly average: string;
  readonly correctAnswers: number;
  readonly prize: PrizeKind | null;
  readonly prizeLabel: string | null;
}

/** One prize winner: a person (individual) or a unit (collective). */
export interface PrizeView {
  readonly round: string;
  readonly kind: 'individual' | 'collective';
  readonly kindLabel: string;
  readonly prize: PrizeKind;
  readonly prizeLabel: string;
  readonly rank: number;
  readonly name: string;
  /** The winner's unit; empty for a unit's own prize. */
  readonly unit: string;
}

export interface RoundView {
  readonly round: string;
  /** "Vòng 1: 4 người được xếp hạng, 1 người đúng tất cả các câu". */
  readonly heading: string;
  readonly perfect: number;
  readonly ranking: readonly EntryView[];
  readonly collective: readonly UnitView[];
}

/** A contest's results as people read them; `columns` are the column labels of every table. */
export interface ResultsView {
  readonly id: string;
  readonly bot: string;
  readonly title: string;
  readonly heading: string;
  readonly rule: string;
  readonly rounds: readonly RoundView[];
  readonly prizes: readonly PrizeView[];
  readonly columns: Readonly<Record<string, string>>;
}

const COLUMNS = [
  'round',
  'kind',
  'prize',
  'rank',
  'name',
  'unit',
  'correct',
  'count',
  'prediction',
  'distance',
  'duration',
  'submitted',
  'participants',
  'size',
  'rate',
  'average',
  'correctTotal',
] as const;

type Tr = (key: string, vars?: Record<string, unknown>) => string;
type Round = ContestResults['rounds'][number];

function unitNamer(results: Pick<ContestResults, 'units'>): (id: string | null) => string {
  const names = new Map(results.units.map((u) => [u.unitId, u.name]));
  return (id) => (id ? (names.get(id) ?? id) : '—');
}

/** One round's entries, units and prize winners. */
function roundView(
  r: Round,
  tr: Tr,
  say: { unit: (id: string | null) => string; locale: Locale; zone: string; t: Translate },
): RoundView & { prizes: PrizeView[] } {
  const prizeOf = new Map<unknown, PrizeKind>([
    ...r.prizes.map((p) => [p.winner, p.prize] as const),
    ...r.collectivePrizes.map((p) => [p.winner, p.prize] as const),
  ]);
  const label = (p: PrizeKind | null) => (p ? tr(`prize.${p}`) : null);
  const ranking = r.ranking.map((e): EntryView => {
    const prize = prizeOf.get(e) ?? null;
    return {
      round: r.round,
      rank: e.rank,
      name: e.name,
      unitId: e.unitId,
      unit: say.unit(e.unitId),
      correct: e.correct,
      questionCount: e.questionCount,
      prediction: e.prediction,
      predictionDistance: e.predictionDistance,
      predictionText: e.prediction === null ? '—' : `${e.prediction} (±${e.predictionDistance})`,
      timeTakenMs: e.timeTakenMs,
      duration: formatDuration(say.t, say.locale, e.timeTakenMs),
      submittedAt: e.submittedAt,
      submittedAtLocal: formatSubmittedAt(e.submittedAt, say.zone),
      prize,
      prizeLabel: label(prize),
    };
  });
  const collective = r.collective.map((u): UnitView => {
    const prize = prizeOf.get(u) ?? null;
    const { rank, unitId, name, participants, size, participationRate, averageScore, correctAnswers } = u;
    const rate = participationRate === null ? tr('report.sizeUnknown') : formatPercent(participationRate, say.locale);
    return {
      round: r.round,
      rank,
      unitId,
      name,
      participants,
      size,
      participationRate,
      rate,
      averageScore,
      average: formatNumber(averageScore, say.locale, 2),
      correctAnswers,
      prize,
      prizeLabel: label(prize),
    };
  });
  const kinds = { individual: tr('kind.individual'), collective: tr('kind.collective') };
  const prizes: PrizeView[] = [
    ...r.prizes.map((p) => ({
      round: r.round,
      kind: 'individual' as const,
      kindLabel: kinds.individual,
      prize: p.prize,
      prizeLabel: tr(`prize.${p.prize}`),
      rank: p.winner.rank,
      name: p.winner.name,
      unit: say.unit(p.winner.unitId),
    })),
    ...r.collectivePrizes.map((p) => ({
      round: r.round,
      kind: 'collective' as const,
      kindLabel: kinds.collective,
      prize: p.prize,
      prizeLabel: tr(`prize.${p.prize}`),
      rank: p.winner.rank,
      name: p.winner.name,
      unit: '',
    })),
  ];
  const heading = tr('report.round', { round: r.round, ranked: r.ranking.length, perfect: r.perfect });
  return { round: r.round, heading, perfect: r.perfect, ranking, collective, prizes };
}

/** The results in `locale` (Vietnamese by default), times in `timeZone`: what every reader of the results shows. */
export function resultsView(results: ContestResults, t: Translate, locale: Locale = DEFAULT_LOCALE, timeZone: string = DEFAULT_TIME_ZONE): ResultsView {
  const tr: Tr = (key, vars) => t(locale, `conversation:results.${key}`, vars);
  const say = { unit: unitNamer(results), locale, zone: timeZone, t };
  const title = results.contest.title[locale] ?? results.contest.title.vi;
  const rounds = results.rounds.map((r) => roundView(r, tr, say));
  return {
    id: results.contest.id,
    bot: results.bot,
    title,
    heading: tr('report.heading', { id: results.contest.id, title, bot: results.bot }),
    rule: tr('report.rule', { collective: results.contest.collectiveRanking.map((c) => tr(`criterion.${c}`)).join(' → ') }),
    // Only rounds somebody played: a weekly contest over a year has some fifty rounds.
    rounds: rounds.filter((r) => r.ranking.length > 0).map(({ prizes: _prizes, ...round }) => round),
    prizes: rounds.flatMap((r) => r.prizes),
    columns: Object.fromEntries(COLUMNS.map((c) => [c, tr(`column.${c}`)])),
  };
}

/**
 * Plain-text report of a contest's results, for the terminal: texts from `conversation:results.*`
 * in `locale` (Vietnamese by default), submission times in `timeZone` (Asia/Ho_Chi_Minh).
 */
export function formatResults(results: ContestResults, t: Translate, locale: Locale = DEFAULT_LOCALE, timeZone: string = DEFAULT_TIME_ZONE): string {
  const tr: Tr = (key, vars) => t(locale, `conversation:results.${key}`, vars);
  const view = resultsView(results, t, locale, timeZone);
  const lines: string[] = [view.heading, view.rule];
  if (view.rounds.length === 0) lines.push('', tr('report.noEntries'));
  for (const r of view.rounds) {
    lines.push('', r.heading);
    for (const e of r.ranking.slice(0, 50)) {
      const entry = { rank: String(e.rank).padStart(3), name: e.name, unit: e.unit, correct: e.correct, count: e.questionCount, prediction: e.predictionText };
      lines.push(`  ${tr('report.entry', { ...entry, duration: e.duration, submitted: e.submittedAtLocal })}`);
    }
    const prizes = view.prizes.filter((p) => p.round === r.round);
    lines.push(`  ${tr('report.individualPrizes')}`);
    for (const p of prizes.filter((x) => x.kind === 'individual'))
      lines.push(`    ${tr('report.individualPrize', { prize: p.prizeLabel, code: p.prize, name: p.name, unit: p.unit, rank: p.rank })}`);
    if (!prizes.some((x) => x.kind === 'individual')) lines.push(`    ${tr('report.noIndividualPrize')}`);
    lines.push(`  ${tr('report.collectiveRanking')}`);
    for (const u of r.collective)
      lines.push(
        `    ${tr('report.unit', { rank: u.rank, name: u.name, participants: u.participants, rate: u.rate, average: u.average, correct: u.correctAnswers })}`,
      );
    lines.push(`  ${tr('report.collectivePrizes')}`);
    for (const p of prizes.filter((x) => x.kind === 'collective'))
      lines.push(`    ${tr('report.collectivePrize', { prize: p.prizeLabel, code: p.prize, name: p.name })}`);
    if (!prizes.some((x) => x.kind === 'collective')) lines.push(`    ${tr('report.noCollectivePrize')}`);
  }
  return lines.join('\n');
}

/** A sheet with bold, frozen headers from the view's column labels. */
function addSheet(wb: ExcelJS.Workbook, name: string, view: ResultsView, columns: ReadonlyArray<readonly [key: string, width: number]>): ExcelJS.Worksheet {
  const sheet = wb.addWorksheet(name.slice(0, 31));
  sheet.columns = columns.map(([key, width]) => ({ header: view.columns[key] ?? key, key, width }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return sheet;
}

/** The ranking of one round as rows of `round, rank, name, unit, …` (the workbook's sheets, the CSV download). */
export function rankingRows(round: RoundView): Array<Record<string, string | number>> {
  return round.ranking.map((e) => ({
    round: e.round,
    rank: e.rank,
    name: e.name,
    unit: e.unit,
    correct: e.correct,
    count: e.questionCount,
    prediction: e.prediction ?? '',
    distance: e.predictionDistance ?? '',
    duration: e.duration,
    submitted: e.submittedAtLocal,
    prize: e.prizeLabel ?? '',
  }));
}

/** The columns of a round's ranking sheet (its rows: {@link rankingRows}, which also carry `round`), with widths. */
export const RANKING_COLUMNS = [
  ['rank', 8],
  ['name', 30],
  ['unit', 30],
  ['correct', 12],
  ['count', 8],
  ['prediction', 10],
  ['distance', 16],
  ['duration', 18],
  ['submitted', 24],
  ['prize', 20],
] as const;

/** A workbook row whose text cells are never formulas (the CSV download is guarded by its own writer). */
const cells = (row: Record<string, string | number>): Record<string, string | number> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? spreadsheetText(v) : v]));

/**
 * The results as an XLSX workbook in `locale` (Vietnamese by default): the prizes, then one ranking
 * sheet and one unit sheet per round. Submission times are `dd/MM/yyyy HH:mm:ss` in `timeZone`,
 * durations in minutes and seconds.
 */
export async function resultsWorkbook(
  results: ContestResults,
  t: Translate,
  locale: Locale = DEFAULT_LOCALE,
  timeZone: string = DEFAULT_TIME_ZONE,
): Promise<ExcelJS.Workbook> {
  const tr: Tr = (key, vars) => t(locale, `conversation:results.${key}`, vars);
  const view = resultsView(results, t, locale, timeZone);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cds-quiz-bot';
  const prizes = addSheet(wb, tr('sheet.prizes'), view, [
    ['round', 8],
    ['kind', 12],
    ['prize', 20],
    ['rank', 8],
    ['name', 36],
    ['unit', 30],
  ]);
  for (const p of view.prizes) prizes.addRow(cells({ round: p.round, kind: p.kindLabel, prize: p.prizeLabel, rank: p.rank, name: p.name, unit: p.unit }));
  for (const r of view.rounds) {
    addSheet(wb, tr('sheet.individual', { round: r.round }), view, RANKING_COLUMNS).addRows(rankingRows(r).map(cells));
    const units = addSheet(wb, tr('sheet.collective', { round: r.round }), view, [
      ['rank', 8],
      ['unit', 36],
      ['participants', 16],
      ['size', 14],
      ['rate', 14],
      ['average', 16],
      ['correctTotal', 14],
      ['prize', 20],
    ]);
    // The rate stays a number, shown as a percentage by the cell's format (the page and CLI write it with formatPercent).
    units.getColumn('rate').numFmt = PERCENT_CELL_FORMAT;
    for (const u of r.collective) {
      units.addRow(
        cells({
          rank: u.rank,
          unit: u.name,
          participants: u.participants,
          size: u.size ?? '',
          rate: u.participationRate === null ? '' : percentCellValue(u.participationRate),
          average: Math.round(u.averageScore * 100) / 100,
          correctTotal: u.correctAnswers,
          prize: u.prizeLabel ?? '',
        }),
      );
    }
  }
  return wb;
}

/** Writes {@link resultsWorkbook} to an .xlsx file. */
export async function writeResultsXlsx(
  results: ContestResults,
  file: string,
  t: Translate,
  locale: Locale = DEFAULT_LOCALE,
  timeZone: string = DEFAULT_TIME_ZONE,
): Promise<void> {
  await (await resultsWorkbook(results, t, locale, timeZone)).xlsx.writeFile(file);
}
