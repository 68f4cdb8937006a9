import { Schema } from 'mongoose';

/** A reply the bot sent on the `web` channel (the admin's simulator page reads them back). */
export interface WebMessage {
  bot: string;
  userId: string;
  at: Date;
  text: string;
  choices: { title: string; payload: string }[];
  link: { title: string; url: string } | null;
  /** A picture (a certificate) shown above the text. */
  image?: { url: string; alt: string } | null;
}

export const webMessageSchema = new Schema<WebMessage>(
  {
    bot: { type: String, required: true },
    userId: { type: String, required: true },
    at: { type: Date, required: true },
    text: { type: String, required: true },
    choices: { type: [{ title: String, payload: String, _id: false }], default: [] },
    link: { type: new Schema({ title: String, url: String }, { _id: false }), default: null },
    image: { type: new Schema({ url: String, alt: String }, { _id: false }), default: null },
  },
  { collection: 'web_messages', versionKey: false },
);

webMessageSchema.index({ bot: 1, userId: 1, at: 1 });
// Retention (src/db/retention.ts) deletes old messages by age.
webMessageSchema.index({ at: 1 });
