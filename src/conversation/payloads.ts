import type { PracticeLevel } from '../quiz/index.js';

/**
 * Button payloads are self-describing, so a tap works without stored state (a pushed daily
 * question can be answered days later and is then recognised as expired).
 */

export const COMMANDS = [
  'start',
  'today',
  'practice',
  'score',
  'leaderboard',
  'unit',
  'contest',
  'standing',
  'remind_on',
  'remind_off',
  /** What the member receives and by which path (src/conversation/reach.ts). */
  'reach',
  'delete',
  'help',
  'language',
  'mistakes',
  'invite',
  /** The weekly recap off ("Dừng tổng kết") and on ("Nhận tổng kết"), issue 19 item 4. */
  'recap_off',
  'recap_on',
] as const;
export type Command = (typeof COMMANDS)[number];

export type AnswerPayload = {
  readonly questionId: string;
  readonly revision: string;
  readonly mode: 'daily' | 'practice' | 'contest';
  /** The day of a daily or practice question; the attempt id of a contest question. */
  readonly ref: string;
  /** The option's identity: its index in the content, whatever position it was shown at. */
  readonly index: number;
};

export type Payload =
  | { readonly kind: 'command'; readonly command: Command }
  | { readonly kind: 'language'; readonly locale: 'vi' | 'en' }
  | { readonly kind: 'consent'; readonly yes: boolean }
  | { readonly kind: 'delete'; readonly yes: boolean }
  | { readonly kind: 'unit'; readonly unitId: string }
  | { readonly kind: 'unitPage'; readonly page: number }
  /** "Giữ nguyên": keep the unit while choosing another. */
  | { readonly kind: 'unitKeep' }
  /** A choice of an organiser's broadcast (`BROADCAST_CHOICE_<n>` from src/outreach): its title says what it means. */
  | { readonly kind: 'broadcastChoice'; readonly n: number }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'leaderboard'; readonly board: 'individual' | 'units'; readonly period: 'today' | 'week' | 'all' }
  | { readonly kind: 'contestBegin' }
  /** A practice set: `level` absent = the topic was chosen, levels are offered next. Topic `all` = every topic. */
  | { readonly kind: 'practiceSet'; readonly topic: string; readonly level: PracticeLevel | null }
  /** Back to the running practice set. */
  | { readonly kind: 'practiceResume' }
  /** The review of mistakes of the last practice set (`set`) or of a contest attempt (its id). */
  | { readonly kind: 'review'; readonly of: 'set' | { readonly attemptId: string } }
  /** Ask Meta's opt-in for messages outside 24 hours (Messenger). */
  | { readonly kind: 'optInAsk' }
  /** "Remind me" on a campaign reminder: `campaign/event/YYYY-MM-DD`. */
  | { readonly kind: 'eventSignUp'; readonly eventKey: string }
  | ({ readonly kind: 'answer' } & AnswerPayload);

export const payload = {
  command: (c: Command) => `CMD|${c}`,
  language: (l: 'vi' | 'en') => `LANG|${l}`,
  consent: (yes: boolean) => `CONSENT|${yes ? 'yes' : 'no'}`,
  delete: (yes: boolean) => `DELETE|${yes ? 'yes' : 'no'}`,
  unit: (id: string) => `UNIT|${id}`,
  unitPage: (page: number) => `UNITPAGE|${page}`,
  unitKeep: () => 'UNITKEEP',
  anonymous: () => 'NAME|anon',
  leaderboard: (board: 'individual' | 'units', period: 'today' | 'week' | 'all') => `LB|${board}|${period}`,
  contestBegin: () => 'CONTEST|begin',
  practiceSet: (topic: string, level: PracticeLevel | null = null) => (level === null ? `PSET|${topic}` : `PSET|${topic}|${level}`),
  practiceResume: () => 'PSET|resume',
  review: (of: 'set' | { readonly attemptId: string }) => (of === 'set' ? 'REVIEW|set' : `REVIEW|${of.attemptId}`),
  optInAsk: () => 'OPTIN|ask',
  /** The same as `eventSignUpPayload` in src/domain, which outreach puts on reminders. */
  eventSignUp: (key: string) => `EVENT|${key}`,
  answer: (a: AnswerPayload) => `ANS|${a.questionId}|${a.revision}|${a.mode}|${a.ref}|${a.index}`,
};

