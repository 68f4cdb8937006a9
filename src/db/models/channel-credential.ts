import { Schema } from 'mongoose';

/**
 * Tokens and sessions a channel obtains at run time (not from the environment): the Zalo OA
 * access/refresh pair (refresh tokens are single use, so both are always written in one update)
 * and the zca-js session. `_id` is `<bot>:<channel>`.
 */
export interface ChannelCredential {
  _id: string;
  bot: string;
  channel: 'zalo_oa' | 'zalo_personal';
  accessToken: string | null;
  refreshToken: string | null;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
  /** zca-js: cookies as serialised by tough-cookie, imei and the user agent of the QR login. */
  session: { cookie: unknown; imei: string; userAgent: string } | null;
  updatedAt: Date;
}

export const channelCredentialSchema = new Schema<ChannelCredential>(
  {
    _id: { type: String, required: true },
    bot: { type: String, required: true },
    channel: { type: String, required: true, enum: ['zalo_oa', 'zalo_personal'] },
    accessToken: { type: String, default: null },
    refreshToken: { type: String, default: null },
    accessExpiresAt: { type: Date, default: null },
    refreshExpiresAt: { type: Date, default: null },
    session: { type: Schema.Types.Mixed, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'channel_credentials', minimize: false, versionKey: false },
);
