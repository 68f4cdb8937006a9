import { randomUUID } from 'node:crypto';
import express, { type Router } from 'express';
import type { Model } from 'mongoose';
import { Types } from 'mongoose';
import { z } from 'zod';
import type { BotConfig } from '../content/index.js';
import type { WebMessage } from '../db/index.js';
import { invalidInput, InvalidError, NotFoundError, type Clock, type InboundEvent } from '../domain/index.js';
import type { InboxStore } from './inbox/store.js';

const postSchema = z
  .object({
    bot: z.string().min(1),
    userId: z.string().min(1).max(100),
    text: z.string().min(1).max(2000).optional(),
    payload: z.string().min(1).max(1000).optional(),
  })
  .refine((b) => Boolean(b.text) !== Boolean(b.payload), { message: 'give exactly one of text or payload' });

const getSchema = z.object({ bot: z.string().min(1), userId: z.string().min(1), after: z.string().optional() });

/**
 * The `web` channel for the admin's /simulator page: what the page posts goes through the same
 * inbox and worker as a platform's webhook; replies are read back from `web_messages`.
 * Mount it behind the admin's authentication: who may use it (everyone with SIMULATOR_ENABLED,
 * otherwise logged-in admins) is decided there, not here.
 */
export function createSimulatorApi(deps: {
  bots: ReadonlyMap<string, BotConfig>;
  inbox: InboxStore;
  model: Model<WebMessage>;
  clock: Clock;
  onStored: () => void;
}): Router {
  const router = express.Router();
  router.use(express.json({ limit: '100kb' }));

  router.post('/messages', async (req, res) => {
    const parsed = postSchema.safeParse(req.body);
    if (!parsed.success) throw invalidInput(parsed.error, 'message');
    const { bot, userId, text, payload } = parsed.data;
    if (!deps.bots.has(bot)) throw new NotFoundError('bot_not_found', { bot });
    const base = { bot, channel: 'web' as const, userId, eventId: randomUUID(), at: deps.clock() };
    const event: InboundEvent = payload !== undefined ? { ...base, kind: 'choice', payload } : { ...base, kind: 'text', text: text! };
    await deps.inbox.ingest([event]);
    deps.onStored();
    res.status(202).json({ id: event.eventId, at: event.at.toISOString() });
  });

  router.get('/messages', async (req, res) => {
    const parsed = getSchema.safeParse(req.query);
    if (!parsed.success) throw invalidInput(parsed.error, 'query');
    const { bot, userId, after } = parsed.data;
    const filter: Record<string, unknown> = { bot, userId };
    if (after) {
      if (Types.ObjectId.isValid(after) && /^[0-9a-f]{24}$/i.test(after)) filter._id = { $gt: new Types.ObjectId(after) };
      else if (!Number.isNaN(Date.parse(after))) filter.at = { $gt: new Date(after) };
      else throw new InvalidError('simulator_after_invalid');
    }
    const docs = await deps.model.collection.find(filter, { sort: { at: 1, _id: 1 }, limit: 200 }).toArray();
    res.json(
      docs.map((d) => ({
        id: String(d._id),
        at: (d.at as Date).toISOString(),
        text: d.text as string,
        choices: (d.choices as WebMessage['choices']) ?? [],
        link: (d.link as WebMessage['link']) ?? null,
        image: (d.image as WebMessage['image']) ?? null,
      })),
    );
  });
  return router;
}
