import { dayOf, formatDay, formatTime, type Choice, type InboundEvent, type Locale, type OutboundMessage } from '../domain/index.js';
import {
  advanceStreak,
  hash32,
  liveStreak,
  parseAnswer,
  pickContestQuestions,
  pickDaily,
  pickPractice,
  reviewCard,
  roundOf,
  type UnitInfo,
} from '../quiz/index.js';
import { commandOf, isNo, isYes, languageOf } from './keywords.js';
import {
  commandChoice,
  dailyHeader,
  feedbackLines,
  formatDuration,
  localized,
  menuChoices,
  questionMessage,
  searchUnits,
  textOf,
  unitPage,
  UNIT_PAGE_SIZE,
} from './messages.js';
import { parsePayload, payload, type Command, type Payload } from './payloads.js';
import { eventSignedUp, offerOptIn, optInAsked, reachShow } from './reach.js';
import {
  CONSENT_VERSION,
  parseDialogueState,
  type ActiveAttempt,
  type DialogueState,
  type Effect,
  type EngineContext,
  type QuizQuestion,
  type StepResult,
  type ViewRequest,
} from './types.js';

// ---------------------------------------------------------------- the input of one turn

/** The event reduced to what intents look at. */
export interface TurnInput {
  readonly event: InboundEvent;
  /** Typed text, or the text sent along with a tapped button. */
  readonly text: string | null;
  readonly payload: Payload | null;
  /** A command named by a button or by typed text. */
  readonly command: Command | null;
  readonly language: Locale | null;
}

export function readInput(event: InboundEvent): TurnInput {
  const text = event.kind === 'text' ? event.text : event.kind === 'choice' ? (event.text ?? null) : null;
  const rawPayload = event.kind === 'choice' ? event.payload : null;
  let parsed = rawPayload ? parsePayload(rawPayload) : null;
  // A button whose payload is not ours (a platform menu, an old button) is read like its text.
  const typed = text ?? (rawPayload && !parsed ? rawPayload : null);
  if (!parsed && (event.kind === 'start' || event.kind === 'follow')) parsed = { kind: 'command', command: 'start' };
  const command = parsed?.kind === 'command' ? parsed.command : typed ? commandOf(typed) : null;
  const language = parsed?.kind === 'language' ? parsed.locale : typed ? languageOf(typed) : null;
  return { event, text: typed, payload: parsed, command, language };
}

// ---------------------------------------------------------------- the turn being built

type Phase = 'consent' | 'unit' | 'name' | 'ready';

/** Accumulates one turn's messages, effects and state; the facts it changes are seen by later steps. */
class Turn {
  readonly messages: OutboundMessage[] = [];
  readonly effects: Effect[] = [];
  state: DialogueState | null;
  locale: Locale;
  consented: boolean;
  unitId: string | null;
  displayName: string | null;
  readonly today: string;

  constructor(
    state: DialogueState,
    readonly ctx: EngineContext,
    readonly input: TurnInput,
  ) {
    this.state = state;
    this.locale = ctx.participant.locale;
    this.consented = ctx.participant.consented;
    this.unitId = ctx.participant.unitId;
    this.displayName = ctx.participant.displayName;
    this.today = dayOf(ctx.now, ctx.timeZone);
  }

  t(key: string, vars?: Record<string, unknown>): string {
    return this.ctx.t(this.locale, `conversation:${key}`, vars);
  }

  say(text: string, choices?: readonly Choice[]): void {
    this.messages.push(choices && choices.length > 0 ? { text, choices } : { text });
  }

  effect(e: Effect): void {
    this.effects.push(e);
  }

  patch(changes: Partial<DialogueState>): void {
    const next: Record<string, unknown> = { ...(this.state ?? {}), ...changes };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    this.state = next as DialogueState;
  }

  get phase(): Phase {
    if (!this.consented) return 'consent';
    if (!this.unitId) return 'unit';
    if (!this.displayName) return 'name';
    return 'ready';
  }

  get menu(): Choice[] {
    return menuChoices(this.ctx.t, this.locale, this.ctx.bot);
  }

  question(id: string): QuizQuestion | undefined {
    return this.ctx.questions.find((q) => q.questionId === id);
  }
}

// ---------------------------------------------------------------- intents: tried in order, first match wins

interface Intent {
  readonly name: string;
  /** Onboarding this intent needs; unmet → the onboarding step is asked again. */
  readonly requires?: 'consent' | 'ready';
  readonly match: (turn: Turn) => boolean;
  readonly handle: (turn: Turn) => void;
  /** Views the service must load before `step` when this intent is the one that matches. */
  readonly views?: (turn: Turn) => ViewRequest;
}

const isCommand = (c: Command) => (turn: Turn) => turn.input.command === c;
const payloadKind = (k: Payload['kind']) => (turn: Turn) => turn.input.payload?.kind === k;

