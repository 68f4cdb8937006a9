import { Types } from 'mongoose';
import type { BotConfig, ContentBundle } from '../content/index.js';
import { newParticipantFields, type Answer, type Models, type Participant } from '../db/index.js';
import {
  addDays,
  dayOf,
  participantKey,
  systemClock,
  type Clock,
  type InboundEvent,
  type InboundHandler,
  type Locale,
  type OutboundMessage,
} from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import type { Logger } from '../log/index.js';
import { creditJoin, deleteCertificatesOf, deleteInvitationsOf, issueCertificate, recordUnanswered } from '../learning/index.js';
import { memberHash, readProtectedStreak, roundOf, type FactIndex } from '../quiz/index.js';
import { step, viewsFor } from './engine.js';
import type { QuestionSource } from './questions.js';
import { unitsOf } from './questions.js';
import { applyOptInChange, optInEffect, reachContext } from './reach-store.js';
import { NEW_PARTICIPANT, type Effect, type EngineContext, type FairnessKeep, type ParticipantFacts, type StepResult } from './types.js';
import { loadViews } from './views.js';

export type AnswerWithId = Answer & { _id: Types.ObjectId };
export type ParticipantWithId = Participant & { _id: Types.ObjectId };

export interface ConversationListeners {
  /** After an answer is stored (statistics rollups). */
  answerRecorded?(answer: AnswerWithId): Promise<void>;
  /** After consent, unit, name, language or subscription changed. */
  participantChanged?(participant: ParticipantWithId): Promise<void>;
  /**
   * "Delete my data": deletes the participant's answers, keeping what they added to the statistics
   * as anonymous counts (docs/statistics.md). Throws on failure, so the deletion is retried.
   */
  eraseAnswers?(participant: { _id: Types.ObjectId; bot: string }): Promise<void>;
}

export interface ServiceDeps {
  readonly models: Models;
  readonly content: Pick<ContentBundle, 'bots' | 'unitLists'>;
  readonly t: Translate;
  readonly clock: Clock;
  /** The configured time zone (TIME_ZONE): what "today" is. */
  readonly timeZone: string;
  readonly logger: Logger;
  readonly questions: QuestionSource;
  readonly listeners?: ConversationListeners;
  /** Key of the per-member option order and of the fairness marks (config.memberKey). */
  readonly memberKey: string;
  /** PUBLIC_URL: where the platforms fetch a certificate's picture; without it certificates are issued but not sent. */
  readonly publicUrl?: string | undefined;
  /** Hỏi đáp: the fact index of a bot (built once per content load). */
  readonly factIndex?: (bot: BotConfig) => FactIndex | null;
  /** The bot's Messenger marketing messages are configured (the channels room: YAML and secrets): members may be asked to opt in. */
  readonly optInEnabled?: (bot: string) => boolean;
}

