import { z } from 'zod';
import type { BotConfig } from '../content/index.js';
import type { Locale, OutboundMessage } from '../domain/index.js';
import type { Translate } from '../i18n/index.js';
import {
  practiceSetSchema,
  type FactIndex,
  type GivenAnswer,
  type ProtectedStreak,
  type RankedScore,
  type RankedUnit,
  type Streak,
  type UnitInfo,
} from '../quiz/index.js';

/** A question as the engine sees it: the active revision of a question of the bot's topics. */
export interface QuizQuestion {
  readonly questionId: string;
  readonly revision: string;
  readonly topic: string;
  /** 1 (easy) to 3 (hard), for the level of a practice set; 1 when the content does not say. */
  readonly difficulty?: 1 | 2 | 3;
  /** 0-based index of the right option. */
  readonly answer: number;
  readonly vi: { readonly question: string; readonly options: readonly string[]; readonly explanation: string };
  readonly en: { readonly question: string; readonly options: readonly string[]; readonly explanation: string } | null;
  /** The documents of the question's facts in words, per locale (see `sourceLine`); empty when none is known. */
  readonly source: { readonly vi: string; readonly en: string };
  /** The question's picture as the address the platforms fetch (`mediaUrl`); absent without one or without PUBLIC_URL. */
  readonly image?: string | undefined;
  /** The explanation's picture, sent with the feedback after the answer. */
  readonly explanationImage?: string | undefined;
}

// ---------------------------------------------------------------- dialogue state (stored in participant.state)

const pendingSchema = z.object({
  questionId: z.string(),
  revision: z.string(),
  mode: z.enum(['daily', 'practice']),
  day: z.string(),
  askedAt: z.string(),
  /** A practice question the member met before (a review), shown as such. */
  review: z.boolean().optional(),
  /** The practice set (`practiceSet.setId`) this question belongs to. */
  set: z.string().optional(),
});

const attemptSchema = z.object({
  attemptId: z.string(),
  contestId: z.string(),
  round: z.string(),
  questions: z.array(z.object({ questionId: z.string(), revision: z.string() })),
  /** Index of the question being asked; equal to questions.length while waiting for the prediction. */
  index: z.number().int().min(0),
  answered: z.number().int().min(0),
  correct: z.number().int().min(0),
  startedAt: z.string(),
  deadline: z.string(),
});

/** A button last shown: payload, title and (where set) the words a Zalo tap shows; short keys, it is stored on every turn. */
const offeredSchema = z.object({ p: z.string(), t: z.string(), r: z.string().optional() });
export type OfferedChoice = z.infer<typeof offeredSchema>;

export const dialogueStateSchema = z.object({
  /** Onboarding step; `ready` once consent, unit and name are known. */
  phase: z.enum(['consent', 'unit', 'name', 'ready']).optional(),
  pending: pendingSchema.optional(),
  contest: attemptSchema.optional(),
  practice: z.record(z.string(), z.object({ box: z.number().int().min(1).max(5), due: z.string() })).optional(),
  practiceLast: z.string().optional(),
  /** The running practice set ("Luyện tập", "Ôn câu sai"), or the last finished one (for "Xem câu sai"). */
  practiceSet: practiceSetSchema.optional(),
  confirmDelete: z.boolean().optional(),
  /** Set after "my unit": the next typed text is a unit search. */
  choosingUnit: z.boolean().optional(),
  /** The invitation ref (`inv-<code>`) a not-yet-consented person arrived with; credited on consent. */
  invitedBy: z.string().max(40).optional(),
  /** Declined consent: later messages get one short line and a way back, not the whole introduction. */
  declined: z.boolean().optional(),
  /**
   * The buttons last shown. A typed title acts like a tap; where a platform cannot show them as
   * buttons (zca-js) the renderer numbers them in the text, and a typed "3" means the third.
   * (An older state stored payloads only: they keep working by number.)
   */
  lastChoices: z
    .array(z.union([offeredSchema, z.string().transform((p): OfferedChoice => ({ p, t: '' }))]))
    .max(20)
    .optional(),
  lastChoicesAt: z.string().optional(),
});

export type PendingQuestion = z.infer<typeof pendingSchema>;
export type ActiveAttempt = z.infer<typeof attemptSchema>;
export type DialogueState = z.infer<typeof dialogueStateSchema>;

/** Reads a stored state; anything unreadable (an older shape) starts afresh rather than failing. */
export function parseDialogueState(raw: unknown): DialogueState {
  const parsed = dialogueStateSchema.safeParse(raw ?? {});
  return parsed.success ? parsed.data : {};
}

// ---------------------------------------------------------------- what the engine knows about the person

