import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { DEFAULT_LOCALE, DEFAULT_TIME_ZONE, spreadsheetText, type Locale } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import type { ContestResults } from './results.js';

type Resolved = { readonly tr: (key: string, vars?: Record<string, unknown>) => string; readonly at: (d: Date) => string };

function resolve(t: Translate, locale: Locale, zone: string): Resolved {
  return {
    tr: (key, vars) => t(locale, `conversation:results.${key}`, vars),
    at: (d) => formatSubmittedAt(d, zone),
  };
}

/** `dd/MM/yyyy HH:mm:ss` of an instant in Asia/Ho_Chi_Minh (or another zone): how results show times. */
export function formatSubmittedAt(at: Date, zone: string = DEFAULT_TIME_ZONE): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('dd/MM/yyyy HH:mm:ss');
}

function unitNamer(results: ContestResults): (id: string | null) => string {
  const names = new Map(results.units.map((u) => [u.unitId, u.name]));
  return (id) => (id ? (names.get(id) ?? id) : '—');
}

/**
 * Plain-text report of a contest's results, for the terminal: texts from `conversation:results.*`
 * in `locale` (Vietnamese by default), submission times in `timeZone` (Asia/Ho_Chi_Minh).
 */
export function formatResults(results: ContestResults, t: Translate, locale: Locale = DEFAULT_LOCALE, timeZone: string = DEFAULT_TIME_ZONE): string {
  const { tr, at } = resolve(t, locale, timeZone);
  const unit = unitNamer(results);
  const prize = (p: string) => tr(`prize.${p}`);
  const lines: string[] = [
    tr('report.heading', { id: results.contest.id, title: results.contest.title[locale] ?? results.contest.title.vi, bot: results.bot }),
  ];
  lines.push(tr('report.rule', { collective: results.contest.collectiveRanking.join(' → ') }));
  for (const r of results.rounds) {
    lines.push('', tr('report.round', { round: r.round, ranked: r.ranking.length, perfect: r.perfect }));
    for (const e of r.ranking.slice(0, 50)) {
      const pred = e.prediction === null ? '—' : `${e.prediction} (±${e.predictionDistance})`;
      const entry = { rank: String(e.rank).padStart(3), name: e.name, unit: unit(e.unitId), correct: e.correct, count: e.questionCount, prediction: pred };
      lines.push(`  ${tr('report.entry', { ...entry, seconds: (e.timeTakenMs / 1000).toFixed(1), submitted: at(e.submittedAt) })}`);
    }
    lines.push(`  ${tr('report.individualPrizes')}`);
    for (const p of r.prizes)
      lines.push(
        `    ${tr('report.individualPrize', { prize: prize(p.prize), code: p.prize, name: p.winner.name, unit: unit(p.winner.unitId), rank: p.winner.rank })}`,
      );
    if (r.prizes.length === 0) lines.push(`    ${tr('report.noIndividualPrize')}`);
    lines.push(`  ${tr('report.collectiveRanking')}`);
    for (const u of r.collective) {
      const rate = u.participationRate === null ? tr('report.sizeUnknown') : `${(u.participationRate * 100).toFixed(1)}%`;
      lines.push(
        `    ${tr('report.unit', { rank: u.rank, name: u.name, participants: u.participants, rate, average: u.averageScore.toFixed(2), correct: u.correctAnswers })}`,
      );
    }
    lines.push(`  ${tr('report.collectivePrizes')}`);
    for (const p of r.collectivePrizes) lines.push(`    ${tr('report.collectivePrize', { prize: prize(p.prize), code: p.prize, name: p.winner.name })}`);
    if (r.collectivePrizes.length === 0) lines.push(`    ${tr('report.noCollectivePrize')}`);
  }
  return lines.join('\n');
}

/** What every sheet of the workbook needs: labels in the chosen language, unit names, local times. */
interface SheetContext {
  readonly tr: Resolved['tr'];
  readonly at: Resolved['at'];
  readonly col: (key: string) => string;
  readonly unit: (id: string | null) => string;
}

type Round = ContestResults['rounds'][number];

