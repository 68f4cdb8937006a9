import type { OutboundMessage } from '../../domain/index.js';
import { fetchableImage, numberedOptions, splitText } from '../text.js';
import { MARKETING_LIMITS, MESSENGER_LIMITS as L, type MessengerButton, type MessengerMessage, type MessengerQuickReply } from './types.js';

/** The time zone Meta shows in the opt-in request (the members' own). */
const OPT_IN_TIMEZONE = 'Asia/Ho_Chi_Minh';

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
  const image = fetchableImage(message);
  if (image) out.unshift({ attachment: { type: 'image', payload: { url: image.url, is_reusable: false } } });
  if (message.optInRequest) out.push(optInTemplate(message.optInRequest));
  return out;
}

/**
 * Meta's marketing-messages opt-in request: a card with the title and Meta's own "Get updates"
 * button; tapping it sends a `messaging_optins` webhook with the subscription token.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger (Grow your audience)
 */
function optInTemplate(request: NonNullable<OutboundMessage['optInRequest']>): MessengerMessage {
  return {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'notification_messages',
        title: request.title,
        payload: request.payload,
        notification_messages_timezone: OPT_IN_TIMEZONE,
        notification_messages_cta_text: 'GET_UPDATES',
      },
    },
  };
}

/**
 * Pure: a message as one Marketing Message API template, or null when it does not fit (the text
 * is over 640 characters). Up to three choices become postback buttons (they come back as `choice`
 * events and reopen the 24-hour window), a link a URL button; with more choices the member types the
 * answer, so options not already written in the text (short labels such as the quiz's A–D are) are
 * numbered into it.
 */
export function renderMarketing(message: OutboundMessage): MessengerMessage | null {
  const choices = message.choices ?? [];
  const buttons: MessengerButton[] = [];
  let text = message.text;
  const room = MARKETING_LIMITS.buttons - (message.link ? 1 : 0);
  if (choices.length > 0 && choices.length <= room) {
    for (const c of choices) buttons.push({ type: 'postback', title: truncate(c.title, L.buttonTitle), payload: c.payload });
  } else if (choices.length > 0 && !choices.every((c) => [...c.title].length <= 2)) {
    text = `${text}\n\n${numberedOptions(choices.map((c) => c.title))}`;
  }
  if (message.link) buttons.push({ type: 'web_url', url: message.link.url, title: truncate(message.link.title, L.buttonTitle) });
  if ([...text].length > MARKETING_LIMITS.text) return null;
  return buttons.length ? { attachment: { type: 'template', payload: { template_type: 'button', text, buttons } } } : { text };
}

function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}
