import type { OutboundMessage } from '../../domain/index.js';
import { numberedOptions, splitText } from '../text.js';
import type { Locale } from '../../domain/index.js';
import { ZALO_CHOICE_PREFIX, ZALO_LIMITS as L, ZALO_PROMOTION_LIMITS as P, type ZaloButton, type ZaloMessage, type ZaloPromotionMessage } from './types.js';

/**
 * Pure: one platform-neutral message to the `message` bodies of `/v3.0/oa/message/cs`, in order.
 * Choices become `oa.query.show` buttons on the last piece (their payload comes back as the person's
 * text, prefixed `#`); past five buttons they are numbered in the text. A link is an `oa.open.url` button.
 */
export function renderZalo(message: OutboundMessage): ZaloMessage[] {
  const choices = message.choices ?? [];
  let text = message.text;
  const buttons: ZaloButton[] = [];
  const room = L.buttons - (message.link ? 1 : 0);
  if (choices.length > 0 && choices.length <= room) {
    for (const c of choices) buttons.push({ title: c.title.slice(0, L.buttonTitle), type: 'oa.query.show', payload: `${ZALO_CHOICE_PREFIX}${c.payload}` });
  } else if (choices.length > 0) {
    text = `${text}\n\n${numberedOptions(choices.map((c) => c.title))}`;
  }
  if (message.link) buttons.push({ title: message.link.title.slice(0, L.buttonTitle), type: 'oa.open.url', payload: { url: message.link.url } });
  const pieces = splitText(text, L.text);
  const out: ZaloMessage[] = pieces.map((p) => ({ text: p }));
  if (buttons.length) {
    const last = pieces.length - 1;
    out[last] = { text: pieces[last]!, attachment: { type: 'template', payload: { buttons } } };
  }
  return out;
}

/**
 * Pure: a message as one promotion template (tin Truyền thông, docs/reach.md §2.4): the first line
 * as the header, the rest as the text, choices as `oa.query.show` buttons as in `renderZalo`; null
 * when it does not fit the template's limits.
 */
export function renderZaloPromotion(message: OutboundMessage, locale: Locale = 'vi'): ZaloPromotionMessage | null {
  const [first = '', ...rest] = message.text.trim().split('\n');
  const choices = message.choices ?? [];
  const room = P.buttons - (message.link ? 1 : 0);
  let body = rest.join('\n').trim();
  if (choices.length > room) body = `${body}\n\n${numberedOptions(choices.map((c) => c.title))}`.trim();
  if ([...first].length > P.header || [...body].length > P.text) return null;
  const buttons: ZaloButton[] =
    choices.length <= room
      ? choices.map((c) => ({ title: c.title.slice(0, L.buttonTitle), type: 'oa.query.show', payload: `${ZALO_CHOICE_PREFIX}${c.payload}` }))
      : [];
  if (message.link) buttons.push({ title: message.link.title.slice(0, L.buttonTitle), type: 'oa.open.url', payload: { url: message.link.url } });
  return {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'promotion',
        language: locale === 'en' ? 'EN' : 'VI',
        elements: [{ type: 'header', content: first }, ...(body ? [{ type: 'text' as const, content: body }] : [])],
        buttons,
      },
    },
  };
}