const INTENTS: readonly Intent[] = [
  { name: 'unfollow', match: (t) => t.input.event.kind === 'unfollow', handle: unfollow },
  { name: 'receipt', match: (t) => t.input.event.kind === 'delivered' || t.input.event.kind === 'read', handle: () => undefined },
  // Opt-in changes are applied by the service without a reply (src/conversation/service.ts): Meta's opt-in opens no window.
  { name: 'optin', match: (t) => t.input.event.kind === 'optin', handle: () => undefined },
  { name: 'delete-confirmed', match: (t) => isDeleteAnswer(t) === true, handle: deleteConfirmed },
  { name: 'delete-cancelled', match: (t) => isDeleteAnswer(t) === false, handle: deleteCancelled },
  { name: 'unsupported', match: (t) => t.input.event.kind === 'unsupported', handle: unsupported },
  { name: 'language-set', match: (t) => t.input.language !== null, handle: languageSet },
  { name: 'consent', match: (t) => t.phase === 'consent' && consentAnswer(t) !== null, handle: consent },
  { name: 'contest-begin', requires: 'ready', match: payloadKind('contestBegin'), handle: contestBegin, views: () => ({ contest: true }) },
  { name: 'prediction', requires: 'ready', match: isPrediction, handle: prediction, views: () => ({ contest: true }) },
  { name: 'answer-button', requires: 'ready', match: payloadKind('answer'), handle: answerButton, views: contestViewIfActive },
  { name: 'answer-typed', requires: 'ready', match: (t) => typedAnswer(t)?.kind === 'choice', handle: answerTyped, views: contestViewIfActive },
  { name: 'answer-pushed', requires: 'ready', match: (t) => pushedAnswer(t) !== null, handle: answerPushed },
  { name: 'start', match: isCommand('start'), handle: start },
  { name: 'help', match: isCommand('help'), handle: help },
  { name: 'language', match: isCommand('language'), handle: languageChoose },
  { name: 'delete', match: isCommand('delete'), handle: deleteAsk },
  { name: 'remind-off', match: isCommand('remind_off'), handle: remindOff },
  { name: 'remind-on', requires: 'consent', match: isCommand('remind_on'), handle: remindOn },
  { name: 'reach', requires: 'consent', match: isCommand('reach'), handle: reachShow },
  { name: 'optin-ask', requires: 'consent', match: payloadKind('optInAsk'), handle: optInAsked },
  { name: 'event-signup', requires: 'consent', match: payloadKind('eventSignUp'), handle: eventSignedUp },
  { name: 'unit-button', requires: 'consent', match: payloadKind('unit'), handle: unitChosen },
  { name: 'unit-page', requires: 'consent', match: payloadKind('unitPage'), handle: unitPaged },
  { name: 'unit', requires: 'consent', match: isCommand('unit'), handle: unitShow },
  { name: 'anonymous', requires: 'consent', match: payloadKind('anonymous'), handle: anonymous },
  { name: 'today', requires: 'ready', match: isCommand('today'), handle: today, views: contestViewIfActive },
  { name: 'practice', requires: 'ready', match: isCommand('practice'), handle: practice, views: contestViewIfActive },
  { name: 'score', requires: 'ready', match: isCommand('score'), handle: score, views: () => ({ score: true }) },
  {
    name: 'leaderboard',
    requires: 'ready',
    match: (t) => t.input.command === 'leaderboard' || t.input.payload?.kind === 'leaderboard',
    handle: leaderboard,
    views: (t) => ({ leaderboard: leaderboardRequest(t) }),
  },
  { name: 'contest', requires: 'ready', match: isCommand('contest'), handle: contestInfo, views: () => ({ contest: true }) },
  { name: 'standing', requires: 'ready', match: isCommand('standing'), handle: standing, views: () => ({ contest: true }) },
  {
    name: 'unit-search',
    requires: 'consent',
    match: (t) => t.input.text !== null && (t.phase === 'unit' || t.state?.choosingUnit === true),
    handle: unitSearch,
  },
  { name: 'display-name', requires: 'consent', match: (t) => t.input.text !== null && t.phase === 'name', handle: displayName },
  { name: 'answer-unclear', requires: 'ready', match: (t) => typedAnswer(t)?.kind === 'ambiguous', handle: answerUnclear },
  { name: 'prediction-unclear', requires: 'ready', match: awaitingPrediction, handle: predictionUnclear },
  { name: 'onboarding', match: (t) => t.phase !== 'ready', handle: continueOnboarding },
  { name: 'fallback', match: () => true, handle: fallback },
];

function route(turn: Turn): Intent {
  for (const intent of INTENTS) {
    if (!intent.match(turn)) continue;
    if (intent.requires === 'consent' && !turn.consented) return ONBOARDING;
    if (intent.requires === 'ready' && turn.phase !== 'ready') return ONBOARDING;
    return intent;
  }
  return FALLBACK;
}
const ONBOARDING = INTENTS.find((i) => i.name === 'onboarding')!;
const FALLBACK = INTENTS.find((i) => i.name === 'fallback')!;

// ---------------------------------------------------------------- entry points

/**
 * The dialogue as a pure function: the participant's stored state, one inbound event and the
 * context (clock, bot, questions, units, facts about the person, translations, loaded views) give
 * the new state, the messages to answer with and the effects for the service to apply.
 */
export function step(rawState: unknown, event: InboundEvent, ctx: EngineContext): StepResult {
  const state = parseDialogueState(rawState);
  const turn = new Turn(state, ctx, inputFor(state, event));
  const expired = closeIfExpired(turn);
  if (!(expired && isContestAnswer(turn, expired))) route(turn).handle(turn);
  rememberChoices(turn);
  return { state: turn.state, messages: turn.messages, effects: turn.effects };
}

/**
 * How long a typed number refers to the buttons last shown; after that a pushed message (today's
 * question, a broadcast) may be what the person is looking at.
 */
const CHOICES_TTL_MS = 30 * 60_000;

/** A typed number picks from the buttons last shown (numbered in the text where buttons do not fit). */
function inputFor(state: DialogueState, event: InboundEvent): TurnInput {
  const fresh = state.lastChoicesAt !== undefined && event.at.getTime() - Date.parse(state.lastChoicesAt) <= CHOICES_TTL_MS;
  if (event.kind === 'text' && state.lastChoices && fresh && /^\s*\d{1,2}\s*$/.test(event.text)) {
    const picked = state.lastChoices[Number(event.text.trim()) - 1];
    if (picked) return readInput({ ...event, kind: 'choice', payload: picked });
  }
  return readInput(event);
}

