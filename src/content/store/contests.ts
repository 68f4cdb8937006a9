import { z } from 'zod';
import { ConflictError, ForbiddenError, NotFoundError } from '../../domain/index.js';
import { contestSchema } from '../schema.js';
import type { Actor } from './audit.js';
import type { Editor } from './editor.js';
import { slugOf, uniqueId } from './ids.js';
import type { ContentStore } from './live.js';
import type { StoredContest } from './merge.js';

/**
 * Contests as organisers edit them: the bot, the window, rounds, questions per attempt, time limit,
 * attempts, topics, prizes and the prediction question. A bot may run several over time; the one
 * whose window holds today is its current contest (`currentContest`).
 */

const botId = contestSchema.shape.id;

/** `POST /contests`: a contest's fields (as under `contest:` in bots/*.yaml) and its bot; the id may be left out. */
export const contestInputSchema = contestSchema.extend({ id: contestSchema.shape.id.optional(), bot: botId }).strict();
export type ContestInput = z.input<typeof contestInputSchema>;

/** `PATCH /contests/:id`: only the fields named change (no defaults here). */
export const contestPatchSchema = z
  .object({
    bot: botId.optional(),
    title: contestSchema.shape.title.optional(),
    window: contestSchema.shape.window.optional(),
    rounds: contestSchema.shape.rounds.unwrap().optional(),
    questionsPerAttempt: contestSchema.shape.questionsPerAttempt.optional(),
    timeLimitMinutes: contestSchema.shape.timeLimitMinutes.optional(),
    attemptsPerRound: contestSchema.shape.attemptsPerRound.unwrap().optional(),
    topics: contestSchema.shape.topics.unwrap().nullable().optional(),
    prediction: contestSchema.shape.prediction.unwrap().optional(),
    prizes: contestSchema.shape.prizes.optional(),
    collectiveRanking: contestSchema.shape.collectiveRanking.unwrap().optional(),
    awards: contestSchema.shape.awards.unwrap().nullable().optional(),
  })
  .strict();
export type ContestPatch = z.input<typeof contestPatchSchema>;

export function createContestEditor(deps: { editor: Editor; store: ContentStore }) {
  const { editor, store } = deps;
  const mine = (actor: Actor, bot: string) => actor.role === 'admin' || actor.bots!.includes(bot);

  /** Every contest of the bots an actor manages, with its bot. */
  function list(actor: Actor): StoredContest[] {
    return store.live.contests.filter((c) => mine(actor, c.bot)).map((c) => ({ ...c.contest, bot: c.bot }));
  }

  function find(id: string, actor: Actor): StoredContest {
    const found = editor.current('contest', id);
    if (!found || found.retired) throw new NotFoundError('contest_not_found', { id });
    if (!mine(actor, found.value.bot)) throw new ForbiddenError('bot_forbidden', { bot: found.value.bot });
    return found.value;
  }

  function requireBot(actor: Actor, bot: string): void {
    if (!mine(actor, bot)) throw new ForbiddenError('bot_forbidden', { bot });
    if (!store.live.bots.some((b) => b.id === bot)) throw new NotFoundError('bot_not_found', { bot });
  }

  async function create(raw: ContestInput, actor: Actor) {
    const input = contestInputSchema.parse(raw);
    requireBot(actor, input.bot);
    const ids = new Set(store.live.contests.map((c) => c.contest.id));
    const id = input.id ?? uniqueId(slugOf(input.title.vi), ids);
    if (ids.has(id)) throw new ConflictError('content_item_exists', { kind: 'contest', id });
    const { bot, ...contest } = input;
    const value: StoredContest = { ...contestSchema.parse({ ...contest, id }), bot };
    return editor.save({ kind: 'contest', key: id, value, actor, action: 'create' });
  }

  async function patch(id: string, raw: ContestPatch, actor: Actor) {
    const p = contestPatchSchema.parse(raw);
    const old = find(id, actor);
    if (p.bot) requireBot(actor, p.bot);
    const { bot: _bot, ...oldContest } = old;
    const changed = Object.fromEntries(Object.entries(p).filter(([k, v]) => v !== undefined && k !== 'bot'));
    const merged: Record<string, unknown> = { ...oldContest, ...changed };
    // null takes an optional field away: every topic of the bot, no award date.
    for (const k of ['topics', 'awards'] as const) if (merged[k] === null) delete merged[k];
    const value: StoredContest = { ...contestSchema.parse(merged), bot: p.bot ?? old.bot };
    return editor.save({ kind: 'contest', key: id, value, actor, action: 'update' });
  }

  return { list, find, create, patch };
}

export type ContestEditor = ReturnType<typeof createContestEditor>;