export interface ParticipantFacts {
  /** False before the first event ever and after "delete my data". */
  readonly known: boolean;
  readonly locale: Locale;
  readonly consented: boolean;
  readonly unitId: string | null;
  readonly displayName: string | null;
  readonly subscribed: boolean;
  /** Messenger opt-in for messages after 24 hours, as far as the engine needs it (src/conversation/reach.ts). */
  readonly optIn?: {
    readonly status: 'requested' | 'active' | 'stopped' | 'expired' | 'invalid';
    readonly requestedAt: Date | null;
    /** `member`: "dừng" in the chat stopped it, and "nhắc nhở" restores it without a new request. */
    readonly stoppedBy: 'member' | 'platform' | null;
  } | null;
  /** Zalo OA: follows the OA; null = not known. */
  readonly oaFollower?: boolean | null;
  /** Events the member asked to be reminded of. */
  readonly eventSignups?: readonly string[];
  /** The weekly recap: false after "Dừng tổng kết"; absent = receiving. */
  readonly recap?: boolean;
  /** Days a freeze covered that the daily job applied and the member was not told of yet: told at this message. */
  readonly freezeNotice?: readonly string[];
  /** With the streak freezes held and the days they covered (`readProtectedStreak`; absent in older facts). */
  readonly streak: Streak & { readonly freezes?: number; readonly frozenDays?: readonly string[] };
  /**
   * What an earlier membership of the same platform account left for fairness after it deleted its
   * data (a keyed hash of the platform id, no personal data): today's question already answered,
   * and contest attempts already used in the open round.
   */
  readonly carried: { readonly answeredDay: string | null; readonly contestAttempts: number };
  readonly totals: {
    readonly answered: number;
    readonly correct: number;
    readonly dailyAnswered: number;
    readonly dailyCorrect: number;
    readonly practiceAnswered: number;
    readonly practiceCorrect: number;
  };
}

export const NEW_PARTICIPANT: ParticipantFacts = {
  known: false,
  locale: 'vi',
  consented: false,
  unitId: null,
  displayName: null,
  subscribed: false,
  streak: { current: 0, best: 0, lastDay: null, freezes: 0, frozenDays: [] },
  carried: { answeredDay: null, contestAttempts: 0 },
  totals: { answered: 0, correct: 0, dailyAnswered: 0, dailyCorrect: 0, practiceAnswered: 0, practiceCorrect: 0 },
};

// ---------------------------------------------------------------- views: data the service loads for some intents

export type LeaderboardPeriod = 'today' | 'week' | 'all';
export type LeaderboardRequest = { readonly kind: 'individual' | 'units'; readonly period: LeaderboardPeriod };

export interface LeaderboardView extends LeaderboardRequest {
  readonly top: readonly RankedScore[];
  readonly me: RankedScore | null;
  readonly units: readonly RankedUnit[];
  /** Colleagues who joined through invitations, per unit (all time; issue 19 item 6), on the unit board. */
  readonly invitations?: Readonly<Record<string, number>>;
}

export interface ContestView {
  /** Round open today, null outside the window. */
  readonly round: string | null;
  /** Finished or expired attempts of this participant in that round. */
  readonly attemptsUsed: number;
  readonly standing: {
    readonly rank: number;
    readonly of: number;
    readonly correct: number;
    readonly questionCount: number;
    readonly perfect: number;
  } | null;
}

/** A finished contest attempt's answers, in the order asked, for the review of its mistakes. */
export interface AttemptReviewView {
  readonly attemptId: string;
  readonly answers: readonly GivenAnswer[];
}

export interface Views {
  readonly score?: { readonly rank: number | null; readonly of: number };
  /** "Ôn câu sai": the questions this member got wrong the last time they answered them. */
  readonly missed?: readonly string[];
  readonly attemptReview?: AttemptReviewView | null;
  /** "Mời đồng nghiệp": the member's invitation code (made on first use) and how many joined through it. */
  readonly invitation?: { readonly code: string; readonly joins: number } | null;
  readonly leaderboard?: LeaderboardView;
  readonly contest?: ContestView;
}

/** Which views an event needs, computed before `step` so the engine stays pure. */
export interface ViewRequest {
  readonly score?: true;
  readonly missed?: true;
  readonly invitation?: true;
  /** The id of a contest attempt of this member whose answers are to be reviewed. */
  readonly attemptReview?: string;
  readonly leaderboard?: LeaderboardRequest;
  readonly contest?: true;
}

