import type { OutboundMessage } from '../../domain/index.js';
import { numberedOptions, splitText } from '../text.js';
import { ZALO_CHOICE_PREFIX, ZALO_LIMITS as L, type ZaloButton, type ZaloMessage } from './types.js';

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
