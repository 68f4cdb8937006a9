import { createI18n, type Translate } from '../../../src/i18n/index.js';
import { botSchema, type BotConfig } from '../../../src/content/schema.js';
import {
  NEW_PARTICIPANT,
  step,
  viewsFor,
  intentOf,
  type DialogueState,
  type Effect,
  type ParticipantFacts,
  type QuizQuestion,
  type Views,
} from '../../../src/conversation/index.js';
import { participantKey, type ChannelName, type InboundEvent, type OutboundMessage } from '../../../src/domain/index.js';
import { optionOrder, type FactIndex, type UnitInfo } from '../../../src/quiz/index.js';

/** A small bot with a weekly-free, single-round contest open in June 2023. */
export const bot: BotConfig = botSchema.parse({
  id: 'test-bot',
  name: { vi: 'Bot thử nghiệm', en: 'Test bot' },
  organisation: { vi: 'Công đoàn thử nghiệm', en: 'Test union' },
  dailyQuestion: { cron: '0 8 * * *' },
  topics: ['laws'],
  units: 'test-units',
  // For invitation links (m.me/<page>?ref=…, zalo.me/<oa_id>).
  channels: { messenger: { page: 'botthunghiem' }, zalo_oa: { oaId: '2500000000000000001' } },
  contest: {
    id: 'test-contest',
    title: { vi: 'Cuộc thi thử', en: 'Test contest' },
    window: { start: '2023-06-01', end: '2023-06-30' },
    questionsPerAttempt: 3,
    timeLimitMinutes: 5,
    attemptsPerRound: 2,
    prizes: { individual: { first: 1, second: 2, third: 2, consolation: 3 }, collective: { first: 1, second: 1, third: 1, consolation: 1 } },
  },
});

export function question(i: number, answer = 1): QuizQuestion {
  return {
    questionId: `q${i}`,
    revision: `r${i}`,
    topic: 'laws',
    answer,
    vi: {
      question: `Câu hỏi số ${i} về chuyển đổi số?`,
      options: [`Phương án một ${i}`, `Chính quyền số ${i}`, `Kinh tế số ${i}`, `Xã hội số ${i}`],
      explanation: `Giải thích cho câu ${i}.`,
    },
    en: {
      question: `Question number ${i} on digital transformation?`,
      options: [`Option one ${i}`, `Digital government ${i}`, `Digital economy ${i}`, `Digital society ${i}`],
      explanation: `Explanation of question ${i}.`,
    },
    source: {
      vi: `Quyết định 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ (câu ${i})`,
      en: `Decision 749/QĐ-TTg of 3 June 2020 by the Prime Minister (question ${i})`,
    },
  };
}

export const questions: QuizQuestion[] = [1, 2, 3, 4, 5].map((i) => question(i));

export const units: UnitInfo[] = [
  { unitId: 'so-gddt', name: 'CĐCS Sở Giáo dục và Đào tạo', size: 80 },
  { unitId: 'so-yte', name: 'CĐCS Sở Y tế', size: 60 },
  { unitId: 'thpt-1', name: 'CĐCS Trường THPT số 1', size: 40 },
  { unitId: 'thpt-2', name: 'CĐCS Trường THPT số 2', size: 40 },
  { unitId: 'benh-vien', name: 'CĐCS Bệnh viện tỉnh', size: null },
  { unitId: 'bao', name: 'CĐCS Báo tỉnh', size: 20 },
  { unitId: 'dai', name: 'CĐCS Đài Phát thanh – Truyền hình tỉnh', size: 30 },
  { unitId: 'vp', name: 'CĐCS Văn phòng UBND tỉnh', size: 30 },
  { unitId: 'cao-dang', name: 'CĐCS Trường Cao đẳng tỉnh', size: 90 },
  { unitId: 'cdc', name: 'CĐCS Trung tâm Kiểm soát bệnh tật tỉnh', size: 38 },
];

let translate: Translate | undefined;
export async function loadT(): Promise<Translate> {
  translate ??= (await createI18n('content')).t;
  return translate;
}

/** The key of the option order in tests. */
export const TEST_KEY = 'test-member-key';

/** The order member `userId` (on the test bot, Messenger unless told) sees a question's options in: `order[shown] = option`. */
export function orderFor(questionId: string, userId = 'u1', channel: ChannelName = 'messenger', botId = bot.id): number[] {
  return optionOrder(TEST_KEY, participantKey({ bot: botId, channel, userId }), questionId, 4);
}