function rememberChoices(turn: Turn): void {
  const last = turn.messages.at(-1);
  if (!last || turn.state === null) return;
  const shown = Boolean(last.choices?.length);
  turn.patch({ lastChoices: shown ? last.choices!.map((c) => c.payload) : undefined, lastChoicesAt: shown ? turn.ctx.now.toISOString() : undefined });
}

/** The views `step` will need for this event; the service loads them first. */
export function viewsFor(rawState: unknown, event: InboundEvent, ctx: Omit<EngineContext, 'views'>): ViewRequest {
  const state = parseDialogueState(rawState);
  const turn = new Turn(state, { ...ctx, views: {} }, inputFor(state, event));
  const intent = route(turn);
  const base: ViewRequest = turn.state?.contest ? { contest: true } : {};
  return { ...base, ...(intent.views?.(turn) ?? {}) };
}

/** The name of the intent an event goes to (for logs and tests). */
export function intentOf(rawState: unknown, event: InboundEvent, ctx: EngineContext): string {
  const state = parseDialogueState(rawState);
  return route(new Turn(state, ctx, inputFor(state, event))).name;
}

// ---------------------------------------------------------------- onboarding

function continueOnboarding(turn: Turn): void {
  switch (turn.phase) {
    case 'consent':
      return askConsent(turn);
    case 'unit':
      return askUnit(turn);
    case 'name':
      return askName(turn);
    case 'ready':
      return help(turn);
  }
}

function askConsent(turn: Turn): void {
  const { bot } = turn.ctx;
  turn.say(turn.t('onboarding.intro', { bot: localized(bot.name, turn.locale), organisation: localized(bot.organisation, turn.locale) }));
  turn.say(turn.t('consent.text'), [
    { title: turn.t('consent.yes'), payload: payload.consent(true) },
    { title: turn.t('consent.no'), payload: payload.consent(false) },
    { title: turn.locale === 'vi' ? 'English' : 'Tiếng Việt', payload: payload.language(turn.locale === 'vi' ? 'en' : 'vi') },
  ]);
}

function consentAnswer(turn: Turn): boolean | null {
  const p = turn.input.payload;
  if (p?.kind === 'consent') return p.yes;
  if (turn.input.text && isYes(turn.input.text)) return true;
  if (turn.input.text && isNo(turn.input.text)) return false;
  return null;
}

function consent(turn: Turn): void {
  if (!consentAnswer(turn)) {
    turn.say(turn.t('consent.declined'), [{ title: turn.t('consent.yes'), payload: payload.consent(true) }, commandChoice(turn.ctx.t, turn.locale, 'help')]);
    return;
  }
  turn.effect({ type: 'setConsent', version: CONSENT_VERSION });
  turn.effect({ type: 'setSubscribed', subscribed: true });
  turn.consented = true;
  turn.say(turn.t('consent.thanks'));
  continueOnboarding(turn);
}

function askUnit(turn: Turn, page = 0): void {
  const msg = unitPage(turn.ctx.t, turn.locale, turn.ctx.units, page, turn.t('unit.ask'));
  turn.say(msg.text, msg.choices);
}

function unitPaged(turn: Turn): void {
  const p = turn.input.payload;
  askUnit(turn, p?.kind === 'unitPage' ? p.page : 0);
}

function unitShow(turn: Turn): void {
  const current = turn.ctx.units.find((u) => u.unitId === turn.unitId);
  turn.patch({ choosingUnit: true });
  const intro = current ? turn.t('unit.current', { unit: current.name }) : turn.t('unit.ask');
  const page = unitPage(turn.ctx.t, turn.locale, turn.ctx.units, 0, intro);
  turn.say(page.text, page.choices);
}

function setUnit(turn: Turn, unit: UnitInfo): void {
  const wasReady = turn.phase === 'ready';
  turn.effect({ type: 'setUnit', unitId: unit.unitId });
  turn.unitId = unit.unitId;
  turn.patch({ choosingUnit: undefined });
  turn.say(turn.t('unit.set', { unit: unit.name }), wasReady ? turn.menu : undefined);
  if (!wasReady) continueOnboarding(turn);
}

function unitChosen(turn: Turn): void {
  const p = turn.input.payload;
  const unit = p?.kind === 'unit' ? turn.ctx.units.find((u) => u.unitId === p.unitId) : undefined;
  if (!unit) {
    turn.say(turn.t('unit.unknown'));
    askUnit(turn);
    return;
  }
  setUnit(turn, unit);
}

function unitSearch(turn: Turn): void {
  const query = turn.input.text ?? '';
  const found = searchUnits(turn.ctx.units, query);
  if (found.length === 1) return setUnit(turn, found[0]!);
  if (found.length === 0) {
    const page = unitPage(turn.ctx.t, turn.locale, turn.ctx.units, 0, turn.t('unit.notFound', { query: query.trim().slice(0, 40) }));
    turn.say(page.text, page.choices);
    return;
  }
  const shown = found.slice(0, UNIT_PAGE_SIZE);
  const key = found.length > UNIT_PAGE_SIZE ? 'unit.many' : 'unit.several';
  turn.say(
    turn.t(key, { count: found.length }),
    shown.map((u) => ({ title: u.name, payload: payload.unit(u.unitId) })),
  );
}

function askName(turn: Turn): void {
  turn.say(turn.t('name.ask'), [{ title: turn.t('name.anonymous'), payload: payload.anonymous() }]);
}

/** A name fit for a public leaderboard: 2–40 characters, letters in it, no links. */
export function cleanDisplayName(text: string): string | null {
  const name = text.replace(/\s+/g, ' ').trim();
  if (name.length < 2 || name.length > 40) return null;
  if (!/\p{L}/u.test(name) || /https?:|www\.|[<>@]/i.test(name)) return null;
  return name;
}

