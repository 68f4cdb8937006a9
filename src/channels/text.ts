import type { OutboundMessage } from '../domain/index.js';
import { createHash } from 'node:crypto';

/** A stable id for events the platform gives no id (deliveries, reads, follows): the hash of the event. */
export function eventHash(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/**
 * The picture of a message a platform can fetch: one at an absolute http(s) address. Without
 * PUBLIC_URL a question's picture has only this server's path, which the simulator (same origin)
 * shows and the platforms leave out.
 */
export function fetchableImage(message: OutboundMessage): OutboundMessage['image'] {
  return message.image && /^https?:\/\//i.test(message.image.url) ? message.image : undefined;
}

const SENTENCE_END = /[.!?…。]["')\]]*\s+|\n+/g;

/**
 * Splits a long text into pieces of at most `limit` characters, cutting after the last sentence end
 * (or line break) that fits, else the last space, else hard. Pure.
 */
export function splitText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    let cut = -1;
    for (const m of window.matchAll(SENTENCE_END)) {
      const end = m.index + m[0].length;
      if (m.index + 1 <= limit && m.index > 0) cut = Math.min(end, limit);
    }
    if (cut <= 0) cut = window.lastIndexOf(' ');
    if (cut <= 0) cut = limit;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** `1. Title` lines, for options a platform cannot show as buttons. */
export function numberedOptions(titles: readonly string[]): string {
  return titles.map((t, i) => `${i + 1}. ${t}`).join('\n');
}