/** The prize winners of one round, individual and collective, as rows of the prizes sheet. */
function addPrizeRows(prizes: ExcelJS.Worksheet, r: Round, { tr, unit }: SheetContext): void {
  for (const p of r.prizes)
    prizes.addRow({
      round: r.round,
      type: tr('kind.individual'),
      prize: tr(`prize.${p.prize}`),
      rank: p.winner.rank,
      name: spreadsheetText(p.winner.name),
      unit: spreadsheetText(unit(p.winner.unitId)),
    });
  for (const p of r.collectivePrizes)
    prizes.addRow({
      round: r.round,
      type: tr('kind.collective'),
      prize: tr(`prize.${p.prize}`),
      rank: p.winner.rank,
      name: spreadsheetText(p.winner.name),
      unit: spreadsheetText(p.winner.unitId),
    });
}

/** One round's individual ranking. */
function addRankingSheet(wb: ExcelJS.Workbook, r: Round, { tr, at, col, unit }: SheetContext): void {
  const sheet = wb.addWorksheet(tr('sheet.individual', { round: r.round }));
  sheet.columns = [
    { header: col('rank'), key: 'rank', width: 8 },
    { header: col('name'), key: 'name', width: 30 },
    { header: col('unit'), key: 'unit', width: 24 },
    { header: col('correct'), key: 'correct', width: 12 },
    { header: col('count'), key: 'count', width: 8 },
    { header: col('prediction'), key: 'prediction', width: 10 },
    { header: col('distance'), key: 'distance', width: 16 },
    { header: col('seconds'), key: 'seconds', width: 16 },
    { header: col('submitted'), key: 'submitted', width: 24 },
  ];
  for (const e of r.ranking) {
    sheet.addRow({
      rank: e.rank,
      name: spreadsheetText(e.name),
      unit: spreadsheetText(unit(e.unitId)),
      correct: e.correct,
      count: e.questionCount,
      prediction: e.prediction ?? '',
      distance: e.predictionDistance ?? '',
      seconds: Math.round(e.timeTakenMs / 100) / 10,
      submitted: at(e.submittedAt),
    });
  }
}

/** One round's unit ranking. */
function addUnitSheet(wb: ExcelJS.Workbook, r: Round, { tr, col }: SheetContext): void {
  const units = wb.addWorksheet(tr('sheet.collective', { round: r.round }));
  units.columns = [
    { header: col('rank'), key: 'rank', width: 8 },
    { header: col('unit'), key: 'name', width: 36 },
    { header: col('participants'), key: 'participants', width: 16 },
    { header: col('size'), key: 'size', width: 14 },
    { header: col('rate'), key: 'rate', width: 14 },
    { header: col('average'), key: 'average', width: 16 },
    { header: col('correctTotal'), key: 'correct', width: 14 },
  ];
  for (const u of r.collective) {
    units.addRow({
      rank: u.rank,
      name: spreadsheetText(u.name),
      participants: u.participants,
      size: u.size ?? '',
      rate: u.participationRate === null ? '' : Math.round(u.participationRate * 1000) / 10,
      average: Math.round(u.averageScore * 100) / 100,
      correct: u.correctAnswers,
    });
  }
}

/**
 * The results as an XLSX workbook in `locale` (Vietnamese by default): the prizes, then one ranking
 * sheet and one unit sheet per round. Submission times are `dd/MM/yyyy HH:mm:ss` in `timeZone`.
 */
export async function resultsWorkbook(
  results: ContestResults,
  t: Translate,
  locale: Locale = DEFAULT_LOCALE,
  timeZone: string = DEFAULT_TIME_ZONE,
): Promise<ExcelJS.Workbook> {
  const { tr, at } = resolve(t, locale, timeZone);
  const ctx: SheetContext = { tr, at, col: (key) => tr(`column.${key}`), unit: unitNamer(results) };
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cds-quiz-bot';
  const prizes = wb.addWorksheet(tr('sheet.prizes'));
  prizes.columns = [
    { header: ctx.col('round'), key: 'round', width: 8 },
    { header: ctx.col('kind'), key: 'type', width: 12 },
    { header: ctx.col('prize'), key: 'prize', width: 20 },
    { header: ctx.col('rank'), key: 'rank', width: 8 },
    { header: ctx.col('name'), key: 'name', width: 30 },
    { header: ctx.col('unit'), key: 'unit', width: 30 },
  ];
  for (const r of results.rounds) {
    addPrizeRows(prizes, r, ctx);
    addRankingSheet(wb, r, ctx);
    addUnitSheet(wb, r, ctx);
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
