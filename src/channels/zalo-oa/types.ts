import { z } from 'zod';

/**
 * Zalo OA Open API v3 webhook shapes (https://developers.zalo.me/docs/official-account/webhook/...).
 * Ids are strings; `timestamp` is milliseconds as a string. Only the fields we read are declared.
 */
const str = z.union([z.string(), z.number()]).transform(String);

export const zaloWebhookSchema = z.looseObject({
  event_name: z.string(),
  app_id: str.optional(),
  oa_id: str.optional(),
  timestamp: str,
  user_id_by_app: str.optional(),
  sender: z.looseObject({ id: str }).optional(),
  recipient: z.looseObject({ id: str }).optional(),
  follower: z.looseObject({ id: str }).optional(),
  user_id: str.optional(),
  message: z
    .looseObject({
      msg_id: str.optional(),
      text: z.string().optional(),
      msg_ids: z.array(str).optional(),
    })
    .optional(),
});
export type ZaloWebhook = z.infer<typeof zaloWebhookSchema>;

export interface ZaloButton {
  title: string;
  type: 'oa.query.show' | 'oa.query.hide' | 'oa.open.url';
  payload: string | { url: string };
}

/** Body of `message` in `POST /v3.0/oa/message/cs`. */
export type ZaloMessage =
  | { text: string }
  | { text: string; attachment: { type: 'template'; payload: { buttons: ZaloButton[] } } }
  /** An image by URL with a caption (the OA API's `media` template). */
  | { text: string; attachment: { type: 'template'; payload: { template_type: 'media'; elements: [{ media_type: 'image'; url: string }] } } };

/** Every Zalo API answers HTTP 200 with `error` (0 = success). */
export interface ZaloApiResponse {
  error?: number;
  message?: string;
  data?: { message_id?: string; user_id?: string };
}

/**
 * Choice payloads travel as the text of the person's next message. Buttons sent before hidden
 * payloads carried `#<payload>` in a shown message; such taps are still read.
 */
export const ZALO_CHOICE_PREFIX = '#';

/**
 * An `oa.query.hide` button's payload (never shown to the member): `#~` and a JSON object with the
 * choice's payload `p` and title `t`, read back as a `choice` event.
 */
export const ZALO_HIDDEN_PREFIX = '#~';

export const ZALO_LIMITS = { text: 2000, buttons: 5, buttonTitle: 100, payload: 1000 } as const;

/** Body of `message` in `POST /v3.0/oa/message/promotion` (docs/reach.md §2.4). */
export interface ZaloPromotionMessage {
  attachment: {
    type: 'template';
    payload: {
      template_type: 'promotion';
      language: 'VI' | 'EN';
      elements: Array<{ type: 'header' | 'text'; content: string }>;
      buttons: ZaloButton[];
    };
  };
}

/**
 * Promotion template limits. They come from an SDK's documentation (@warriorteam/redai-zalo-sdk),
 * not Zalo's own page (docs/reach.md §2.4): kept in this one place to change when confirmed.
 */
export const ZALO_PROMOTION_LIMITS = { header: 100, text: 1000, buttons: 5 } as const;
