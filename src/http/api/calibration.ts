import { calibrate, DIFFICULTY_BANDS, filterQuestions, type BotConfig, type QuestionRow } from '../../content/index.js';
import { addDays, formatPercent, type Locale } from '../../domain/index.js';
import type { Translate } from '../../i18n/index.js';
import type { StatsQueries, StatsScope } from '../../stats/index.js';
import type { Names } from './names.js';
import { percentCell, type ExportTable } from './tables.js';

/**
 * How far back the answers that calibrate a question's difficulty go. The question list (its
 * `suggestedDifficulty`), the calibration export and `content calibration` read the same days, so a
 * question flagged in one is flagged in the others.
 */
export const CALIBRATION_DAYS = 365;

/** The days whose answers calibrate: `from`–`to` when given, else the 365 days up to `to` (default today). */
export function calibrationDays(today: string, q: { from?: string | undefined; to?: string | undefined } = {}): { from: string; to: string } {
  const to = q.to ?? today;
  return { from: q.from ?? addDays(to, -CALIBRATION_DAYS), to };
}

/** A question's answers in a scope and the share of them that were right (null without answers). */
export interface AnswerFigures {
  readonly answers: number;
  readonly accuracy: number | null;
}

/** Answers and accuracy per question in a scope, from the statistics room's figures (never recomputed here). */
export async function answerFigures(stats: Pick<StatsQueries, 'questions'>, scope: StatsScope): Promise<(id: string) => AnswerFigures | undefined> {
  const rows = await stats.questions(scope);
  const byId = new Map(rows.map((r) => [r.questionId, { answers: r.answers, accuracy: r.accuracy }]));
  return (id) => byId.get(id);
}

/** What the calibration list is drawn from; the API and the terminal command fill it in for their caller. */
export interface CalibrationSource {
  /** The questions the caller may see: the content room's rows for their role (`questions.rows(actor)`). */
  readonly rows: readonly QuestionRow[];
  /** The bots in force, to keep the questions one bot asks when `bot` is given. */
  readonly bots: readonly BotConfig[];
  readonly stats: Pick<StatsQueries, 'questions'>;
  readonly t: Translate;
  /** Words for topics and difficulties in `lang`. */
  readonly names: Pick<Names, 'topic' | 'difficulty'>;
}

export interface CalibrationQuery {
  /** The bots and days whose answers count: the caller's bots (or one of them), `calibrationDays` by default. */
  readonly scope: StatsScope;
  /** Only the questions this bot asks. */
  readonly bot?: string | undefined;
  readonly lang: Locale;
}

/** The columns of the calibration list, keys of `admin:export.columns.*`. */
export const CALIBRATION_COLUMNS = ['questionId', 'question', 'topic', 'difficulty', 'suggestedDifficulty', 'answers', 'accuracyPercent', 'reason'] as const;

/**
 * Every question whose answers contradict its difficulty label (`calibrate`: enough answers, and an
 * accuracy outside the label's band), most answered first: the question in Vietnamese, its topic, the
 * label and the difficulty the answers suggest in words, the answers, the accuracy (a percentage cell), and a
 * sentence saying why. The one function behind `GET /exports/calibration` and `content calibration`;
 * retired questions are left out (members no longer get them). Headers are column keys.
 */
export async function calibrationTable(src: CalibrationSource, q: CalibrationQuery): Promise<ExportTable> {
  const figures = await answerFigures(src.stats, q.scope);
  const flagged = filterQuestions(src.rows, { miscalibrated: true, bot: q.bot }, { bots: src.bots, accuracy: figures })
    .map(({ question }) => ({ question, figures: figures(question.id)! }))
    .sort((a, b) => b.figures.answers - a.figures.answers || a.question.id.localeCompare(b.question.id));
  return {
    name: 'calibration',
    headers: CALIBRATION_COLUMNS,
    rows: flagged.map(({ question, figures: f }) => {
      const label = question.difficulty;
      const band = DIFFICULTY_BANDS[label];
      const accuracy = f.accuracy ?? 0;
      const reason = src.t(q.lang, `admin:export.calibrationReason.${accuracy < band.min ? 'harder' : 'easier'}`, {
        label: src.names.difficulty(label),
        accuracy: formatPercent(accuracy, q.lang),
        answers: f.answers,
        min: formatPercent(band.min, q.lang),
        max: formatPercent(band.max, q.lang),
      });
      return [
        question.id,
        question.question,
        src.names.topic(question.topic),
        src.names.difficulty(label),
        src.names.difficulty(calibrate(label, f.answers, f.accuracy)!),
        f.answers,
        percentCell(accuracy),
        reason,
      ];
    }),
  };
}
