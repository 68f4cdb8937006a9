import { MAX_MATCH_CHARS, sameWords, type InboundEvent, type Locale } from '../domain/index.js';
import { exactOption, parseAnswer } from '../quiz/index.js';
import { commandOf, languageOf, smallTalkOf, type SmallTalk } from './keywords.js';
import { parsePayload, type Command, type Payload } from './payloads.js';
import type { DialogueState, OfferedChoice, QuizQuestion } from './types.js';

/**
 * The one matcher for what a member sends. A tapped button's payload wins over its title. Typed
 * text (or the title of a button whose payload is not ours) is read in this order:
 *
 * 1. the choices the bot just offered: their title (or the words a Zalo tap shows), then their number;
 * 2. the question waiting for an answer: a letter, a number, the option's text, "Đúng"/"Sai";
 * 3. commands and languages;
 * 4. with no question waiting, a bare answer to today's question, which the daily job pushed;
 * 5. small talk ("cảm ơn", "tạm biệt", "ok").
 *
 * Diacritics are significant when the member typed any (`sameWords`); every step reads at most
 * MAX_MATCH_CHARS characters and is linear in them.
 */

/** The event reduced to what intents look at. */
export interface TurnInput {
  readonly event: InboundEvent;
  /** Typed text, or the title of a tapped button. */
  readonly text: string | null;
  readonly payload: Payload | null;
  /** A command named by a button or by typed text. */
  readonly command: Command | null;
  readonly language: Locale | null;
  /** How the payload was found. */
  readonly via: 'tap' | 'offered' | 'answer' | 'pushed' | null;
  /** Typed text that looked like an answer to the waiting question but named no single option. */
  readonly unclearAnswer: boolean;
  readonly smallTalk: SmallTalk | null;
}

/** A question a typed answer can refer to, with the order its options were shown in. */
export interface AnswerTarget {
  readonly q: QuizQuestion | undefined;
  readonly revision: string;
  readonly mode: 'daily' | 'practice' | 'contest';
  /** The day (daily, practice) or the attempt id (contest). */
  readonly ref: string;
  readonly questionId: string;
  /** `order[shown] = option`. */
  readonly order: readonly number[];
  /** The option texts in the order shown. */
  readonly shown: readonly string[];
}

export interface MatchContext {
  readonly state: DialogueState;
  readonly now: Date;
  /** The question a typed answer answers: the contest's current one, else the pending one. */
  readonly waiting: () => AnswerTarget | null;
  /** Today's question when the member has not answered it and no contest runs. */
  readonly pushed: () => AnswerTarget | null;
}

/**
 * How long the buttons last shown are what a typed title or number refers to; after that a pushed
 * message (today's question, a broadcast) may be what the person is looking at.
 */
export const CHOICES_TTL_MS = 30 * 60_000;

const NOTHING = { text: null, payload: null, command: null, language: null, via: null, unclearAnswer: false, smallTalk: null } as const;

function withPayload(event: InboundEvent, p: Payload, via: TurnInput['via'], text: string | null): TurnInput {
  return {
    ...NOTHING,
    event,
    text,
    payload: p,
    via,
    command: p.kind === 'command' ? p.command : null,
    language: p.kind === 'language' ? p.locale : null,
  };
}

/** Reads one event against the dialogue state. */
export function readTurn(event: InboundEvent, m: MatchContext): TurnInput {
  if (event.kind === 'start' || event.kind === 'follow') {
    const p = event.kind === 'start' && event.payload ? parsePayload(event.payload) : null;
    return withPayload(event, p && p.kind !== 'broadcastChoice' ? p : { kind: 'command', command: 'start' }, 'tap', null);
  }
  if (event.kind === 'choice') {
    const p = parsePayload(event.payload);
    if (p && p.kind !== 'broadcastChoice') return withPayload(event, p, 'tap', event.text ?? null);
    // A broadcast's choice, or a payload that is not ours (an old button): its title says what it means.
    const title = event.text ?? (p ? null : event.payload);
    const read = title ? readText(event, title, m) : null;
    if (read && (read.payload || read.command || read.language || read.smallTalk)) return read;
    return p ? { ...NOTHING, event, text: title, payload: p, via: 'tap' } : (read ?? { ...NOTHING, event });
  }
  if (event.kind === 'text') return readText(event, event.text, m);
  return { ...NOTHING, event };
}

function readText(event: InboundEvent, raw: string, m: MatchContext): TurnInput {
  const text = raw.slice(0, MAX_MATCH_CHARS);
  const offered = offeredChoice(text, m);
  const fromOffer = offered ? parsePayload(offered.p) : null;
  if (fromOffer) return withPayload(event, fromOffer, 'offered', raw);
  const waiting = m.waiting();
  const answer = waiting ? answerTo(waiting, parseAnswer(text, waiting.shown)) : null;
  if (answer) return withPayload(event, answer, 'answer', raw);
  const command = commandOf(text);
  const language = command ? null : languageOf(text);
  if (command || language) return { ...NOTHING, event, text: raw, command, language };
  const unclear = waiting !== null && parseAnswer(text, waiting.shown).kind === 'ambiguous';
  if (unclear) return { ...NOTHING, event, text: raw, unclearAnswer: true };
  const pushed = m.state.contest ? null : m.pushed();
  const bare = pushed ? answerTo(pushed, bareAnswer(text, pushed.shown)) : null;
  if (bare) return withPayload(event, bare, 'pushed', raw);
  return { ...NOTHING, event, text: raw, smallTalk: smallTalkOf(text) };
}

/** The offered choice a typed title, Zalo reply or number names, while the choices are fresh. */
function offeredChoice(text: string, m: MatchContext): OfferedChoice | null {
  const { lastChoices, lastChoicesAt } = m.state;
  if (!lastChoices?.length || lastChoicesAt === undefined) return null;
  if (m.now.getTime() - Date.parse(lastChoicesAt) > CHOICES_TTL_MS) return null;
  const byWords = lastChoices.find((c) => (c.t !== '' && sameWords(text, c.t)) || (c.r !== undefined && sameWords(text, c.r)));
  if (byWords) return byWords;
  const number = text.trim();
  return /^\d{1,2}$/.test(number) ? (lastChoices[Number(number) - 1] ?? null) : null;
}

/** An answer payload for the option shown at `parsed.index`, or null. */
function answerTo(target: AnswerTarget, parsed: ReturnType<typeof parseAnswer>): Payload | null {
  if (parsed.kind !== 'choice') return null;
  const option = target.order[parsed.index] ?? parsed.index;
  return { kind: 'answer', questionId: target.questionId, revision: target.revision, mode: target.mode, ref: target.ref, index: option };
}

/**
 * A bare answer with no question waiting: a lone letter or number ("B", "2", "đáp án B") or the
 * whole text of an option. Anything looser stays text: a pushed question is not in the dialogue.
 */
function bareAnswer(text: string, shown: readonly string[]): ReturnType<typeof parseAnswer> {
  const exact = exactOption(text, shown);
  if (exact >= 0) return { kind: 'choice', index: exact };
  if (!/^(?:(?:đáp án|dap an|Đáp án|Dap an)\s*)?[a-dA-D1-4][.!]?$/u.test(text.trim())) return { kind: 'none' };
  return parseAnswer(text, shown);
}
