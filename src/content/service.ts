import type { Config } from '../config/index.js';
import { checkContent } from './check.js';
import { loadContent, type ContentPaths, type LoadedContent } from './load.js';
import { isLive, type ContentBundle } from './schema.js';
import { formatProblem, type ContentProblem } from './source.js';

/** Thrown when content has problems; the message lists them one `file:line:column: message` a line. */
export class ContentError extends Error {
  constructor(readonly problems: readonly ContentProblem[]) {
    super(`Content has ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ContentError';
  }
}

export interface CheckedContent {
  readonly loaded: LoadedContent;
  readonly problems: readonly ContentProblem[];
}

/** Loads and checks everything; problems come back sorted by file and position. */
export function loadAndCheckContent(paths: ContentPaths): CheckedContent {
  const loaded = loadContent(paths);
  return { loaded, problems: checkContent(loaded) };
}

/** The bundle, or a ContentError listing every problem. */
export function loadValidContent(paths: ContentPaths): ContentBundle {
  const { loaded, problems } = loadAndCheckContent(paths);
  if (problems.length) throw new ContentError(problems);
  return loaded.bundle;
}

export function contentPaths(config: Pick<Config, 'paths'>): ContentPaths {
  return { botsDir: config.paths.bots, contentDir: config.paths.content };
}

/** A short summary: facts, live questions per topic and by status, bots, campaigns, events and units. */
export interface ContentSummary {
  readonly facts: number;
  /** Live (published) questions per topic. */
  readonly questionsPerTopic: Readonly<Record<string, number>>;
  readonly questions: number;
  readonly live: number;
  readonly draft: number;
  readonly reviewed: number;
  readonly bots: number;
  readonly campaigns: number;
  readonly events: number;
  readonly unitLists: number;
  readonly units: number;
}

export function summarise(bundle: ContentBundle): ContentSummary {
  const questionsPerTopic: Record<string, number> = {};
  const live = bundle.questions.filter(isLive);
  for (const q of live) questionsPerTopic[q.topic] = (questionsPerTopic[q.topic] ?? 0) + 1;
  return {
    facts: bundle.facts.length,
    questionsPerTopic,
    questions: bundle.questions.length,
    live: live.length,
    draft: bundle.questions.filter((q) => q.status === 'draft').length,
    reviewed: bundle.questions.filter((q) => q.status === 'reviewed').length,
    bots: bundle.bots.length,
    campaigns: bundle.campaigns.length,
    events: bundle.campaigns.reduce((n, c) => n + c.events.length, 0),
    unitLists: bundle.unitLists.length,
    units: bundle.unitLists.reduce((n, l) => n + l.units.length, 0),
  };
}