function setName(turn: Turn, name: string): void {
  turn.effect({ type: 'setDisplayName', name });
  turn.displayName = name;
  turn.say(turn.t('name.set', { name }), turn.menu);
  // Onboarding is complete: Messenger members may now be asked for messages outside 24 hours.
  offerOptIn(turn, { subscribed: turn.ctx.participant.subscribed || turn.effects.some((e) => e.type === 'setSubscribed' && e.subscribed) });
}

function displayName(turn: Turn): void {
  const name = cleanDisplayName(turn.input.text ?? '');
  if (!name) {
    turn.say(turn.t('name.invalid'), [{ title: turn.t('name.anonymous'), payload: payload.anonymous() }]);
    return;
  }
  setName(turn, name);
}

function anonymous(turn: Turn): void {
  if (turn.phase !== 'name' && turn.displayName) return help(turn);
  const n = String(hash32(turn.input.event.userId) % 10000).padStart(4, '0');
  setName(turn, turn.t('name.anonymousName', { n }));
}

// ---------------------------------------------------------------- general commands

function start(turn: Turn): void {
  if (turn.phase !== 'ready') return continueOnboarding(turn);
  turn.say(turn.t('start.welcomeBack', { name: turn.displayName }), turn.menu);
}

function help(turn: Turn): void {
  const extra = turn.phase === 'ready' ? [commandChoice(turn.ctx.t, turn.locale, turn.ctx.participant.subscribed ? 'remind_off' : 'remind_on')] : [];
  turn.say(turn.t('help.text'), turn.phase === 'ready' ? [...turn.menu.filter((c) => c.payload !== payload.command('help')), ...extra] : undefined);
  if (turn.phase !== 'ready') continueOnboarding(turn);
}

function fallback(turn: Turn): void {
  const said = (turn.input.text ?? '').trim().slice(0, 40);
  const attempt = turn.state?.contest;
  if (attempt && attempt.index < attempt.questions.length) {
    // Mid-attempt, unclear text must not leave the member without the question (the clock runs).
    if (said) turn.say(turn.t('fallback.text', { text: said }));
    return contestInProgress(turn, attempt);
  }
  turn.say(said ? turn.t('fallback.text', { text: said }) : turn.t('fallback.empty'), turn.menu);
}

function unsupported(turn: Turn): void {
  turn.say(turn.t('unsupported'), turn.phase === 'ready' ? turn.menu : undefined);
  if (turn.phase !== 'ready') continueOnboarding(turn);
}

function unfollow(turn: Turn): void {
  if (turn.ctx.participant.known) turn.effect({ type: 'setSubscribed', subscribed: false });
}

function languageChoose(turn: Turn): void {
  turn.say(turn.t('language.choose'), [
    { title: 'Tiếng Việt', payload: payload.language('vi') },
    { title: 'English', payload: payload.language('en') },
  ]);
}

/** Switches language; a question waiting for an answer is shown again in the new language. */
function languageSet(turn: Turn): void {
  const locale = turn.input.language!;
  turn.effect({ type: 'setLocale', locale });
  turn.locale = locale;
  turn.say(turn.t('language.set'));
  if (turn.phase !== 'ready') return continueOnboarding(turn);
  const attempt = turn.state?.contest;
  if (attempt && attempt.index < attempt.questions.length) return askContestQuestion(turn, attempt);
  const pending = turn.state?.pending;
  const q = pending ? turn.question(pending.questionId) : undefined;
  if (pending && q && !(pending.mode === 'daily' && pending.day !== turn.today)) {
    const header = pending.mode === 'daily' ? dailyHeader(turn.ctx.t, turn.locale, pending.day) : turn.t('question.practice');
    const msg = questionMessage(turn.ctx.t, turn.locale, q, header, pending.mode, pending.day);
    turn.say(msg.text, msg.choices);
    return;
  }
  turn.say(turn.t('help.short'), turn.menu);
}

function remindOn(turn: Turn): void {
  turn.effect({ type: 'setSubscribed', subscribed: true });
  turn.effect({ type: 'optInStopped', stopped: false });
  turn.say(turn.t('reminders.on'), turn.menu);
  offerOptIn(turn, { subscribed: true, afterStop: true });
}

/** "dừng" stops every path at once: the subscription the fan-out checks first, and the opt-in path with it. */
function remindOff(turn: Turn): void {
  if (turn.ctx.participant.known) {
    turn.effect({ type: 'setSubscribed', subscribed: false });
    turn.effect({ type: 'optInStopped', stopped: true });
  }
  turn.say(turn.t('reminders.off'), [commandChoice(turn.ctx.t, turn.locale, 'remind_on'), commandChoice(turn.ctx.t, turn.locale, 'help')]);
}

// ---------------------------------------------------------------- delete my data

function isDeleteAnswer(turn: Turn): boolean | null {
  const p = turn.input.payload;
  if (p?.kind === 'delete') return p.yes;
  if (!turn.state?.confirmDelete || !turn.input.text) return null;
  if (isYes(turn.input.text)) return true;
  if (isNo(turn.input.text)) return false;
  return null;
}

function deleteAsk(turn: Turn): void {
  turn.patch({ confirmDelete: true });
  turn.say(turn.t('delete.confirm'), [
    { title: turn.t('delete.yes'), payload: payload.delete(true) },
    { title: turn.t('delete.no'), payload: payload.delete(false) },
  ]);
}

function deleteConfirmed(turn: Turn): void {
  turn.effect({ type: 'deleteData' });
  turn.state = null;
  turn.say(turn.t('delete.done'), [commandChoice(turn.ctx.t, turn.locale, 'start')]);
}

function deleteCancelled(turn: Turn): void {
  turn.patch({ confirmDelete: undefined });
  turn.say(turn.t('delete.cancelled'), turn.phase === 'ready' ? turn.menu : undefined);
}

