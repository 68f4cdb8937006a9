import { cleanMemberText, type Choice, type InboundEvent } from '../domain/index.js';
import { hash32, invitationCodeOf, roundOf, type UnitInfo } from '../quiz/index.js';
import { answer, answerUnclear, repeatWaiting, today } from './answering.js';
import { mistakesSet, practiceChosen, practiceOffer, practiceResume, review, reviewViews } from './practice-flow.js';
import { ask, isOwnQuestion } from './ask-flow.js';
import { invite } from './invite-flow.js';
import { recapOff, recapOn, tellFrozenDays } from './recap-flow.js';
import { leaderboard, leaderboardRequest, score } from './boards.js';
import {
  awaitingPrediction,
  closeIfExpired,
  contestBegin,
  contestInfo,
  contestInProgress,
  contestViewIfActive,
  inContest,
  isContestAnswer,
  isPrediction,
  prediction,
  predictionUnclear,
  standing,
} from './contest-flow.js';
import { isNo, isYes } from './keywords.js';
import { readTurn } from './matcher.js';
import { localized, readableName, searchUnits, unitPage, UNIT_PAGE_SIZE } from './messages.js';
import { payload, type Command, type Payload } from './payloads.js';
import { eventSignedUp, offerOptIn, optInAsked, reachShow } from './reach.js';
import { startTurn, type Turn } from './turn.js';
import { CONSENT_VERSION, parseDialogueState, type EngineContext, type FairnessKeep, type StepResult, type ViewRequest } from './types.js';

// ---------------------------------------------------------------- intents: tried in order, first match wins

/**
 * One thing a member can want. Intents are data, tried in order; the first whose `match` holds
 * handles the turn. Adding one (a learning module) is adding an entry where it belongs in the order.
 */
