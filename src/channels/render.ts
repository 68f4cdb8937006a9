import type { ChannelName, OutboundMessage } from '../domain/index.js';
import { renderMessenger } from './messenger/index.js';
import { renderZalo } from './zalo-oa/index.js';
import { renderZaloPersonal } from './zalo-personal/index.js';

/** What a message becomes on a platform, for previews: the payload its adapter would send. */
export function renderFor(channel: ChannelName, message: OutboundMessage): unknown {
  switch (channel) {
    case 'messenger':
      return renderMessenger(message);
    case 'zalo_oa':
      return renderZalo(message);
    case 'zalo_personal':
      return renderZaloPersonal(message);
    case 'web':
      return message;
  }
}