// ---------------------------------------------------------------- daily and practice questions

function alreadyAnsweredToday(turn: Turn): boolean {
  return turn.ctx.participant.streak.lastDay === turn.today;
}

function inContest(turn: Turn): ActiveAttempt | undefined {
  return turn.state?.contest;
}

function today(turn: Turn): void {
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  if (alreadyAnsweredToday(turn)) {
    turn.say(turn.t('daily.already'), [commandChoice(turn.ctx.t, turn.locale, 'practice'), commandChoice(turn.ctx.t, turn.locale, 'score')]);
    return;
  }
  const q = pickDaily(turn.ctx.bot.id, turn.today, turn.ctx.questions);
  if (!q) return void turn.say(turn.t('daily.none'), turn.menu);
  turn.patch({ pending: { questionId: q.questionId, revision: q.revision, mode: 'daily', day: turn.today, askedAt: turn.ctx.now.toISOString() } });
  const msg = questionMessage(turn.ctx.t, turn.locale, q, dailyHeader(turn.ctx.t, turn.locale, turn.today), 'daily', turn.today);
  turn.say(msg.text, msg.choices);
}

function practice(turn: Turn): void {
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  const q = pickPractice(turn.state?.practice ?? {}, turn.ctx.questions, turn.ctx.now, turn.input.event.userId, turn.state?.practiceLast);
  if (!q) return void turn.say(turn.t('daily.none'), turn.menu);
  turn.patch({
    pending: { questionId: q.questionId, revision: q.revision, mode: 'practice', day: turn.today, askedAt: turn.ctx.now.toISOString() },
    practiceLast: q.questionId,
  });
  const msg = questionMessage(turn.ctx.t, turn.locale, q, turn.t('question.practice'), 'practice', turn.today);
  turn.say(msg.text, msg.choices);
}

/** The question a typed answer refers to: the current contest question, else the pending one. */
function typedTarget(turn: Turn): { q: QuizQuestion | undefined; contest: boolean } | null {
  const attempt = turn.state?.contest;
  if (attempt) {
    const ref = attempt.questions[attempt.index];
    return ref ? { q: turn.question(ref.questionId), contest: true } : null;
  }
  const pending = turn.state?.pending;
  return pending ? { q: turn.question(pending.questionId), contest: false } : null;
}

function typedAnswer(turn: Turn) {
  if (turn.input.event.kind !== 'text' || !turn.input.text) return null;
  const target = typedTarget(turn);
  if (!target) return null;
  // Text that names a command is a command even while a question waits.
  if (turn.input.command) return null;
  const options = target.q ? textOf(target.q, turn.locale).options : ['A', 'B', 'C', 'D'];
  return parseAnswer(turn.input.text, options);
}

/**
 * A bare letter or number with no question waiting answers today's question: it was pushed by the
 * daily job (outside the dialogue) and read where buttons are not shown (zca-js numbers them).
 */
function pushedAnswer(turn: Turn): { q: QuizQuestion; index: number } | null {
  if (turn.input.event.kind !== 'text' || !turn.input.text || turn.input.command) return null;
  if (turn.state?.pending || turn.state?.contest || alreadyAnsweredToday(turn)) return null;
  if (!/^\s*([a-dA-D1-4]|(đáp án|dap an|Đáp án)\s*[a-dA-D1-4])\s*[.!]?\s*$/u.test(turn.input.text)) return null;
  const q = pickDaily(turn.ctx.bot.id, turn.today, turn.ctx.questions);
  if (!q) return null;
  const parsed = parseAnswer(turn.input.text, textOf(q, turn.locale).options);
  return parsed.kind === 'choice' ? { q, index: parsed.index } : null;
}

function answerPushed(turn: Turn): void {
  const found = pushedAnswer(turn);
  if (found) grade(turn, found.q, 'daily', found.index, null);
}

function answerTyped(turn: Turn): void {
  const parsed = typedAnswer(turn);
  if (parsed?.kind !== 'choice') return;
  const attempt = turn.state?.contest;
  if (attempt) return answerContest(turn, attempt, parsed.index);
  const pending = turn.state!.pending!;
  const q = turn.question(pending.questionId);
  if (!q || q.revision !== pending.revision || (pending.mode === 'daily' && pending.day !== turn.today))
    return expired(turn, pending.mode === 'daily' ? pending.day : null);
  grade(turn, q, pending.mode, parsed.index, Date.parse(pending.askedAt));
}

function answerButton(turn: Turn): void {
  const p = turn.input.payload;
  if (p?.kind !== 'answer') return;
  if (p.mode === 'contest') {
    const attempt = turn.state?.contest;
    if (!attempt || attempt.attemptId !== p.ref) return void turn.say(turn.t('contest.closedQuestion'), turn.menu);
    const current = attempt.questions[attempt.index];
    if (!current || current.questionId !== p.questionId) {
      turn.say(turn.t('contest.notCurrent'));
      return askContestQuestion(turn, attempt);
    }
    return answerContest(turn, attempt, p.index);
  }
  const q = turn.question(p.questionId);
  if (!q || q.revision !== p.revision || (p.mode === 'daily' && p.ref !== turn.today)) return expired(turn, p.mode === 'daily' ? p.ref : null);
  if (p.index >= textOf(q, turn.locale).options.length) return answerUnclear(turn);
  const pending = turn.state?.pending;
  const askedAt = pending && pending.questionId === q.questionId && pending.mode === p.mode ? Date.parse(pending.askedAt) : null;
  grade(turn, q, p.mode, p.index, askedAt);
}