export interface EngineContext {
  readonly now: Date;
  /** The configured time zone (TIME_ZONE): what "today" is, and how times read in messages. */
  readonly timeZone: string;
  readonly bot: BotConfig;
  /** Active questions of the bot's topics. */
  readonly questions: readonly QuizQuestion[];
  /** The bot's unit list. */
  readonly units: readonly UnitInfo[];
  readonly participant: ParticipantFacts;
  readonly t: Translate;
  /**
   * The key of the per-member option order (a secret from config): options are shown in an order
   * seeded by a keyed hash of the member and the question (`optionOrder`).
   */
  readonly memberKey: string;
  /** A fresh id (a 24-hex ObjectId string in production; predictable in tests). */
  readonly newId: () => string;
  readonly views: Views;
  /**
   * Hỏi đáp: the bot's fact index (`buildFactIndex` over content/facts, built once per content load
   * for the bot's province). Absent: questions in the member's own words are recorded, not answered.
   */
  readonly facts?: FactIndex | null;
  /** The bot's paths outside the platform windows the member can turn on (src/conversation/reach.ts). */
  readonly reach?: ReachContext;
}

export interface ReachContext {
  /** Messenger's paid marketing messages are configured: members may be asked to opt in, with this title (≤ 65 characters). */
  readonly messengerOptIn: { readonly enabled: boolean; readonly title: { readonly vi: string; readonly en?: string | undefined } };
}

// ---------------------------------------------------------------- effects: what the service applies

export interface AnswerRecord {
  readonly questionId: string;
  readonly revision: string;
  readonly mode: 'daily' | 'practice' | 'contest';
  readonly day: string;
  readonly attemptId: string | null;
  readonly choice: number;
  readonly correct: boolean;
  readonly timeTakenMs: number | null;
}

export type Effect =
  /** `invitedBy`: the invitation ref the person arrived with, credited to its inviter once. */
  | { readonly type: 'setConsent'; readonly version: string; readonly invitedBy?: string }
  | { readonly type: 'setLocale'; readonly locale: Locale }
  | { readonly type: 'setUnit'; readonly unitId: string }
  | { readonly type: 'setDisplayName'; readonly name: string }
  | { readonly type: 'setSubscribed'; readonly subscribed: boolean }
  /** The weekly recap on or off ("Nhận tổng kết" / "Dừng tổng kết"). */
  | { readonly type: 'setRecap'; readonly recap: boolean }
  /** The member was told of these frozen days (the daily job's notice, or a daily answer's): not told again. */
  | { readonly type: 'freezeNoticeTold'; readonly days: readonly string[] }
  | {
      readonly type: 'recordAnswer';
      readonly answer: AnswerRecord;
      /** The streak after a daily answer, freezes included (stored as one object). */
      readonly streak?: ProtectedStreak;
      /** Sent instead of this turn's messages when the answer was already recorded (the first answer counts). */
      readonly onDuplicate: readonly OutboundMessage[];
    }
  /** A streak milestone (7, 30, 100 days) reached by this turn's daily answer: a certificate is issued and sent. */
  | { readonly type: 'streakCertificate'; readonly days: number }
  /** A question Hỏi đáp could not answer, listed for organisers (text only, no participant). */
  | { readonly type: 'recordUnanswered'; readonly text: string }
  /** Delete the participant; `keep` is what fairness keeps under a keyed hash of the platform id. */
  | { readonly type: 'deleteData'; readonly keep: FairnessKeep }
  /** Meta's opt-in request was shown (one per title per week). */
  | { readonly type: 'optInRequested'; readonly title: string; readonly at: Date }
  /** "dừng": the opt-in path stops with every other path; `false` restores what "dừng" stopped ("nhắc nhở"). */
  | { readonly type: 'optInStopped'; readonly stopped: boolean }
  | { readonly type: 'signUpEvent'; readonly eventKey: string }
  | {
      readonly type: 'startAttempt';
      readonly attemptId: string;
      readonly contestId: string;
      readonly round: string;
      readonly questions: ReadonlyArray<{ readonly questionId: string; readonly revision: string }>;
      readonly startedAt: Date;
      readonly deadline: Date;
    }
  | {
      readonly type: 'finishAttempt';
      readonly attemptId: string;
      readonly status: 'finished' | 'expired';
      readonly answered: number;
      readonly correct: number;
      readonly prediction: number | null;
      readonly finishedAt: Date;
      readonly timeTakenMs: number;
    };

/** What a deletion keeps for fairness (no personal data), each part expiring on its own. */
export interface FairnessKeep {
  /** Today, when today's question was answered: kept until the day is over. */
  readonly answeredDay: string | null;
  /** The open contest round, when attempts were used in it: kept until the contest closes. */
  readonly contest: { readonly contestId: string; readonly round: string; readonly closesOn: string } | null;
}

export interface StepResult {
  /** `null` when nothing of the person is to be kept (after "delete my data"). */
  readonly state: DialogueState | null;
  readonly messages: OutboundMessage[];
  readonly effects: Effect[];
}

/** Version of the consent text in content/locales/<lng>/conversation.json (consent.*). */
export const CONSENT_VERSION = '2026-12';
