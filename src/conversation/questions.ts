import { botAsks, mediaPath, mediaUrl, sourceLine, type BotConfig, type ContentBundle, type Fact } from '../content/index.js';
import type { Models } from '../db/index.js';
import type { UnitInfo } from '../quiz/index.js';
import type { QuizQuestion } from './types.js';

/** How long the active questions of a bot are kept in memory before being read again. */
const CACHE_MS = 30_000;

/**
 * The active questions a bot asks (published, of its topics and province, see `botAsks`), read from the synced Question
 * collection and kept for a short while (every inbound event needs them; they change only on a content sync). Each
 * carries its source line in words, from the fact base (`facts`).
 */
export function createQuestionSource(models: Models, now: () => number = Date.now, facts: readonly Fact[] = [], publicUrl?: string) {
  // Without PUBLIC_URL a picture has only this server's path: the simulator shows it, the platforms leave it out.
  const picture = (file: string | null | undefined) => (file ? (mediaUrl(publicUrl, file) ?? mediaPath(file)) : undefined);
  const cache = new Map<string, { at: number; questions: QuizQuestion[] }>();
  const factsById = new Map(facts.map((f) => [f.id, f]));
  return {
    async forBot(bot: BotConfig): Promise<QuizQuestion[]> {
      const key = bot.id;
      const hit = cache.get(key);
      if (hit && now() - hit.at < CACHE_MS) return hit.questions;
      const docs = await models.Question.find({ topic: { $in: bot.topics }, retiredAt: null, status: 'published' })
        .sort({ questionId: 1 })
        .lean();
      const questions: QuizQuestion[] = docs
        .filter((d) => botAsks(bot, d))
        .map((d) => ({
          questionId: d.questionId,
          revision: d.revision,
          topic: d.topic,
          difficulty: d.difficulty === 2 || d.difficulty === 3 ? d.difficulty : 1,
          answer: d.answer,
          vi: { question: d.vi.question, options: d.vi.options, explanation: d.vi.explanation },
          en: d.en ? { question: d.en.question, options: d.en.options, explanation: d.en.explanation } : null,
          source: { vi: sourceLine(d.facts ?? [], factsById, 'vi'), en: sourceLine(d.facts ?? [], factsById, 'en') },
          image: picture(d.image),
          explanationImage: picture(d.explanationImage),
        }));
      cache.set(key, { at: now(), questions });
      return questions;
    },
    clear(): void {
      cache.clear();
    },
  };
}

export type QuestionSource = ReturnType<typeof createQuestionSource>;

/** The unit list a bot names, from the loaded content. */
export function unitsOf(content: Pick<ContentBundle, 'unitLists'>, bot: BotConfig): UnitInfo[] {
  const list = content.unitLists.find((l) => l.id === bot.units);
  return (list?.units ?? []).map((u) => ({ unitId: u.id, name: u.name, size: u.size ?? null }));
}
