/**
 * Zalo OA v3 webhook bodies shaped as documented (https://developers.zalo.me/docs/official-account/webhook/).
 * Used by tests and the fake platform.
 */
export const APP_ID = '4300000000000000001';
export const OA_ID = '2500000000000000001';

export function zaloText(userId: string, text: string, opts: { msgId?: string; timestamp?: number } = {}) {
  const timestamp = String(opts.timestamp ?? Date.now());
  return {
    app_id: APP_ID,
    user_id_by_app: `app_${userId}`,
    event_name: 'user_send_text',
    timestamp,
    sender: { id: userId },
    recipient: { id: OA_ID },
    message: { text, msg_id: opts.msgId ?? `zmsg_${userId}_${timestamp}_${Math.random().toString(36).slice(2)}` },
  };
}

export const zaloFixtures = {
  text: zaloText('8001', 'Xin chào', { msgId: 'z_text_1', timestamp: 1700000000000 }),
  choice: zaloText('8001', '#answer:q1:B', { msgId: 'z_choice_1', timestamp: 1700000000000 }),
  image: {
    app_id: APP_ID,
    event_name: 'user_send_image',
    timestamp: '1700000000000',
    sender: { id: '8001' },
    recipient: { id: OA_ID },
    message: { msg_id: 'z_img_1', attachments: [{ type: 'image', payload: { url: 'https://zalo.example/1.jpg' } }] },
  },
  sticker: {
    app_id: APP_ID,
    event_name: 'user_send_sticker',
    timestamp: '1700000000000',
    sender: { id: '8001' },
    recipient: { id: OA_ID },
    message: { msg_id: 'z_sticker_1', attachments: [{ type: 'sticker', payload: { id: '1' } }] },
  },
  follow: {
    app_id: APP_ID,
    oa_id: OA_ID,
    event_name: 'follow',
    timestamp: '1700000000000',
    follower: { id: '8001' },
    source: 'oa_profile',
    user_id_by_app: 'app_8001',
  },
  unfollow: {
    app_id: APP_ID,
    oa_id: OA_ID,
    event_name: 'unfollow',
    timestamp: '1700000000500',
    follower: { id: '8001' },
    source: 'oa_profile',
    user_id_by_app: 'app_8001',
  },
  chatNow: { app_id: APP_ID, oa_id: OA_ID, event_name: 'user_click_chatnow', timestamp: '1700000000000', user_id: '8001', user_id_by_app: 'app_8001' },
  received: {
    app_id: APP_ID,
    event_name: 'user_received_message',
    timestamp: '1700000001000',
    sender: { id: OA_ID },
    recipient: { id: '8001' },
    message: { msg_ids: ['z_out_1'] },
  },
  seen: {
    app_id: APP_ID,
    event_name: 'user_seen_message',
    timestamp: '1700000002000',
    sender: { id: OA_ID },
    recipient: { id: '8001' },
    message: { msg_ids: ['z_out_1', 'z_out_2'] },
  },
  oaSendText: {
    app_id: APP_ID,
    event_name: 'oa_send_text',
    timestamp: '1700000000000',
    sender: { id: OA_ID },
    recipient: { id: '8001' },
    message: { text: 'hi', msg_id: 'z_oa_1' },
  },
} as const;