/** The letter member `userId` sees option `option` (its index in the content) under. */
export function letterFor(questionId: string, option: number, userId = 'u1', channel: ChannelName = 'messenger', botId = bot.id): string {
  return String.fromCharCode(65 + orderFor(questionId, userId, channel, botId).indexOf(option));
}

/** 08:00 on 10 June 2023 in Vietnam. */
export const JUNE_10 = new Date('2023-06-10T01:00:00Z');

let seq = 0;
type Base = { bot: string; channel: 'messenger'; userId: string; eventId: string; at: Date };
const base = (at: Date): Base => ({ bot: bot.id, channel: 'messenger', userId: 'u1', eventId: `e${++seq}`, at });
export const text = (t: string, at = JUNE_10): InboundEvent => ({ ...base(at), kind: 'text', text: t });
export const tap = (payload: string, at = JUNE_10): InboundEvent => ({ ...base(at), kind: 'choice', payload });
/** A tapped button with its title, as Messenger's quick replies and a Zalo hidden button bring it. */
export const tapTitled = (payload: string, title: string, at = JUNE_10): InboundEvent => ({ ...base(at), kind: 'choice', payload, text: title });
export const getStarted = (payload: string, at = JUNE_10): InboundEvent => ({ ...base(at), kind: 'start', payload });
export const other = (kind: 'follow' | 'unfollow' | 'start', at = JUNE_10): InboundEvent => ({ ...base(at), kind }) as InboundEvent;

export const READY: ParticipantFacts = {
  ...NEW_PARTICIPANT,
  known: true,
  consented: true,
  unitId: 'so-yte',
  displayName: 'Lan',
  subscribed: true,
};

/**
 * A member talking to the pure engine, with a tiny in-memory stand-in for the service: effects
 * change the facts the next turn sees, as the database would.
 */
export class Member {
  state: DialogueState = {};
  facts: ParticipantFacts;
  views: Views = {};
  answers: Extract<Effect, { type: 'recordAnswer' }>['answer'][] = [];
  attempts: Effect[] = [];
  ids = 0;
  /** Hỏi đáp's fact index, when a test gives one. */
  factIndex: FactIndex | null = null;

  constructor(
    readonly t: Translate,
    facts: ParticipantFacts = NEW_PARTICIPANT,
    readonly qs: readonly QuizQuestion[] = questions,
  ) {
    this.facts = facts;
  }

  ctx(now: Date) {
    return {
      now,
      timeZone: 'Asia/Ho_Chi_Minh',
      bot,
      questions: this.qs,
      units,
      participant: this.facts,
      t: this.t,
      memberKey: TEST_KEY,
      newId: () => `a${String(++this.ids).padStart(23, '0')}`,
      views: this.views,
      facts: this.factIndex,
    };
  }

  intent(event: InboundEvent): string {
    return intentOf(this.state, event, this.ctx(event.at));
  }

  needs(event: InboundEvent) {
    return viewsFor(this.state, event, this.ctx(event.at));
  }

  send(event: InboundEvent): { messages: OutboundMessage[]; effects: Effect[]; all: string } {
    const r = step(this.state, event, this.ctx(event.at));
    let f = { ...this.facts, known: true };
    for (const e of r.effects) {
      if (e.type === 'setConsent') f = { ...f, consented: true };
      if (e.type === 'setUnit') f = { ...f, unitId: e.unitId };
      if (e.type === 'setDisplayName') f = { ...f, displayName: e.name };
      if (e.type === 'setLocale') f = { ...f, locale: e.locale };
      if (e.type === 'setSubscribed') f = { ...f, subscribed: e.subscribed };
      if (e.type === 'setRecap') f = { ...f, recap: e.recap };
      if (e.type === 'freezeNoticeTold') f = { ...f, freezeNotice: (f.freezeNotice ?? []).filter((d) => !e.days.includes(d)) };
      if (e.type === 'recordAnswer') {
        this.answers.push(e.answer);
        if (e.streak) f = { ...f, streak: e.streak };
      }
      if (e.type === 'startAttempt' || e.type === 'finishAttempt') this.attempts.push(e);
    }
    if (r.effects.some((e) => e.type === 'deleteData')) {
      f = NEW_PARTICIPANT;
      this.answers = [];
    }
    this.facts = f;
    this.state = r.state ?? {};
    return { messages: r.messages, effects: r.effects, all: r.messages.map((m) => m.text).join('\n---\n') };
  }

  /** Consent, unit and name, in one go. */
  onboard(at = JUNE_10): void {
    this.send(text('Bắt đầu', at));
    this.send(tap('CONSENT|yes', at));
    this.send(tap('UNIT|so-yte', at));
    this.send(text('Lan', at));
  }
}