export interface Intent {
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
const waits = (turn: Turn) => Boolean(turn.state?.pending) || Boolean(turn.state?.contest && turn.state.contest.index < turn.state.contest.questions.length);

export const INTENTS: readonly Intent[] = [
  { name: 'unfollow', match: (t) => t.input.event.kind === 'unfollow', handle: unfollow },
  { name: 'receipt', match: (t) => t.input.event.kind === 'delivered' || t.input.event.kind === 'read', handle: () => undefined },
  // Opt-in changes are applied by the service without a reply (src/conversation/service.ts): Meta's opt-in opens no window.
  { name: 'optin', match: (t) => t.input.event.kind === 'optin', handle: () => undefined },
  { name: 'delete-confirmed', match: (t) => isDeleteAnswer(t) === true, handle: deleteConfirmed },
  { name: 'delete-cancelled', match: (t) => isDeleteAnswer(t) === false, handle: deleteCancelled },
  { name: 'unsupported', match: (t) => t.input.event.kind === 'unsupported', handle: unsupported },
  { name: 'language-set', match: (t) => t.input.language !== null, handle: languageSet },
  { name: 'consent', match: (t) => t.phase === 'consent' && consentAnswer(t) !== null, handle: consent },
  { name: 'consent-again', match: payloadKind('consent'), handle: consentAgain },
  { name: 'contest-begin', requires: 'ready', match: payloadKind('contestBegin'), handle: contestBegin, views: () => ({ contest: true }) },
  { name: 'prediction', requires: 'ready', match: isPrediction, handle: prediction, views: () => ({ contest: true }) },
  { name: 'answer', requires: 'ready', match: payloadKind('answer'), handle: answer, views: contestViewIfActive },
  { name: 'start', match: isCommand('start'), handle: start },
  { name: 'help', match: isCommand('help'), handle: help },
  { name: 'language', match: isCommand('language'), handle: languageChoose },
  { name: 'delete', match: isCommand('delete'), handle: deleteAsk },
  { name: 'remind-off', match: isCommand('remind_off'), handle: remindOff },
  { name: 'remind-on', requires: 'consent', match: isCommand('remind_on'), handle: remindOn },
  { name: 'recap-off', requires: 'consent', match: isCommand('recap_off'), handle: recapOff },
  { name: 'recap-on', requires: 'consent', match: isCommand('recap_on'), handle: recapOn },
  { name: 'reach', requires: 'consent', match: isCommand('reach'), handle: reachShow },
  { name: 'optin-ask', requires: 'consent', match: payloadKind('optInAsk'), handle: optInAsked },
  { name: 'event-signup', requires: 'consent', match: payloadKind('eventSignUp'), handle: eventSignedUp },
  { name: 'unit-button', requires: 'consent', match: payloadKind('unit'), handle: unitChosen },
  { name: 'unit-page', requires: 'consent', match: payloadKind('unitPage'), handle: unitPaged },
  { name: 'unit-keep', requires: 'consent', match: payloadKind('unitKeep'), handle: unitKept },
  { name: 'unit', requires: 'consent', match: isCommand('unit'), handle: unitShow },
  { name: 'anonymous', requires: 'consent', match: payloadKind('anonymous'), handle: anonymous },
  { name: 'today', requires: 'ready', match: isCommand('today'), handle: today, views: contestViewIfActive },
  { name: 'practice', requires: 'ready', match: isCommand('practice'), handle: practiceOffer, views: contestViewIfActive },
  { name: 'practice-set', requires: 'ready', match: payloadKind('practiceSet'), handle: practiceChosen, views: contestViewIfActive },
  { name: 'practice-resume', requires: 'ready', match: payloadKind('practiceResume'), handle: practiceResume, views: contestViewIfActive },
  { name: 'review', requires: 'ready', match: payloadKind('review'), handle: review, views: (t) => ({ ...contestViewIfActive(t), ...reviewViews(t) }) },
  { name: 'invite', requires: 'ready', match: isCommand('invite'), handle: invite, views: () => ({ invitation: true }) },
  { name: 'mistakes', requires: 'ready', match: isCommand('mistakes'), handle: mistakesSet, views: (t) => ({ ...contestViewIfActive(t), missed: true }) },
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
    match: (t) => t.input.text !== null && !t.input.smallTalk && (t.phase === 'unit' || t.state?.choosingUnit === true),
    handle: unitSearch,
  },
  { name: 'display-name', requires: 'consent', match: (t) => t.input.text !== null && t.phase === 'name', handle: displayName },
  { name: 'answer-unclear', requires: 'ready', match: (t) => t.input.unclearAnswer, handle: answerUnclear },
  { name: 'prediction-unclear', requires: 'ready', match: awaitingPrediction, handle: predictionUnclear },
  { name: 'broadcast-reply', match: payloadKind('broadcastChoice'), handle: broadcastReply },
  { name: 'onboarding', match: (t) => t.phase !== 'ready', handle: continueOnboarding },
  { name: 'small-talk', match: (t) => t.input.smallTalk !== null && !waits(t), handle: smallTalk },
  { name: 'ask', requires: 'ready', match: (t) => !t.state?.contest && t.state?.pending?.mode !== 'daily' && isOwnQuestion(t), handle: ask },
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

function turnFor(rawState: unknown, event: InboundEvent, ctx: EngineContext): Turn {
  const state = parseDialogueState(rawState);
  return startTurn(state, ctx, event, (m) => readTurn(event, m));
}

/**
 * The dialogue as a pure function: the participant's stored state, one inbound event and the
 * context (clock, bot, questions, units, facts about the person, translations, loaded views) give
 * the new state, the messages to answer with and the effects for the service to apply.
 */
export function step(rawState: unknown, event: InboundEvent, ctx: EngineContext): StepResult {
  const turn = turnFor(rawState, event, ctx);
  const expired = closeIfExpired(turn);
  if (!(expired && isContestAnswer(turn, expired))) route(turn).handle(turn);
  tellFrozenDays(turn);
  rememberChoices(turn);
  const effects = turn.effects.map((e) => (e.type === 'recordAnswer' ? { ...e, onDuplicate: e.onDuplicate.map(withReplies) } : e));
  return { state: turn.state, messages: turn.messages.map(withReplies), effects };
}

/**
 * Every choice the conversation offers can be typed or, on Zalo OA, tapped as the member's own
 * words: its title (an answer's is the option text), which the matcher resolves against the
 * choices just offered.
 */
function withReplies(message: StepResult['messages'][number]): StepResult['messages'][number] {
  if (!message.choices?.length) return message;
  return { ...message, choices: message.choices.map((c): Choice => ({ ...c, reply: c.reply ?? c.title })) };
}

function rememberChoices(turn: Turn): void {
  const last = turn.messages.at(-1);
  if (!last || turn.state === null) return;
  const shown = last.choices ?? [];
  turn.patch({
    lastChoices: shown.length ? shown.map((c) => ({ p: c.payload, t: c.title, ...(c.reply ? { r: c.reply } : {}) })) : undefined,
    lastChoicesAt: shown.length ? turn.ctx.now.toISOString() : undefined,
  });
}

/** The views `step` will need for this event; the service loads them first. */
export function viewsFor(rawState: unknown, event: InboundEvent, ctx: Omit<EngineContext, 'views'>): ViewRequest {
  const turn = turnFor(rawState, event, { ...ctx, views: {} });
  const intent = route(turn);
  const base: ViewRequest = turn.state?.contest ? { contest: true } : {};
  return { ...base, ...(intent.views?.(turn) ?? {}) };
}

/** The name of the intent an event goes to (for logs and tests). */
export function intentOf(rawState: unknown, event: InboundEvent, ctx: EngineContext): string {
  return route(turnFor(rawState, event, ctx)).name;
}

// ---------------------------------------------------------------- onboarding

function continueOnboarding(turn: Turn): void {
  switch (turn.phase) {
    case 'consent':
      return turn.state?.declined ? stillDeclined(turn) : askConsent(turn);
    case 'unit':
      return askUnit(turn);
    case 'name':
      return askName(turn);
    case 'ready':
      return help(turn);
  }
}

function consentChoices(turn: Turn): Choice[] {
  return [
    { title: turn.t('consent.yes'), payload: payload.consent(true) },
    { title: turn.t('consent.no'), payload: payload.consent(false) },
    { title: turn.locale === 'vi' ? 'English' : 'Tiếng Việt', payload: payload.language(turn.locale === 'vi' ? 'en' : 'vi') },
  ];
}

function askConsent(turn: Turn): void {
  const { bot } = turn.ctx;
  turn.say(turn.t('onboarding.intro', { bot: localized(bot.name, turn.locale), organisation: localized(bot.organisation, turn.locale) }));
  turn.say(turn.t('consent.text'), consentChoices(turn));
}

/** After "Không đồng ý": one short line and the way back, not the whole introduction on every message. */
function stillDeclined(turn: Turn): void {
  turn.say(turn.t('consent.stillDeclined'), [{ title: turn.t('consent.yes'), payload: payload.consent(true) }, turn.choice('start')]);
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
    turn.patch({ declined: true });
    turn.say(turn.t('consent.declined'), [{ title: turn.t('consent.yes'), payload: payload.consent(true) }, turn.choice('help')]);
    return;
  }
  const invitedBy = turn.state?.invitedBy;
  turn.effect({ type: 'setConsent', version: CONSENT_VERSION, ...(invitedBy ? { invitedBy } : {}) });
  turn.effect({ type: 'setSubscribed', subscribed: true });
  turn.consented = true;
  turn.patch({ declined: undefined, invitedBy: undefined });
  turn.say(turn.t('consent.thanks'));
  continueOnboarding(turn);
}

