import type { Choice, Locale, OutboundMessage } from '../../domain/index.js';
import { fetchableImage, numberedOptions, splitText } from '../text.js';
import { ZALO_HIDDEN_PREFIX, ZALO_LIMITS as L, ZALO_PROMOTION_LIMITS as P, type ZaloButton, type ZaloMessage, type ZaloPromotionMessage } from './types.js';

/**
 * One choice as a Zalo button. A tapped `oa.query.show` button puts its payload in the member's own
 * chat bubble, so a shown payload is only ever the member's words (`reply`: the option's text,
 * "Đồng ý"), which the conversation resolves in context. A choice without such words goes as
 * `oa.query.hide` (nothing shown), carrying its payload and title for us to read back.
 */
function button(c: Choice, title: string): ZaloButton {
  if (c.reply) return { title, type: 'oa.query.show', payload: c.reply.slice(0, L.payload) };
  return { title, type: 'oa.query.hide', payload: `${ZALO_HIDDEN_PREFIX}${JSON.stringify({ p: c.payload, t: c.title })}`.slice(0, L.payload) };
}

/**
 * Pure: one platform-neutral message to the `message` bodies of `/v3.0/oa/message/cs`, in order.
 * Up to five choices are buttons on the last piece of text. More are sent as several messages of at
 * most five buttons, each button numbered ("6. …"), so a typed number still picks one. A link is an
 * `oa.open.url` button.
 */
export function renderZalo(message: OutboundMessage): ZaloMessage[] {
  const choices = message.choices ?? [];
  const numbered = choices.length > L.buttons || (choices.length > 0 && message.link !== undefined && choices.length + 1 > L.buttons);
  const buttons = choices.map((c, i) => button(c, (numbered ? `${i + 1}. ${c.title}` : c.title).slice(0, L.buttonTitle)));
  const groups: ZaloButton[][] = [];
  for (let i = 0; i < buttons.length; i += L.buttons) groups.push(buttons.slice(i, i + L.buttons));
  const link: ZaloButton[] = message.link
    ? [{ title: message.link.title.slice(0, L.buttonTitle), type: 'oa.open.url', payload: { url: message.link.url } }]
    : [];
  const pieces = splitText(message.text, L.text);
  const out: ZaloMessage[] = pieces.map((p) => ({ text: p }));
  const last = pieces.length - 1;
  const first = groups.shift() ?? [];
  // The link goes with the first buttons when it fits, else in a message of its own at the end.
  const linkFits = first.length + link.length <= L.buttons;
  const withFirst = linkFits ? [...first, ...link] : first;
  if (withFirst.length) out[last] = { text: pieces[last]!, attachment: { type: 'template', payload: { buttons: withFirst } } };
  let shown = first.length;
  for (const group of groups) {
    const range = group.length === 1 ? `${shown + 1}` : `${shown + 1}–${shown + group.length}`;
    out.push({ text: `⋯ ${range}`, attachment: { type: 'template', payload: { buttons: group } } });
    shown += group.length;
  }
  if (!linkFits) out.push({ text: message.link!.title, attachment: { type: 'template', payload: { buttons: link } } });
  // A picture goes first: the OA API's media template with the image URL and its words as the caption.
  const image = fetchableImage(message);
  if (image) {
    out.unshift({
      text: image.alt.slice(0, L.text),
      attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: image.url }] } },
    });
  }
  return out;
}

/**
 * Pure: a message as one promotion template (tin Truyền thông, docs/reach.md §2.4): the first line
 * as the header, the rest as the text, choices as buttons as in `renderZalo`; null
 * when it does not fit the template's limits.
 */
export function renderZaloPromotion(message: OutboundMessage, locale: Locale = 'vi'): ZaloPromotionMessage | null {
  const [first = '', ...rest] = message.text.trim().split('\n');
  const choices = message.choices ?? [];
  const room = P.buttons - (message.link ? 1 : 0);
  let body = rest.join('\n').trim();
  if (choices.length > room) body = `${body}\n\n${numberedOptions(choices.map((c) => c.title))}`.trim();
  if ([...first].length > P.header || [...body].length > P.text) return null;
  const buttons: ZaloButton[] = choices.length <= room ? choices.map((c) => button(c, c.title.slice(0, L.buttonTitle))) : [];
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