function expired(turn: Turn, day: string | null): void {
  turn.patch({ pending: undefined });
  turn.say(day ? turn.t('answer.expiredDaily', { date: /^\d{4}-\d{2}-\d{2}$/.test(day) ? formatDay(day) : day }) : turn.t('answer.expired'), [
    commandChoice(turn.ctx.t, turn.locale, 'today'),
    commandChoice(turn.ctx.t, turn.locale, 'practice'),
  ]);
}

function grade(turn: Turn, q: QuizQuestion, mode: 'daily' | 'practice', choice: number, askedAt: number | null): void {
  const correct = choice === q.answer;
  const timeTakenMs = askedAt !== null && Number.isFinite(askedAt) ? Math.max(0, turn.ctx.now.getTime() - askedAt) : null;
  const answer = { questionId: q.questionId, revision: q.revision, mode, day: turn.today, attemptId: null, choice, correct, timeTakenMs };
  const lines = feedbackLines(turn.ctx.t, turn.locale, q, choice);
  if (mode === 'daily') {
    if (alreadyAnsweredToday(turn)) {
      turn.patch({ pending: undefined });
      turn.say(turn.t('daily.already'), [commandChoice(turn.ctx.t, turn.locale, 'practice'), commandChoice(turn.ctx.t, turn.locale, 'score')]);
      return;
    }
    const streak = advanceStreak(turn.ctx.participant.streak, turn.today);
    const already: OutboundMessage = { text: turn.t('daily.already') };
    turn.effect({ type: 'recordAnswer', answer, streak, onDuplicate: [already] });
    turn.patch({ pending: undefined });
    turn.say([...lines, turn.t('feedback.streak', { count: streak.current })].join('\n\n'), [
      commandChoice(turn.ctx.t, turn.locale, 'practice'),
      commandChoice(turn.ctx.t, turn.locale, 'score'),
      commandChoice(turn.ctx.t, turn.locale, 'leaderboard'),
    ]);
    return;
  }
  const deck = { ...(turn.state?.practice ?? {}) };
  deck[q.questionId] = reviewCard(deck[q.questionId], correct, turn.ctx.now);
  const text = [...lines, turn.t('practice.note')].join('\n\n');
  const choices = [
    { title: turn.t('practice.next'), payload: payload.command('practice') },
    commandChoice(turn.ctx.t, turn.locale, 'score'),
    commandChoice(turn.ctx.t, turn.locale, 'help'),
  ];
  turn.effect({ type: 'recordAnswer', answer, onDuplicate: [{ text, choices }] });
  turn.patch({ pending: undefined, practice: deck });
  turn.say(text, choices);
}

function answerUnclear(turn: Turn): void {
  const target = typedTarget(turn);
  const count = target?.q ? textOf(target.q, turn.locale).options.length : 4;
  turn.say(turn.t('answer.ambiguous', { last: String.fromCharCode(64 + count) }));
  const attempt = turn.state?.contest;
  if (attempt && attempt.index < attempt.questions.length) return askContestQuestion(turn, attempt);
  const pending = turn.state?.pending;
  const q = pending ? turn.question(pending.questionId) : undefined;
  if (pending && q) {
    const header = pending.mode === 'daily' ? dailyHeader(turn.ctx.t, turn.locale, pending.day) : turn.t('question.practice');
    const msg = questionMessage(turn.ctx.t, turn.locale, q, header, pending.mode, pending.day);
    turn.say(msg.text, msg.choices);
  }
}

// ---------------------------------------------------------------- scores and leaderboards

function score(turn: Turn): void {
  const { participant } = turn.ctx;
  const unit = turn.ctx.units.find((u) => u.unitId === turn.unitId);
  const view = turn.ctx.views.score;
  const rank = view?.rank ? turn.t('score.rank', { rank: view.rank, of: view.of }) : turn.t('score.unranked');
  turn.say(
    turn.t('score.text', {
      name: turn.displayName,
      unit: unit?.name ?? '—',
      dailyCorrect: participant.totals.dailyCorrect,
      dailyAnswered: participant.totals.dailyAnswered,
      practiceCorrect: participant.totals.practiceCorrect,
      practiceAnswered: participant.totals.practiceAnswered,
      streak: liveStreak(participant.streak, turn.today),
      best: participant.streak.best,
      rank,
    }),
    [
      commandChoice(turn.ctx.t, turn.locale, 'leaderboard'),
      commandChoice(turn.ctx.t, turn.locale, 'today'),
      commandChoice(turn.ctx.t, turn.locale, 'practice'),
    ],
  );
}

function leaderboardRequest(turn: Turn) {
  const p = turn.input.payload;
  return p?.kind === 'leaderboard' ? { kind: p.board, period: p.period } : { kind: 'individual' as const, period: 'today' as const };
}

function leaderboard(turn: Turn): void {
  const view = turn.ctx.views.leaderboard;
  const request = leaderboardRequest(turn);
  const choices: Choice[] = [
    { title: turn.t('leaderboard.today'), payload: payload.leaderboard('individual', 'today') },
    { title: turn.t('leaderboard.week'), payload: payload.leaderboard('individual', 'week') },
    { title: turn.t('leaderboard.all'), payload: payload.leaderboard('individual', 'all') },
    { title: turn.t('leaderboard.byUnit'), payload: payload.leaderboard('units', request.period) },
  ];
  const title = turn.t(`leaderboard.title_${request.kind}_${request.period}`);
  if (!view) return void turn.say(`${title}\n\n${turn.t('leaderboard.empty')}`, choices);
  if (view.kind === 'units') {
    const lines = view.units.slice(0, 10).map((u) =>
      turn.t('leaderboard.unitRow', {
        rank: u.rank,
        name: u.name,
        correct: u.correct,
        participants: u.participants,
        rate: u.participationRate === null ? '' : turn.t('leaderboard.rate', { rate: Math.round(u.participationRate * 100) }),
      }),
    );
    turn.say([title, '', ...(lines.length ? lines : [turn.t('leaderboard.empty')]), '', turn.t('leaderboard.unitTieRule')].join('\n'), choices);
    return;
  }
  const lines = view.top.map((r) => turn.t('leaderboard.row', { rank: r.rank, name: r.name, correct: r.correct }));
  const me = view.me ? turn.t('leaderboard.me', { rank: view.me.rank, correct: view.me.correct }) : turn.t('leaderboard.meNone');
  const rule = turn.t(view.period === 'all' ? 'leaderboard.tieRuleAll' : 'leaderboard.tieRule');
  turn.say([title, '', ...(lines.length ? lines : [turn.t('leaderboard.empty')]), '', me, rule].join('\n'), choices);
}