/** A consent button tapped again after agreeing: how to withdraw, and the menu. */
function consentAgain(turn: Turn): void {
  turn.say(turn.t('consent.already'), turn.phase === 'ready' ? [...turn.menu, turn.choice('delete')] : undefined);
  if (turn.phase !== 'ready') continueOnboarding(turn);
}

function askUnit(turn: Turn, page = 0): void {
  const msg = unitPage(turn.ctx.t, turn.locale, turn.ctx.units, page, turn.t('unit.ask'));
  turn.say(msg.text, withKeep(turn, msg.choices ?? []));
}

/** While changing unit (one is set), "Giữ nguyên" keeps it: the picker is never a trap. */
function withKeep(turn: Turn, choices: readonly Choice[]): Choice[] {
  return turn.unitId && turn.state?.choosingUnit ? [...choices, { title: turn.t('unit.keep'), payload: payload.unitKeep() }] : [...choices];
}

function unitPaged(turn: Turn): void {
  const p = turn.input.payload;
  const intro = turn.unitId ? turn.t('unit.current', { unit: turn.ctx.units.find((u) => u.unitId === turn.unitId)?.name ?? '—' }) : turn.t('unit.ask');
  const msg = unitPage(turn.ctx.t, turn.locale, turn.ctx.units, p?.kind === 'unitPage' ? p.page : 0, intro);
  turn.say(msg.text, withKeep(turn, msg.choices ?? []));
}

