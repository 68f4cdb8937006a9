import type { OutboundMessage } from '../../domain/index.js';
import { fetchableImage, numberedOptions, splitText } from '../text.js';

/** Zalo text messages are limited; keep pieces well under it. */
export const ZALO_PERSONAL_TEXT_LIMIT = 2000;

/** Pure: plain text pieces; choices numbered, a link on its own line. */
export function renderZaloPersonal(message: OutboundMessage): string[] {
  let text = message.text;
  if (message.choices?.length) text = `${text}\n\n${numberedOptions(message.choices.map((c) => c.title))}`;
  if (message.link) text = `${text}\n${message.link.title}: ${message.link.url}`;
  // The channel sends a picture as an attachment first; one it could not read is named with its link.
  const image = fetchableImage(message);
  if (image) text = `${image.alt}: ${image.url}\n\n${text}`;
  return splitText(text, ZALO_PERSONAL_TEXT_LIMIT);
}