// ---------------------------------------------------------------- contests

function contestViewIfActive(turn: Turn): ViewRequest {
  return turn.state?.contest ? { contest: true } : {};
}

function awaitingPrediction(turn: Turn): boolean {
  const a = turn.state?.contest;
  return Boolean(a && a.index >= a.questions.length && turn.input.text !== null && !turn.input.command);
}

function isPrediction(turn: Turn): boolean {
  return awaitingPrediction(turn) && /^\s*\d{1,7}\s*$/.test(turn.input.text ?? '');
}

function predictionUnclear(turn: Turn): void {
  turn.say(turn.t('contest.predictionInvalid'));
}

function isContestAnswer(turn: Turn, attemptId: string): boolean {
  const p = turn.input.payload;
  if (p?.kind === 'answer') return p.mode === 'contest' && p.ref === attemptId;
  return turn.input.event.kind === 'text' && !turn.input.command && turn.input.language === null;
}

/** Closes an attempt whose time is up before anything else happens; returns its id when it did. */
function closeIfExpired(turn: Turn): string | null {
  const attempt = turn.state?.contest;
  if (!attempt || turn.ctx.now.getTime() <= Date.parse(attempt.deadline)) return null;
  const deadline = new Date(attempt.deadline);
  turn.effect({
    type: 'finishAttempt',
    attemptId: attempt.attemptId,
    status: 'expired',
    answered: attempt.answered,
    correct: attempt.correct,
    prediction: null,
    finishedAt: deadline,
    timeTakenMs: deadline.getTime() - Date.parse(attempt.startedAt),
  });
  turn.patch({ contest: undefined });
  turn.say(turn.t('contest.expired', { correct: attempt.correct, total: attempt.questions.length }), [
    commandChoice(turn.ctx.t, turn.locale, 'standing'),
    commandChoice(turn.ctx.t, turn.locale, 'contest'),
  ]);
  return attempt.attemptId;
}

function contestState(turn: Turn) {
  const contest = turn.ctx.bot.contest;
  if (!contest) return null;
  const round = roundOf(contest, turn.today);
  const used = turn.ctx.views.contest?.attemptsUsed ?? 0;
  return { contest, round, used, left: Math.max(0, contest.attemptsPerRound - used) };
}

function contestInfo(turn: Turn): void {
  const s = contestState(turn);
  if (!s) return void turn.say(turn.t('contest.none'), turn.menu);
  const attempt = inContest(turn);
  if (attempt) return contestInProgress(turn, attempt);
  const { contest } = s;
  const title = localized(contest.title, turn.locale);
  if (!s.round) {
    const key = turn.today < contest.window.start ? 'contest.notYet' : 'contest.ended';
    turn.say(turn.t(key, { title, start: formatDay(contest.window.start), end: formatDay(contest.window.end), awards: contest.awards ?? '' }), [
      commandChoice(turn.ctx.t, turn.locale, 'standing'),
      commandChoice(turn.ctx.t, turn.locale, 'today'),
    ]);
    return;
  }
  const lines = [
    turn.t('contest.info', {
      title,
      start: formatDay(contest.window.start),
      end: formatDay(contest.window.end),
      count: contest.questionsPerAttempt,
      minutes: contest.timeLimitMinutes,
      attempts: contest.attemptsPerRound,
    }),
    turn.t(contest.rounds === 'weekly' ? 'contest.roundWeekly' : 'contest.roundSingle', { round: s.round, used: s.used, attempts: contest.attemptsPerRound }),
    turn.t('contest.rankRule'),
  ];
  const choices = [
    ...(s.left > 0 ? [{ title: turn.t('contest.begin'), payload: payload.contestBegin() }] : []),
    commandChoice(turn.ctx.t, turn.locale, 'standing'),
  ];
  if (s.left === 0) lines.push(turn.t('contest.noAttemptsLeft'));
  turn.say(lines.join('\n\n'), choices);
}

function contestBegin(turn: Turn): void {
  const s = contestState(turn);
  if (!s) return void turn.say(turn.t('contest.none'), turn.menu);
  const running = inContest(turn);
  if (running) return contestInProgress(turn, running);
  if (!s.round) return contestInfo(turn);
  if (s.left === 0) return void turn.say(turn.t('contest.noAttemptsLeft'), [commandChoice(turn.ctx.t, turn.locale, 'standing')]);
  const topics = s.contest.topics;
  const pool = topics ? turn.ctx.questions.filter((q) => topics.includes(q.topic)) : turn.ctx.questions;
  const attemptId = turn.ctx.newId();
  const questions = pickContestQuestions(attemptId, pool, s.contest.questionsPerAttempt).map((q) => ({ questionId: q.questionId, revision: q.revision }));
  if (questions.length === 0) return void turn.say(turn.t('daily.none'), turn.menu);
  const startedAt = turn.ctx.now;
  const deadline = new Date(startedAt.getTime() + s.contest.timeLimitMinutes * 60_000);
  turn.effect({ type: 'startAttempt', attemptId, contestId: s.contest.id, round: s.round, questions, startedAt, deadline });
  const attempt: ActiveAttempt = {
    attemptId,
    contestId: s.contest.id,
    round: s.round,
    questions,
    index: 0,
    answered: 0,
    correct: 0,
    startedAt: startedAt.toISOString(),
    deadline: deadline.toISOString(),
  };
  turn.patch({ contest: attempt, pending: undefined });
  turn.say(turn.t('contest.started', { count: questions.length, minutes: s.contest.timeLimitMinutes, deadline: formatTime(deadline, turn.ctx.timeZone) }));
  askContestQuestion(turn, attempt);
}

