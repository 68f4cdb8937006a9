import ExcelJS from 'exceljs';
import type { ContestResults } from './results.js';

const PRIZE_VI = { first: 'Giải nhất', second: 'Giải nhì', third: 'Giải ba', consolation: 'Giải khuyến khích' } as const;

function unitNamer(results: ContestResults): (id: string | null) => string {
  const names = new Map(results.units.map((u) => [u.unitId, u.name]));
  return (id) => (id ? (names.get(id) ?? id) : '—');
}

/** Plain-text report of a contest's results, for the terminal. */
export function formatResults(results: ContestResults): string {
  const unit = unitNamer(results);
  const lines: string[] = [`Contest ${results.contest.id} (${results.contest.title.vi}) on bot ${results.bot}`];
  lines.push(`Ranking: correct desc → |prediction − perfect| asc → time asc → earlier submission; collective: ${results.contest.collectiveRanking.join(' → ')}`);
  for (const r of results.rounds) {
    lines.push('', `Round ${r.round}: ${r.ranking.length} participants ranked, ${r.perfect} with every answer right`);
    for (const e of r.ranking.slice(0, 50)) {
      const pred = e.prediction === null ? '—' : `${e.prediction} (±${e.predictionDistance})`;
      lines.push(`  ${String(e.rank).padStart(3)}. ${e.name} [${unit(e.unitId)}] ${e.correct}/${e.questionCount}  prediction ${pred}  ${(e.timeTakenMs / 1000).toFixed(1)} s  ${e.submittedAt.toISOString()}`);
    }
    lines.push('  Individual prizes:');
    for (const p of r.prizes) lines.push(`    ${PRIZE_VI[p.prize]} (${p.prize}): ${p.winner.name} [${unit(p.winner.unitId)}] #${p.winner.rank}`);
    if (r.prizes.length === 0) lines.push('    (none: no ranked participant)');
    lines.push('  Collective ranking:');
    for (const u of r.collective) {
      const rate = u.participationRate === null ? 'size unknown' : `${(u.participationRate * 100).toFixed(1)}%`;
      lines.push(`    ${u.rank}. ${u.name}: ${u.participants} participants, rate ${rate}, average ${u.averageScore.toFixed(2)}, correct ${u.correctAnswers}`);
    }
    lines.push('  Collective prizes:');
    for (const p of r.collectivePrizes) lines.push(`    ${PRIZE_VI[p.prize]} (${p.prize}): ${p.winner.name}`);
    if (r.collectivePrizes.length === 0) lines.push('    (none)');
  }
  return lines.join('\n');
}

/** The results as an XLSX workbook: one ranking sheet and one unit sheet per round, and the prizes. */
export async function resultsWorkbook(results: ContestResults): Promise<ExcelJS.Workbook> {
  const unit = unitNamer(results);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'cds-quiz-bot';
  const prizes = wb.addWorksheet('Giải thưởng');
  prizes.columns = [
    { header: 'Vòng', key: 'round', width: 8 },
    { header: 'Loại', key: 'type', width: 12 },
    { header: 'Giải', key: 'prize', width: 20 },
    { header: 'Hạng', key: 'rank', width: 8 },
    { header: 'Tên', key: 'name', width: 30 },
    { header: 'Đơn vị', key: 'unit', width: 30 },
  ];
  for (const r of results.rounds) {
    for (const p of r.prizes) prizes.addRow({ round: r.round, type: 'Cá nhân', prize: PRIZE_VI[p.prize], rank: p.winner.rank, name: p.winner.name, unit: unit(p.winner.unitId) });
    for (const p of r.collectivePrizes) prizes.addRow({ round: r.round, type: 'Tập thể', prize: PRIZE_VI[p.prize], rank: p.winner.rank, name: p.winner.name, unit: p.winner.unitId });
    const sheet = wb.addWorksheet(`Vòng ${r.round} cá nhân`);
    sheet.columns = [
      { header: 'Hạng', key: 'rank', width: 8 },
      { header: 'Tên', key: 'name', width: 30 },
      { header: 'Đơn vị', key: 'unit', width: 24 },
      { header: 'Số câu đúng', key: 'correct', width: 12 },
      { header: 'Số câu', key: 'count', width: 8 },
      { header: 'Dự đoán', key: 'prediction', width: 10 },
      { header: 'Sai lệch dự đoán', key: 'distance', width: 16 },
      { header: 'Thời gian (giây)', key: 'seconds', width: 16 },
      { header: 'Nộp bài lúc (UTC)', key: 'submitted', width: 24 },
    ];
    for (const e of r.ranking) {
      sheet.addRow({
        rank: e.rank,
        name: e.name,
        unit: unit(e.unitId),
        correct: e.correct,
        count: e.questionCount,
        prediction: e.prediction ?? '',
        distance: e.predictionDistance ?? '',
        seconds: Math.round(e.timeTakenMs / 100) / 10,
        submitted: e.submittedAt.toISOString(),
      });
    }
    const units = wb.addWorksheet(`Vòng ${r.round} tập thể`);
    units.columns = [
      { header: 'Hạng', key: 'rank', width: 8 },
      { header: 'Đơn vị', key: 'name', width: 36 },
      { header: 'Người tham gia', key: 'participants', width: 16 },
      { header: 'Số đoàn viên', key: 'size', width: 14 },
      { header: 'Tỉ lệ tham gia', key: 'rate', width: 14 },
      { header: 'Điểm trung bình', key: 'average', width: 16 },
      { header: 'Tổng câu đúng', key: 'correct', width: 14 },
    ];
    for (const u of r.collective) {
      units.addRow({
        rank: u.rank,
        name: u.name,
        participants: u.participants,
        size: u.size ?? '',
        rate: u.participationRate === null ? '' : Math.round(u.participationRate * 1000) / 10,
        average: Math.round(u.averageScore * 100) / 100,
        correct: u.correctAnswers,
      });
    }
  }
  return wb;
}

export async function writeResultsXlsx(results: ContestResults, file: string): Promise<void> {
  await (await resultsWorkbook(results)).xlsx.writeFile(file);
}
