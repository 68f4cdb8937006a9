import type { Models } from '../db/index.js';
import type { Clock, InboundEvent } from '../domain/index.js';

/** A delivered/read receipt: the channel's `delivered` / `read` inbound events, or the same fields. */
export type ReceiptEvent = Pick<
  Extract<InboundEvent, { kind: 'delivered' | 'read' }>,
  'kind' | 'bot' | 'channel' | 'userId' | 'messageIds' | 'watermark' | 'at'
>;

/**
 * Messenger `read`/`delivery` and Zalo `user_seen_message`/`user_received_message`: marks the
 * matching deliveries read or delivered, by platform message id or by watermark time. Returns how many.
 */
export async function markReceipt(models: Models, clock: Clock, event: ReceiptEvent): Promise<number> {
  const p = await models.Participant.findOne({ bot: event.bot, channel: event.channel, userId: event.userId }).select('_id').lean();
  if (!p) return 0;
  const field = event.kind === 'read' ? 'readAt' : 'deliveredAt';
  const at = event.at ?? clock();
  let n = 0;
  if (event.messageIds.length) {
    const r = await models.Delivery.updateMany({ participantId: p._id, messageIds: { $in: [...event.messageIds] }, [field]: null }, { $set: { [field]: at } });
    n += r.modifiedCount;
  }
  if (event.watermark) {
    const r = await models.Delivery.updateMany(
      { participantId: p._id, status: 'sent', sentAt: { $lte: event.watermark }, [field]: null },
      { $set: { [field]: at } },
    );
    n += r.modifiedCount;
  }
  return n;
}