/** Reads a payload we produced; anything else (a platform's own payload, a tampered one) is null. */
export function parsePayload(raw: string): Payload | null {
  // Messenger's persistent menu (src/channels messenger profile) sends `cmd:<name>`.
  if (raw.startsWith('cmd:')) {
    const name = raw.slice(4) === 'stop' ? 'remind_off' : raw.slice(4);
    return (COMMANDS as readonly string[]).includes(name) ? { kind: 'command', command: name as Command } : null;
  }
  const broadcast = /^BROADCAST_CHOICE_(\d{1,2})$/.exec(raw);
  if (broadcast) return { kind: 'broadcastChoice', n: Number(broadcast[1]) };
  if (raw === 'UNITKEEP') return { kind: 'unitKeep' };
  const parts = raw.split('|', 7);
  const [head, a, b, c, d, e] = parts;
  switch (head) {
    case 'CMD':
      return (COMMANDS as readonly string[]).includes(a ?? '') ? { kind: 'command', command: a as Command } : null;
    case 'LANG':
      return a === 'vi' || a === 'en' ? { kind: 'language', locale: a } : null;
    case 'CONSENT':
      return a === 'yes' || a === 'no' ? { kind: 'consent', yes: a === 'yes' } : null;
    case 'DELETE':
      return a === 'yes' || a === 'no' ? { kind: 'delete', yes: a === 'yes' } : null;
    case 'UNIT':
      return a ? { kind: 'unit', unitId: a } : null;
    case 'UNITPAGE':
      return a && /^\d{1,4}$/.test(a) ? { kind: 'unitPage', page: Number(a) } : null;
    case 'NAME':
      return a === 'anon' ? { kind: 'anonymous' } : null;
    case 'LB':
      return (a === 'individual' || a === 'units') && (b === 'today' || b === 'week' || b === 'all') ? { kind: 'leaderboard', board: a, period: b } : null;
    case 'CONTEST':
      return a === 'begin' ? { kind: 'contestBegin' } : a === 'standing' ? { kind: 'command', command: 'standing' } : null;
    case 'PSET':
      if (a === 'resume' && parts.length === 2) return { kind: 'practiceResume' };
      if (!a || !/^[a-z0-9][a-z0-9-]{0,60}$/.test(a) || parts.length > 3) return null;
      if (b === undefined) return { kind: 'practiceSet', topic: a, level: null };
      return b === 'mixed' || b === '1' || b === '2' || b === '3'
        ? { kind: 'practiceSet', topic: a, level: b === 'mixed' ? 'mixed' : (Number(b) as 1 | 2 | 3) }
        : null;
    case 'REVIEW':
      if (a === 'set' && parts.length === 2) return { kind: 'review', of: 'set' };
      return a && /^[0-9a-f]{24}$/.test(a) && parts.length === 2 ? { kind: 'review', of: { attemptId: a } } : null;
    case 'OPTIN':
      return a === 'ask' ? { kind: 'optInAsk' } : null;
    case 'EVENT':
      return a && /^[a-z0-9-]+\/[a-z0-9-]+\/\d{4}-\d{2}-\d{2}$/.test(a) ? { kind: 'eventSignUp', eventKey: a } : null;
    case 'ANS':
      if (parts.length !== 6 || !a || !b || !d || !e || !/^\d$/.test(e)) return null;
      if (c !== 'daily' && c !== 'practice' && c !== 'contest') return null;
      return { kind: 'answer', questionId: a, revision: b, mode: c, ref: d, index: Number(e) };
    default:
      return null;
  }
}