function unitShow(turn: Turn): void {
  const current = turn.ctx.units.find((u) => u.unitId === turn.unitId);
  turn.patch({ choosingUnit: true });
  const intro = current ? turn.t('unit.current', { unit: current.name }) : turn.t('unit.ask');
  const page = unitPage(turn.ctx.t, turn.locale, turn.ctx.units, 0, intro);
  turn.say(page.text, withKeep(turn, page.choices ?? []));
}

function unitKept(turn: Turn): void {
  turn.patch({ choosingUnit: undefined });
  if (turn.phase !== 'ready') return continueOnboarding(turn);
  const unit = turn.ctx.units.find((u) => u.unitId === turn.unitId);
  turn.say(turn.t('unit.kept', { unit: unit?.name ?? '—' }), turn.menu);
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
  const query = cleanMemberText(turn.input.text ?? '', 80);
  const found = searchUnits(turn.ctx.units, query);
  if (found.length === 1) return setUnit(turn, found[0]!);
  if (found.length === 0) {
    const page = unitPage(turn.ctx.t, turn.locale, turn.ctx.units, 0, turn.t('unit.notFound', { query: query.slice(0, 40) }));
    turn.say(page.text, withKeep(turn, page.choices ?? []));
    return;
  }
  const shown = found.slice(0, UNIT_PAGE_SIZE);
  const key = found.length > UNIT_PAGE_SIZE ? 'unit.many' : 'unit.several';
  turn.say(
    turn.t(key, { count: found.length }),
    withKeep(
      turn,
      shown.map((u) => ({ title: u.name, payload: payload.unit(u.unitId) })),
    ),
  );
}

function askName(turn: Turn): void {
  turn.say(turn.t('name.ask'), [{ title: turn.t('name.anonymous'), payload: payload.anonymous() }]);
}

/**
 * A name fit for a public leaderboard: the member's text through the one sanitiser (no control,
 * invisible or non-characters), then 2–40 characters with letters in it and no links.
 */
export function cleanDisplayName(text: string): string | null {
  const name = cleanMemberText(text, 41);
  if ([...name].length < 2 || [...name].length > 40 || name.endsWith('…')) return null;
  if (!/\p{L}/u.test(name) || /https?:|www\.|[<>@]/i.test(name)) return null;
  return name;
}

function setName(turn: Turn, name: string): void {
  turn.effect({ type: 'setDisplayName', name });
  turn.displayName = name;
  turn.say(turn.t('name.set', { name: readableName(turn.ctx.t, turn.locale, name) }), turn.menu);
  // Onboarding is complete: Messenger members may now be asked for messages outside 24 hours.
  offerOptIn(turn, { subscribed: turn.ctx.participant.subscribed || turn.effects.some((e) => e.type === 'setSubscribed' && e.subscribed) });
}

function displayName(turn: Turn): void {
  const name = cleanDisplayName(turn.input.text ?? '');
  if (!name) return void turn.say(turn.t('name.invalid'), [{ title: turn.t('name.anonymous'), payload: payload.anonymous() }]);
  setName(turn, name);
}

/** Stored as "Đoàn viên 1234" whatever the member's language; English readers read "Member 1234". */
function anonymous(turn: Turn): void {
  if (turn.phase !== 'name' && turn.displayName) return help(turn);
  const n = String(hash32(turn.input.event.userId) % 10000).padStart(4, '0');
  setName(turn, turn.ctx.t('vi', 'conversation:name.anonymousName', { n }));
}

