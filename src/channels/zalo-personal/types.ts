import type { Model } from 'mongoose';
import type { BotConfig } from '../../content/index.js';
import type { ChannelCredential } from '../../db/index.js';
import type { InboundEvent } from '../../domain/index.js';
import type { Logger } from '../../log/index.js';
/** A zca-js session kept in the database after the one QR login. */
export interface ZaloPersonalSession {
  readonly cookie: unknown;
  readonly imei: string;
  readonly userAgent: string;
}

/** A group message seen by the logged-in account. */
export interface ZaloPersonalIncoming {
  readonly msgId: string;
  readonly groupId: string;
  readonly fromId: string;
  /** Plain text, or null for stickers, images, files... */
  readonly text: string | null;
  readonly at: Date;
  readonly isSelf: boolean;
}

/** A picture's bytes and name, as zca-js uploads an attachment. */
export interface ZaloPersonalPicture {
  readonly data: Buffer;
  /** With its extension: zca-js picks the upload kind from it. */
  readonly filename: string;
}

/**
 * The narrow part of zca-js we use, so tests run with a fake. zca-js is unofficial: keep this small.
 */
export interface ZaloPersonalClient {
  /** Logs in with a stored session. Throws when the session is no longer valid. */
  login(session: ZaloPersonalSession): Promise<void>;
  /** Starts listening; `onClose` fires when the connection drops (we reconnect with backoff). */
  listen(onMessage: (m: ZaloPersonalIncoming) => void, onClose: (reason: string) => void): void;
  sendMessage(groupId: string, text: string): Promise<{ messageId: string }>;
  /** A picture as an attachment (zca-js `attachments` with the bytes, as a photo message). */
  sendImage(groupId: string, picture: ZaloPersonalPicture): Promise<{ messageId: string }>;
  stop(): void;
}

export interface ZaloPersonalDeps {
  readonly bots: ReadonlyMap<string, BotConfig>;
  readonly model: Model<ChannelCredential>;
  readonly logger: Logger;
  readonly createClient: () => ZaloPersonalClient;
  /** Reconnect backoff: first delay and ceiling. */
  readonly backoffMs?: { first: number; max: number };
  /** Reads a picture the message names by address (our own /media or /certificates); default `fetchPicture`. */
  readonly fetchPicture?: (url: string) => Promise<ZaloPersonalPicture | null>;
}

/** Where received group messages go (the inbox). */
export type ZaloPersonalIngest = (events: InboundEvent[]) => Promise<unknown>;
