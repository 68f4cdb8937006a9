import { eventSignUpPayload, type Locale, type OutboundMessage, type ParticipantRef } from '../domain/index.js';
import type { Broadcast } from '../db/index.js';
import type { Translate } from '../i18n/index.js';

/**
 * Builds today's question for a bot (from the conversation room); null when the bot has none. With
 * `member`, the options are in that member's own order, so it is built per recipient.
 */
export type DailyQuestionMessage = (
  botId: string,
  day: string,
  locale: Locale,
  member?: ParticipantRef,
) => OutboundMessage | null | Promise<OutboundMessage | null>;

/**
 * One member's weekly recap of the week starting `week` (from the conversation room); null when they
 * do not get one (opted out, no answer that week). Built per member: it is their own figures.
 */
export type WeeklyRecapMessage = (botId: string, week: string, locale: Locale, member: ParticipantRef) => Promise<OutboundMessage | null>;

/** Adds the "how to stop reminders" line every broadcast carries, in the member's language. */
export function withStopFooter(message: OutboundMessage, locale: Locale, t: Translate): OutboundMessage {
  return { ...message, text: `${message.text}\n\n${t(locale, 'outreach:footer.stop')}` };
}

/** A manual broadcast's text in a locale, falling back to Vietnamese. Pure. */
export function manualMessage(b: Pick<Broadcast, 'message'>, locale: Locale): OutboundMessage {
  const m = b.message!;
  const text = locale === 'en' && m.en ? m.en : m.vi;
  return {
    text: text.text,
    ...(text.choices.length ? { choices: text.choices.map((c) => ({ title: c.title, payload: c.payload })) } : {}),
    ...(text.link ? { link: { title: text.link.title, url: text.link.url } } : {}),
  };
}

/**
 * The message one participant receives for a broadcast, footer included. Builders are cached per
 * locale by the caller (`MessageCache`), so a batch builds each locale once.
 */
export async function composeMessage(
  b: Pick<Broadcast, 'kind' | 'message' | 'messageRef' | 'daily'> & Partial<Pick<Broadcast, 'eventKey' | 'eventUpdate' | 'recap'>>,
  locale: Locale,
  deps: { t: Translate; dailyQuestionMessage?: DailyQuestionMessage | undefined; weeklyRecapMessage?: WeeklyRecapMessage | undefined },
  member?: ParticipantRef,
): Promise<OutboundMessage | null> {
  let base: OutboundMessage;
  if (b.kind === 'recap' && b.recap) {
    if (!deps.weeklyRecapMessage) throw new Error('weeklyRecapMessage is not wired');
    // The recap carries its own way out ("Dừng tổng kết"), not the reminders' footer.
    return member ? deps.weeklyRecapMessage(b.recap.bot, b.recap.week, locale, member) : null;
  }
  if (b.kind === 'daily' && b.daily) {
    if (!deps.dailyQuestionMessage) throw new Error('dailyQuestionMessage is not wired');
    const question = await deps.dailyQuestionMessage(b.daily.bot, b.daily.day, locale, member);
    if (!question) return null;
    base = question;
  } else if (b.messageRef) {
    const ref = b.messageRef;
    const local = Object.fromEntries(Object.entries(ref.localVars ?? {}).map(([k, v]) => [k, (locale === 'en' ? v.en : undefined) ?? v.vi]));
    base = { text: deps.t(locale, ref.key, { ...ref.vars, ...local, ...(ref.context ? { context: ref.context } : {}) }) };
    // A reminder of an event that will have updates: "remind me" signs the member up, so its
    // updates may reach them on Messenger after 24 hours (CONFIRMED_EVENT_UPDATE, docs/reach.md §1.2).
    if (b.eventKey && b.eventUpdate)
      base = { ...base, choices: [{ title: deps.t(locale, 'outreach:reminder.signUp'), payload: eventSignUpPayload(b.eventKey) }] };
  } else {
    base = manualMessage(b, locale);
  }
  return withStopFooter(base, locale, deps.t);
}

/**
 * Per-batch memo of composed messages by locale. The daily question is built per member instead
 * (`perMember`): each member sees its options in their own order.
 */
export class MessageCache {
  private readonly byKey = new Map<string, Promise<OutboundMessage | null>>();
  constructor(
    private readonly build: (locale: Locale, member?: ParticipantRef) => Promise<OutboundMessage | null>,
    private readonly perMember = false,
  ) {}
  get(locale: Locale, member?: ParticipantRef): Promise<OutboundMessage | null> {
    if (this.perMember && member) return this.build(locale, member);
    let m = this.byKey.get(locale);
    if (!m) {
      m = this.build(locale);
      this.byKey.set(locale, m);
    }
    return m;
  }
}