// ---------------------------------------------------------------- general commands

function start(turn: Turn): void {
  // Arrived through a colleague's invitation: kept until consent, when the join is credited (once).
  const ref = turn.input.event.kind === 'start' ? turn.input.event.ref : undefined;
  if (ref && !turn.consented && invitationCodeOf(ref)) turn.patch({ invitedBy: ref.slice(0, 40) });
  if (turn.phase === 'consent') return askConsent(turn);
  if (turn.phase !== 'ready') return continueOnboarding(turn);
  turn.say(turn.t('start.welcomeBack', { name: readableName(turn.ctx.t, turn.locale, turn.displayName) }), turn.menu);
}

function help(turn: Turn): void {
  const ready = turn.phase === 'ready';
  const extra = ready ? [turn.choice(turn.ctx.participant.subscribed ? 'remind_off' : 'remind_on')] : [];
  turn.say(turn.t('help.text'), ready ? [...turn.menu.filter((c) => c.payload !== payload.command('help')), ...extra] : undefined);
  if (!ready) continueOnboarding(turn);
}

/**
 * Text nothing understood. While a question waits it is asked again (a contest's clock keeps
 * running, and the member is told so), never the bare menu.
 */
function fallback(turn: Turn): void {
  const said = cleanMemberText(turn.input.text ?? '', 40);
  const attempt = inContest(turn);
  if (attempt && attempt.index < attempt.questions.length) {
    turn.say(said ? turn.t('fallback.contest', { text: said }) : turn.t('fallback.contestEmpty'));
    return contestInProgress(turn, attempt);
  }
  if (turn.state?.pending) {
    turn.say(said ? turn.t('fallback.waiting', { text: said }) : turn.t('fallback.waitingEmpty'));
    if (repeatWaiting(turn)) return;
    turn.patch({ pending: undefined });
  }
  turn.say(said ? turn.t('fallback.text', { text: said }) : turn.t('fallback.empty'), turn.menu);
}

function smallTalk(turn: Turn): void {
  turn.say(turn.t(`smallTalk.${turn.input.smallTalk ?? 'ok'}`), turn.menu);
}

/** A broadcast's button whose title names no command: thanked, honestly, with the menu. */
function broadcastReply(turn: Turn): void {
  const title = cleanMemberText(turn.input.text ?? '', 40);
  turn.say(title ? turn.t('broadcast.reply', { title }) : turn.t('broadcast.replyNoTitle'), turn.phase === 'ready' ? turn.menu : undefined);
  if (turn.phase !== 'ready') continueOnboarding(turn);
}

function unsupported(turn: Turn): void {
  const attempt = inContest(turn);
  if (attempt && attempt.index < attempt.questions.length) {
    turn.say(turn.t('fallback.contestEmpty'));
    return contestInProgress(turn, attempt);
  }
  if (turn.state?.pending) {
    turn.say(turn.t('unsupportedWaiting'));
    if (repeatWaiting(turn)) return;
    turn.patch({ pending: undefined });
  }
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
  if (repeatWaiting(turn)) return;
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
  turn.say(turn.t('reminders.off'), [turn.choice('remind_on'), turn.choice('help')]);
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

/** What fairness keeps after the deletion: today's answered flag, and the open contest round's attempts. */
function fairnessKeep(turn: Turn): FairnessKeep {
  const contest = turn.ctx.bot.contest;
  const round = contest ? roundOf(contest, turn.today) : null;
  return {
    answeredDay: turn.answeredToday ? turn.today : null,
    contest: contest && round ? { contestId: contest.id, round, closesOn: contest.window.end } : null,
  };
}

function deleteConfirmed(turn: Turn): void {
  turn.effect({ type: 'deleteData', keep: fairnessKeep(turn) });
  turn.state = null;
  turn.say(turn.t('delete.done'), [turn.choice('start')]);
}

function deleteCancelled(turn: Turn): void {
  turn.patch({ confirmDelete: undefined });
  turn.say(turn.t('delete.cancelled'), turn.phase === 'ready' ? turn.menu : undefined);
}
