import type { OutboundMessage } from '../../domain/index.js';
import { numberedOptions, splitText } from '../text.js';
import { MESSENGER_LIMITS as L, type MessengerMessage, type MessengerQuickReply } from './types.js';

/**
 * Pure: one platform-neutral message to the Send API messages that show it, in order.
 * Long text is split on sentence boundaries; choices become quick replies on the last piece
 * (numbered text plus number buttons when a title is too long, numbered text alone past 13);
 * a link becomes a URL button when it fits, else a line of text; an image is an image attachment first.
 */
export function renderMessenger(message: OutboundMessage): MessengerMessage[] {
  const choices = message.choices ?? [];
  let text = message.text;
  let quickReplies: MessengerQuickReply[] | undefined;
  if (choices.length > 0) {
    const fits = choices.length <= L.quickReplies && choices.every((c) => [...c.title].length <= L.quickReplyTitle);
    if (fits) {
      quickReplies = choices.map((c) => ({ content_type: 'text', title: c.title, payload: c.payload }));
    } else {
      text = `${text}\n\n${numberedOptions(choices.map((c) => c.title))}`;
      if (choices.length <= L.quickReplies) {
        quickReplies = choices.map((c, i) => ({ content_type: 'text', title: String(i + 1), payload: c.payload }));
      }
    }
  }
  const link = message.link;
  const useButton = link !== undefined && choices.length === 0;
  if (link && !useButton) text = `${text}\n${link.title}: ${link.url}`;

  const pieces = splitText(text, useButton ? L.text : L.text);
  const out: MessengerMessage[] = pieces.map((p) => ({ text: p }));
  const last = pieces.length - 1;
  if (quickReplies) out[last] = { text: pieces[last]!, quick_replies: quickReplies };
  if (useButton && link) {
    const lastText = pieces[last]!;
    const button = { type: 'web_url' as const, url: link.url, title: truncate(link.title, L.buttonTitle) };
    if (lastText.length <= L.buttonText) {
      out[last] = { attachment: { type: 'template', payload: { template_type: 'button', text: lastText, buttons: [button] } } };
    } else {
      out.push({ attachment: { type: 'template', payload: { template_type: 'button', text: link.title.slice(0, L.buttonText), buttons: [button] } } });
    }
  }
  // A picture goes first, as an image attachment fetched by Messenger from its URL.
  if (message.image) out.unshift({ attachment: { type: 'image', payload: { url: message.image.url, is_reusable: false } } });
  return out;
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