function factsOf(p: Participant | null, carried: ParticipantFacts['carried']): ParticipantFacts {
  if (!p) return { ...NEW_PARTICIPANT, carried };
  return {
    carried,
    known: true,
    locale: p.locale,
    consented: Boolean(p.consent),
    unitId: p.unitId,
    displayName: p.displayName,
    subscribed: p.subscribed,
    optIn: p.optIn ? { status: p.optIn.status, requestedAt: p.optIn.requestedAt, stoppedBy: p.optIn.stoppedBy ?? null } : null,
    oaFollower: p.oaFollower ?? null,
    eventSignups: p.eventSignups ?? [],
    recap: p.recap !== false,
    freezeNotice: p.freezeNotice ?? [],
    streak: readProtectedStreak(p.streak),
    totals: { ...NEW_PARTICIPANT.totals, ...(p.totals ?? {}) },
  };
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** Receipts are not messages from the person: they neither open platform windows nor create anyone. */
const RECEIPTS = new Set<InboundEvent['kind']>(['delivered', 'read']);
/**
 * Events that open the platform's window. Not `optin`: "A user's action of opting in to Marketing
 * Messages does not open the standard messaging window" (Meta, docs/reach.md §1.1); not `unfollow`.
 */
const PERSON_INITIATED = new Set<InboundEvent['kind']>(['text', 'choice', 'start', 'follow', 'unsupported']);

/**
 * The thin service around the engine: loads the participant, questions, units and whatever views
 * the event needs, runs `step`, applies the effects to the database and returns the replies.
 * Events of one participant arrive one at a time (the inbox worker orders them); two answers to
 * one question that still race are recorded once by the Answer unique index.
 */
export function createConversationService(deps: ServiceDeps): InboundHandler {
  const { models, logger } = deps;
  return async function handle(event: InboundEvent): Promise<OutboundMessage[]> {
    // Read at each event: organisers' edits (a new contest, a campaign) reach the bot without a restart.
    const bot: BotConfig | undefined = deps.content.bots.find((b) => b.id === event.bot);
    if (!bot) {
      logger.warn({ bot: event.bot }, 'conversation: event for an unknown bot ignored');
      return [];
    }
    if (RECEIPTS.has(event.kind)) return [];
    // A platform's opt-in change: stored, never answered (it opens no window, and it is not a message).
    if (event.kind === 'optin') return applyOptInChange(models, event, logger).then(() => []);
    const now = deps.clock();
    const { existing, facts, result } = await runStep(deps, bot, event, now);

    const deletion = result.effects.find((e) => e.type === 'deleteData');
    if (deletion) {
      if (existing) {
        await keepForFairness(deps, bot, event, { keep: deletion.keep, participantId: existing._id, carried: facts.carried }, now);
        await deleteParticipant(models, existing, deps.listeners?.eraseAnswers);
      }
      logger.info({ bot: bot.id, channel: event.channel }, 'conversation: a participant deleted their data');
      return result.messages;
    }
    if (!existing && event.kind === 'unfollow') return result.messages;

    // A newcomer is stored with the turn's changes in one write, after the effects (which refer to its id).
    const participant = existing ?? newcomer(event, facts.locale, now);
    const update = await applyEffects(deps, { bot, event, participant, now }, result);
    const listener = update.changed ? deps.listeners?.participantChanged : undefined;
    const fresh = await saveParticipant(deps, { participant, isNew: !existing, update, returnFresh: Boolean(listener) });
    if (fresh && listener) await listener(fresh).catch((err) => logger.warn({ err }, 'participantChanged listener failed'));
    return update.messages;
  };
}

/** Loads the participant, the bot's questions and units and the views the event needs, then runs the engine. */
async function runStep(deps: ServiceDeps, bot: BotConfig, event: InboundEvent, now: Date) {
  const today = dayOf(now, deps.timeZone);
  const key = { bot: event.bot, channel: event.channel, userId: event.userId };
  // Read through the driver: a lean mongoose query returns the same document, after building a
  // Query and casting a filter of three strings (every event pays for it).
  const existing = (await deps.models.Participant.collection.findOne(key)) as ParticipantWithId | null;
  const carried = await carriedMarks(deps, bot, event, today);
  // A newcomer is greeted in the bot's default language until they choose.
  const facts = existing ? factsOf(existing, carried) : { ...NEW_PARTICIPANT, carried, locale: bot.defaultLocale };
  const units = unitsOf(deps.content, bot);
  const base: Omit<EngineContext, 'views'> = {
    now,
    timeZone: deps.timeZone,
    bot,
    questions: await deps.questions.forBot(bot),
    units,
    participant: facts,
    t: deps.t,
    memberKey: deps.memberKey,
    newId: () => new Types.ObjectId().toHexString(),
    facts: deps.factIndex?.(bot) ?? null,
    reach: reachContext(bot, deps.optInEnabled),
  };
  const state = existing?.state ?? {};
  const request = viewsFor(state, event, base);
  const loaded = await loadViews(deps.models, bot, units, request, today, existing ? String(existing._id) : null, existing?.unitId ?? null);
  // Attempts an earlier membership used in the open round count as used.
  const views =
    loaded.contest?.round && carried.contestAttempts
      ? { ...loaded, contest: { ...loaded.contest, attemptsUsed: loaded.contest.attemptsUsed + carried.contestAttempts } }
      : loaded;
  return { existing, facts, result: step(state, event, { ...base, views }) };
}

// ---------------------------------------------------------------- fairness after deletion

function markIds(deps: ServiceDeps, event: InboundEvent, day: string, contest: { contestId: string; round: string } | null) {
  const member = memberHash(deps.memberKey, participantKey(event));
  return { daily: `${member}|daily|${day}`, contest: contest ? `${member}|contest|${contest.contestId}|${contest.round}` : null };
}

/** The marks a deleted earlier membership of this platform account left for today and the open round. */
async function carriedMarks(deps: ServiceDeps, bot: BotConfig, event: InboundEvent, today: string): Promise<ParticipantFacts['carried']> {
  const round = bot.contest ? roundOf(bot.contest, today) : null;
  const ids = markIds(deps, event, today, bot.contest && round ? { contestId: bot.contest.id, round } : null);
  const marks = (await deps.models.FairnessMark.collection
    .find({ _id: { $in: [ids.daily, ...(ids.contest ? [ids.contest] : [])] } } as never)
    .toArray()) as unknown as Array<{ _id: string; attempts?: number }>;
  const contest = marks.find((m) => m._id === ids.contest);
  return { answeredDay: marks.some((m) => m._id === ids.daily) ? today : null, contestAttempts: contest?.attempts ?? 0 };
}

/**
 * Before a deletion: the marks fairness needs (`FairnessMark`), under a keyed hash of the platform
 * id. Today's answered flag lasts until the day is over everywhere; the attempts used in the open
 * round (this membership's and any carried ones) last until the contest closes.
 */
async function keepForFairness(
  deps: ServiceDeps,
  bot: BotConfig,
  event: InboundEvent,
  what: { keep: FairnessKeep; participantId: Types.ObjectId; carried: ParticipantFacts['carried'] },
  now: Date,
): Promise<void> {
  const { keep } = what;
  const today = dayOf(now, deps.timeZone);
  const ids = markIds(deps, event, today, keep.contest);
  const endOf = (day: string) => new Date(`${addDays(day, 2)}T00:00:00Z`);
  if (keep.answeredDay) {
    await deps.models.FairnessMark.updateOne(
      { _id: ids.daily },
      { $set: { bot: bot.id, kind: 'daily', attempts: 0, expiresAt: endOf(keep.answeredDay) } },
      { upsert: true },
    );
  }
  if (keep.contest && ids.contest) {
    const used = await deps.models.ContestAttempt.countDocuments({
      participantId: what.participantId,
      contestId: keep.contest.contestId,
      round: keep.contest.round,
    });
    const attempts = used + what.carried.contestAttempts;
    if (attempts > 0) {
      await deps.models.FairnessMark.updateOne(
        { _id: ids.contest },
        { $set: { bot: bot.id, kind: 'contest', attempts, expiresAt: endOf(keep.contest.closesOn) } },
        { upsert: true },
      );
    }
  }
}

/** The turn the effects belong to. */
interface TurnFacts {
  readonly bot: BotConfig;
  readonly event: InboundEvent;
  readonly participant: ParticipantWithId;
  readonly now: Date;
}

/** What the effects of one turn change on the participant, gathered into one update, and the replies. */
interface ParticipantUpdate {
  readonly set: Record<string, unknown>;
  readonly inc: Record<string, number>;
  readonly addToSet: Record<string, string>;
  /** Days of `freezeNotice` the member has now been told of. */
  readonly toldFreezeDays: string[];
  changed: boolean;
  messages: OutboundMessage[];
  /** The answer of this turn was already recorded: its messages were replaced, nothing it earned is given again. */
  duplicate?: boolean;
}

async function applyEffects(deps: ServiceDeps, turn: TurnFacts, result: StepResult): Promise<ParticipantUpdate> {
  const update: ParticipantUpdate = {
    // The platform's time of a message from the person: Messenger's 24 h window and Zalo's reply
    // window start there (the only writer of lastInboundAt for inbound events).
    set: { state: result.state ?? {}, ...(PERSON_INITIATED.has(turn.event.kind) ? { lastInboundAt: turn.event.at } : {}) },
    inc: {},
    addToSet: {},
    toldFreezeDays: [],
    changed: false,
    messages: result.messages,
  };
  // Zalo OA: following is the opt-in promotion messages need (docs/reach.md §2.4).
  if (turn.event.channel === 'zalo_oa' && (turn.event.kind === 'follow' || turn.event.kind === 'unfollow'))
    update.set.oaFollower = turn.event.kind === 'follow';
  for (const effect of result.effects) await applyEffect(deps, turn, effect, update);
  return update;
}

async function applyEffect(deps: ServiceDeps, turn: TurnFacts, effect: Effect, update: ParticipantUpdate): Promise<void> {
  const { set } = update;
  switch (effect.type) {
    case 'setConsent':
      set.consent = { at: turn.now, version: effect.version };
      update.changed = true;
      // Joining is consenting: the colleague who invited them is credited (once per invitee, src/learning).
      if (effect.invitedBy && !turn.participant.consent) {
        await creditJoin(deps.models, { bot: turn.bot.id, ref: effect.invitedBy, inviteeId: String(turn.participant._id), consentedBefore: false }, turn.now);
      }
      return;
    case 'setLocale':
      set.locale = effect.locale;
      return;
    case 'setUnit':
      set.unitId = effect.unitId;
      update.changed = true;
      return;
    case 'setDisplayName':
      set.displayName = effect.name;
      update.changed = true;
      return;
    case 'setSubscribed':
      set.subscribed = effect.subscribed;
      update.changed = true;
      return;
    case 'setRecap':
      set.recap = effect.recap;
      return;
    case 'freezeNoticeTold':
      update.toldFreezeDays.push(...effect.days);
      return;
    case 'recordAnswer':
      return applyAnswer(deps, turn, effect, update);
    case 'startAttempt':
      await deps.models.ContestAttempt.create({
        _id: new Types.ObjectId(effect.attemptId),
        bot: turn.bot.id,
        contestId: effect.contestId,
        round: effect.round,
        participantId: turn.participant._id,
        channel: turn.event.channel,
        unitId: turn.participant.unitId,
        displayName: turn.participant.displayName,
        questions: effect.questions.map((q) => ({ ...q })),
        status: 'open',
        startedAt: effect.startedAt,
        deadline: effect.deadline,
      });
      return;
    case 'finishAttempt': {
      const res = await deps.models.ContestAttempt.updateOne(
        { _id: new Types.ObjectId(effect.attemptId), status: 'open' },
        { $set: { status: effect.status, finishedAt: effect.finishedAt, timeTakenMs: effect.timeTakenMs, prediction: effect.prediction } },
      );
      // A finished attempt earns its certificate (once per attempt: only the turn that closed it issues one).
      if (effect.status === 'finished' && res.modifiedCount === 1) await sendCertificate(deps, turn, update, { attempt: effect });
      return;
    }
    case 'streakCertificate':
      if (!update.duplicate) await sendCertificate(deps, turn, update, { streakDays: effect.days });
      return;
    case 'recordUnanswered':
      await recordUnanswered(deps.models, turn.bot.id, effect.text, turn.now);
      return;
    case 'deleteData':
      return;
    case 'optInRequested':
    case 'optInStopped':
      Object.assign(set, optInEffect(turn.participant.optIn ?? null, effect, turn.now));
      return;
    case 'signUpEvent':
      update.addToSet.eventSignups = effect.eventKey;
      return;
  }
}

/** Stores the answer (once), counts it in the participant's totals and tells the statistics listener. */
async function applyAnswer(deps: ServiceDeps, turn: TurnFacts, effect: Extract<Effect, { type: 'recordAnswer' }>, update: ParticipantUpdate): Promise<void> {
  const { set, inc } = update;
  const stored = await recordAnswer(deps.models, turn.participant, effect, (set.unitId as string | undefined) ?? turn.participant.unitId, turn.now);
  if (!stored) {
    update.messages = [...effect.onDuplicate];
    update.duplicate = true;
    return;
  }
  const m = effect.answer.mode;
  inc['totals.answered'] = (inc['totals.answered'] ?? 0) + 1;
  if (effect.answer.correct) inc['totals.correct'] = (inc['totals.correct'] ?? 0) + 1;
  if (m === 'daily' || m === 'practice') {
    inc[`totals.${m}Answered`] = (inc[`totals.${m}Answered`] ?? 0) + 1;
    if (effect.answer.correct) inc[`totals.${m}Correct`] = (inc[`totals.${m}Correct`] ?? 0) + 1;
  }
  if (effect.streak) {
    set.streak = effect.streak;
    // A freeze the daily job applied while this answer was graded was told in its feedback (the same days).
    update.toldFreezeDays.push(...effect.streak.frozenDays);
  }
  if (deps.listeners?.answerRecorded) await deps.listeners.answerRecorded(stored).catch((err) => deps.logger.warn({ err }, 'answerRecorded listener failed'));
}

/**
 * Issues a certificate (issue 19 item 5: a finished contest attempt, a streak milestone) and adds it
 * to the replies as a picture the platforms fetch from PUBLIC_URL. The rank is printed only once
 * the round's results are final, which is never while the member is still answering in it.
 */
async function sendCertificate(
  deps: ServiceDeps,
  turn: TurnFacts,
  update: ParticipantUpdate,
  what: { attempt?: Extract<Effect, { type: 'finishAttempt' }>; streakDays?: number },
): Promise<void> {
  const p = turn.participant;
  const locale = ((update.set.locale as Locale | undefined) ?? p.locale) === 'en' ? 'en' : 'vi';
  const name = (update.set.displayName as string | undefined) ?? p.displayName ?? '—';
  const unitId = (update.set.unitId as string | undefined) ?? p.unitId;
  const unit = unitsOf(deps.content, turn.bot).find((u) => u.unitId === unitId)?.name ?? null;
  const organisation = locale === 'en' && turn.bot.organisation.en ? turn.bot.organisation.en : turn.bot.organisation.vi;
  const contest = turn.bot.contest;
  let attemptFacts: { round: string; questionCount: number } | null = null;
  if (what.attempt) {
    const a = await deps.models.ContestAttempt.findById(new Types.ObjectId(what.attempt.attemptId), { round: 1, questions: 1 }).lean();
    if (!a || !contest) return;
    attemptFacts = { round: a.round, questionCount: a.questions.length };
  }
  const certificate = await issueCertificate(
    deps.models,
    {
      kind: what.attempt ? 'contest' : 'streak',
      bot: turn.bot.id,
      participantId: String(p._id),
      locale,
      organisation,
      name,
      unit,
      contest:
        what.attempt && contest && attemptFacts
          ? {
              contestId: contest.id,
              name: locale === 'en' && contest.title.en ? contest.title.en : contest.title.vi,
              round: attemptFacts.round,
              correct: what.attempt.correct,
              questionCount: attemptFacts.questionCount,
              rank: null,
              of: null,
            }
          : null,
      streak: what.streakDays ? { days: what.streakDays } : null,
      ...(what.attempt ? { attemptId: what.attempt.attemptId } : {}),
    },
    { now: turn.now, timeZone: deps.timeZone },
  );
  if (!deps.publicUrl) return;
  const text = what.streakDays ? deps.t(locale, 'learning:certificate.streakSent', { count: what.streakDays }) : deps.t(locale, 'learning:certificate.sent');
  const url = `${deps.publicUrl.replace(/\/$/, '')}/certificates/${certificate.code}.png`;
  update.messages = [...update.messages, { text, image: { url, alt: deps.t(locale, 'learning:certificate.alt') } }];
}

/** A participant not stored yet: the schema's defaults, its platform key and an id of its own. */
function newcomer(event: InboundEvent, locale: Locale, now: Date): ParticipantWithId {
  const key = { bot: event.bot, channel: event.channel, userId: event.userId };
  return { ...newParticipantFields(key, { groupId: event.groupId ?? null, locale }), _id: new Types.ObjectId(), createdAt: now, updatedAt: now };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * The `$setOnInsert` of a newcomer: every field of its record the turn's update does not set
 * itself. MongoDB refuses one path in two operators (or a path and its parent), so a sub-document
 * the update changes in part (`totals.answered`) is given field by field.
 */
export function insertOnlyFields(record: Record<string, unknown>, touched: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (value: unknown, path: string) => {
    if (touched.some((t) => path === t || path.startsWith(`${t}.`))) return;
    if (touched.some((t) => t.startsWith(`${path}.`))) {
      if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) visit(v, `${path}.${k}`);
      return;
    }
    out[path] = value;
  };
  for (const [k, v] of Object.entries(record)) visit(v, k);
  return out;
}

/**
 * Writes the turn's changes to the participant: one update, an upsert for a newcomer (by its
 * platform key, so two first messages at once still make one participant). Returns the stored
 * participant when asked (a listener wants it), from the same write.
 */
async function saveParticipant(
  deps: ServiceDeps,
  what: { participant: ParticipantWithId; isNew: boolean; update: ParticipantUpdate; returnFresh: boolean },
): Promise<ParticipantWithId | null> {
  const { participant: p, update } = what;
  const ops: Record<string, unknown> = {
    $set: update.set,
    ...(Object.keys(update.inc).length ? { $inc: update.inc } : {}),
    ...(Object.keys(update.addToSet).length ? { $addToSet: update.addToSet } : {}),
    ...(update.toldFreezeDays.length ? { $pullAll: { freezeNotice: update.toldFreezeDays } } : {}),
  };
  let filter: Record<string, unknown> = { _id: p._id };
  if (what.isNew) {
    const { createdAt: _created, updatedAt: _updated, ...record } = p;
    ops.$setOnInsert = insertOnlyFields(record, [
      ...Object.keys(update.set),
      ...Object.keys(update.inc),
      ...Object.keys(update.addToSet),
      ...(update.toldFreezeDays.length ? ['freezeNotice'] : []),
    ]);
    filter = { bot: p.bot, channel: p.channel, userId: p.userId };
  }
  // The record holds every default already (and createdAt/updatedAt come from the schema's timestamps).
  const options = { upsert: what.isNew, setDefaultsOnInsert: false };
  let storedId: unknown;
  let fresh: ParticipantWithId | null = null;
  if (what.returnFresh) {
    fresh = await deps.models.Participant.findOneAndUpdate(filter, ops, { ...options, returnDocument: 'after' }).lean<ParticipantWithId>();
    storedId = fresh?._id;
  } else {
    const res = await deps.models.Participant.updateOne(filter, ops, options);
    storedId = what.isNew ? res.upsertedId : p._id;
  }
  // Two first messages of one person at once (the inbox's lease makes it rare): the other stored
  // the participant; this turn's changes went to it, but what its effects stored refers to our id.
  if (what.isNew && String(storedId) !== String(p._id)) {
    deps.logger.warn({ bot: p.bot, channel: p.channel }, 'conversation: a newcomer was stored by another event at the same time');
  }
  return fresh;
}

/** Stores an answer; null when this participant already answered it (the first answer counts). */
async function recordAnswer(
  models: Models,
  participant: ParticipantWithId,
  effect: Extract<Effect, { type: 'recordAnswer' }>,
  unitId: string | null,
  now: Date,
): Promise<AnswerWithId | null> {
  const a = effect.answer;
  try {
    const doc = await models.Answer.create({
      participantId: participant._id,
      bot: participant.bot,
      channel: participant.channel,
      unitId,
      questionId: a.questionId,
      revision: a.revision,
      mode: a.mode,
      day: a.day,
      attemptId: a.attemptId ? new Types.ObjectId(a.attemptId) : null,
      choice: a.choice,
      correct: a.correct,
      timeTakenMs: a.timeTakenMs,
      answeredAt: now,
      rolledUp: false,
    });
    if (a.attemptId) {
      await models.ContestAttempt.updateOne({ _id: new Types.ObjectId(a.attemptId), status: 'open' }, { $inc: { answered: 1, correct: a.correct ? 1 : 0 } });
    }
    return doc.toObject() as AnswerWithId;
  } catch (err) {
    if (isDuplicateKey(err)) return null;
    throw err;
  }
}

/**
 * "Delete my data": the participant, their answers, contest attempts, certificates and invitation.
 * `eraseAnswers` (the statistics) deletes the answers keeping their counts anonymous, so published
 * figures stay.
 */
export async function deleteParticipant(
  models: Models,
  participant: { _id: Types.ObjectId; bot: string },
  eraseAnswers?: ConversationListeners['eraseAnswers'],
): Promise<void> {
  const participantId = participant._id;
  if (eraseAnswers) await eraseAnswers(participant);
  else await models.Answer.deleteMany({ participantId });
  // Their certificates go too (their codes then verify as unknown), and their invitation.
  await deleteCertificatesOf(models, String(participantId));
  await deleteInvitationsOf(models, String(participantId));
  await models.ContestAttempt.deleteMany({ participantId });
  await models.Participant.deleteOne({ _id: participantId });
}

/**
 * Closes every open contest attempt whose time is up (Agenda job): status `expired`, finished at
 * the deadline. Answers after the deadline were never recorded. The participant is told on their
 * next message. Returns how many attempts were closed.
 */
export async function closeExpiredAttempts(models: Models, clock: Clock = systemClock): Promise<number> {
  const now = clock();
  const open = await models.ContestAttempt.find({ status: 'open', deadline: { $lt: now } }, { startedAt: 1, deadline: 1 }).lean();
  let closed = 0;
  for (const a of open) {
    const res = await models.ContestAttempt.updateOne(
      { _id: a._id, status: 'open' },
      { $set: { status: 'expired', finishedAt: a.deadline, timeTakenMs: a.deadline.getTime() - a.startedAt.getTime() } },
    );
    closed += res.modifiedCount;
  }
  return closed;
}
