import { z } from 'zod';

/**
 * Messenger webhook shapes, as documented at
 * https://developers.facebook.com/docs/messenger-platform/webhooks and the "webhook events" reference.
 * Only the fields we read are declared; everything else passes through.
 */
const id = z.union([z.string(), z.number()]).transform(String);

/** https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/messaging_referrals */
const referralSchema = z.looseObject({ ref: z.string().optional(), source: z.string().optional(), type: z.string().optional() });

export const messagingSchema = z.looseObject({
  sender: z.looseObject({ id }),
  recipient: z.looseObject({ id }).optional(),
  timestamp: z.number().optional(),
  message: z
    .looseObject({
      mid: z.string(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.looseObject({ payload: z.string() }).optional(),
      attachments: z.array(z.looseObject({ type: z.string() })).optional(),
    })
    .optional(),
  postback: z.looseObject({ title: z.string().optional(), payload: z.string(), mid: z.string().optional(), referral: referralSchema.optional() }).optional(),
  /** An m.me link, ad or code followed by someone who already has a conversation with the page. */
  referral: referralSchema.optional(),
  delivery: z.looseObject({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.looseObject({ watermark: z.number() }).optional(),
  /**
   * Send-to-Messenger plugin opt-ins, and `notification_messages` (marketing messages) opt-ins:
   * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_optins
   */
  optin: z
    .looseObject({
      ref: z.string().optional(),
      payload: z.string().optional(),
      type: z.string().optional(),
      notification_messages_token: z.string().optional(),
      notification_messages_frequency: z.string().optional(),
      notification_messages_timezone: z.string().optional(),
      /** Seconds or milliseconds, a number or a string: the reference shows "TIMESTAMP". */
      token_expiry_timestamp: z.union([z.number(), z.string()]).optional(),
      user_token_status: z.string().optional(),
      notification_messages_status: z.string().optional(),
      title: z.string().optional(),
    })
    .optional(),
});
export type MessengerMessaging = z.infer<typeof messagingSchema>;

export const webhookSchema = z.looseObject({
  object: z.string(),
  entry: z.array(z.looseObject({ id: id.optional(), time: z.number().optional(), messaging: z.array(z.unknown()).optional() })),
});

/** Send API message bodies we produce. */
export type MessengerQuickReply = { content_type: 'text'; title: string; payload: string };
export type MessengerButton = { type: 'web_url'; url: string; title: string } | { type: 'postback'; title: string; payload: string };
/** The marketing-messages opt-in request (docs/reach.md §1.4 "Opt-in Requests"). */
export interface NotificationMessagesTemplate {
  template_type: 'notification_messages';
  title: string;
  payload: string;
  notification_messages_timezone: string;
  notification_messages_cta_text: 'GET_UPDATES';
}
export type MessengerMessage =
  | { text: string; quick_replies?: MessengerQuickReply[] }
  | { attachment: { type: 'template'; payload: { template_type: 'button'; text: string; buttons: MessengerButton[] } } }
  | { attachment: { type: 'template'; payload: NotificationMessagesTemplate } }
  /** An image attachment by URL (Send API `attachment.type: image`). */
  | { attachment: { type: 'image'; payload: { url: string; is_reusable: boolean } } };

/** Graph API error body: https://developers.facebook.com/docs/graph-api/guides/error-handling */
export interface GraphErrorBody {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; fbtrace_id?: string };
}

/** Postback payload of the Get Started button (set by `messenger setup`). */
export const GET_STARTED_PAYLOAD = 'GET_STARTED';

/** Platform limits: https://developers.facebook.com/docs/messenger-platform/send-messages/quick-replies */
export const MESSENGER_LIMITS = { text: 2000, quickReplies: 13, quickReplyTitle: 20, buttonText: 640, buttonTitle: 20 } as const;

/**
 * Marketing Message API templates (docs/reach.md §1.4): a text "up to 640 characters", a button
 * template with at most 3 buttons (error 2300026 past three).
 */
export const MARKETING_LIMITS = { text: 640, buttons: 3 } as const;
