import type { Model } from 'mongoose';
import type { WebMessage } from '../../db/index.js';
import type { Clock } from '../../domain/index.js';
import type { Channel } from '../types.js';

/**
 * The `web` channel behind the admin's simulator page: inbound messages come from its API into the
 * same inbox; replies are stored in `web_messages` and read back by the page.
 */
export function webChannel(deps: { model: Model<WebMessage>; enabled: (botId: string) => boolean; clock: Clock }): Channel {
  return {
    name: 'web',
    enabled: deps.enabled,
    async send(to, message) {
      const doc = {
        bot: to.bot,
        userId: to.userId,
        at: deps.clock(),
        text: message.text,
        choices: (message.choices ?? []).map((c) => ({ title: c.title, payload: c.payload })),
        link: message.link ? { title: message.link.title, url: message.link.url } : null,
        image: message.image ? { url: message.image.url, alt: message.image.alt } : null,
      };
      const res = await deps.model.collection.insertOne(doc as never);
      return { ok: true, messageIds: [String(res.insertedId)] };
    },
  };
}