function askContestQuestion(turn: Turn, attempt: ActiveAttempt): void {
  if (attempt.index >= attempt.questions.length) return void turn.say(turn.t('contest.prediction'));
  const ref = attempt.questions[attempt.index]!;
  const q = turn.question(ref.questionId);
  const minutesLeft = Math.max(0, Math.ceil((Date.parse(attempt.deadline) - turn.ctx.now.getTime()) / 60_000));
  const header = turn.t('question.contest', { n: attempt.index + 1, total: attempt.questions.length, minutes: minutesLeft });
  if (!q) {
    // Retired while the attempt runs: skip it rather than block the attempt.
    return advanceContest(turn, { ...attempt, index: attempt.index + 1 });
  }
  const msg = questionMessage(turn.ctx.t, turn.locale, q, header, 'contest', attempt.attemptId);
  turn.say(msg.text, msg.choices);
}

function contestInProgress(turn: Turn, attempt: ActiveAttempt): void {
  turn.say(
    turn.t('contest.inProgress', {
      n: Math.min(attempt.index + 1, attempt.questions.length),
      total: attempt.questions.length,
      deadline: formatTime(new Date(attempt.deadline), turn.ctx.timeZone),
    }),
  );
  askContestQuestion(turn, attempt);
}

function answerContest(turn: Turn, attempt: ActiveAttempt, choice: number): void {
  const ref = attempt.questions[attempt.index];
  const q = ref ? turn.question(ref.questionId) : undefined;
  if (!ref || !q) return askContestQuestion(turn, attempt);
  if (choice >= textOf(q, turn.locale).options.length) return answerUnclear(turn);
  const correct = choice === q.answer;
  turn.effect({
    type: 'recordAnswer',
    answer: {
      questionId: q.questionId,
      revision: ref.revision,
      mode: 'contest',
      day: turn.today,
      attemptId: attempt.attemptId,
      choice,
      correct,
      timeTakenMs: turn.ctx.now.getTime() - Date.parse(attempt.startedAt),
    },
    onDuplicate: [{ text: turn.t('contest.duplicate') }],
  });
  turn.say(turn.t('contest.recorded', { n: attempt.index + 1, total: attempt.questions.length }));
  advanceContest(turn, { ...attempt, index: attempt.index + 1, answered: attempt.answered + 1, correct: attempt.correct + (correct ? 1 : 0) });
}

function advanceContest(turn: Turn, attempt: ActiveAttempt): void {
  turn.patch({ contest: attempt });
  if (attempt.index < attempt.questions.length) return askContestQuestion(turn, attempt);
  if (turn.ctx.bot.contest?.prediction ?? false) return void turn.say(turn.t('contest.prediction'));
  finishContest(turn, attempt, null);
}

function prediction(turn: Turn): void {
  const attempt = inContest(turn);
  if (!attempt) return fallback(turn);
  finishContest(turn, attempt, Number((turn.input.text ?? '').trim()));
}

function finishContest(turn: Turn, attempt: ActiveAttempt, predicted: number | null): void {
  const timeTakenMs = turn.ctx.now.getTime() - Date.parse(attempt.startedAt);
  turn.effect({
    type: 'finishAttempt',
    attemptId: attempt.attemptId,
    status: 'finished',
    answered: attempt.answered,
    correct: attempt.correct,
    prediction: predicted,
    finishedAt: turn.ctx.now,
    timeTakenMs,
  });
  turn.patch({ contest: undefined });
  const attempts = turn.ctx.bot.contest?.attemptsPerRound ?? 1;
  const left = Math.max(0, attempts - (turn.ctx.views.contest?.attemptsUsed ?? 0) - 1);
  turn.say(
    [
      turn.t('contest.finished', { correct: attempt.correct, total: attempt.questions.length, time: formatDuration(turn.ctx.t, turn.locale, timeTakenMs) }),
      predicted === null ? '' : turn.t('contest.predictionSaved', { prediction: predicted }),
      turn.t('contest.attemptsLeft', { left }),
    ]
      .filter(Boolean)
      .join('\n'),
    [
      commandChoice(turn.ctx.t, turn.locale, 'standing'),
      ...(left > 0 ? [{ title: turn.t('contest.again'), payload: payload.contestBegin() }] : []),
      commandChoice(turn.ctx.t, turn.locale, 'help'),
    ],
  );
}

function standing(turn: Turn): void {
  const s = contestState(turn);
  if (!s) return void turn.say(turn.t('contest.none'), turn.menu);
  const view = turn.ctx.views.contest;
  const st = view?.standing;
  if (!st) {
    turn.say(turn.t('contest.noStanding'), s.round && s.left > 0 ? [{ title: turn.t('contest.begin'), payload: payload.contestBegin() }] : turn.menu);
    return;
  }
  turn.say(
    [
      turn.t('contest.standing', { round: view?.round ?? '1', rank: st.rank, of: st.of, correct: st.correct, total: st.questionCount, perfect: st.perfect }),
      turn.t('contest.rankRule'),
    ].join('\n\n'),
    turn.menu,
  );
}
