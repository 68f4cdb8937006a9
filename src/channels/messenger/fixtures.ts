/**
 * Webhook bodies shaped as Meta documents them
 * (https://developers.facebook.com/docs/messenger-platform/reference/webhook-events/). Used by tests,
 * the fake platform and the benchmark.
 */
export const PAGE_ID = '104000000000001';

export function messengerEnvelope(items: unknown[]): { object: 'page'; entry: unknown[] } {
  return { object: 'page', entry: [{ id: PAGE_ID, time: Date.now(), messaging: items }] };
}

export function messengerText(userId: string, text: string, opts: { mid?: string; timestamp?: number } = {}) {
  const timestamp = opts.timestamp ?? Date.now();
  return messengerEnvelope([
    {
      sender: { id: userId },
      recipient: { id: PAGE_ID },
      timestamp,
      message: { mid: opts.mid ?? `m_${userId}_${timestamp}_${Math.random().toString(36).slice(2)}`, text },
    },
  ]);
}

export function messengerQuickReply(userId: string, text: string, payload: string, mid = `m_qr_${Date.now()}`) {
  return messengerEnvelope([
    { sender: { id: userId }, recipient: { id: PAGE_ID }, timestamp: 1700000000000, message: { mid, text, quick_reply: { payload } } },
  ]);
}

export function messengerPostback(userId: string, payload: string, title = 'Bắt đầu', mid = `m_pb_${Date.now()}`) {
  return messengerEnvelope([{ sender: { id: userId }, recipient: { id: PAGE_ID }, timestamp: 1700000000000, postback: { title, payload, mid } }]);
}

/** A `messaging_optins` webhook of type `notification_messages` with the given fields. */
export function messengerOptin(userId: string, fields: Record<string, unknown>, timestamp = 1700000000000) {
  return messengerEnvelope([
    { sender: { id: userId }, recipient: { id: PAGE_ID }, timestamp, optin: { type: 'notification_messages', payload: 'OPTIN', ...fields } },
  ]);
}

export const messengerFixtures = {
  text: messengerText('6001', 'Xin chào', { mid: 'm_text_1', timestamp: 1700000000000 }),
  quickReply: messengerQuickReply('6001', 'B', 'answer:q1:B', 'm_qr_1'),
  getStarted: messengerPostback('6001', 'GET_STARTED', 'Get Started', 'm_pb_1'),
  postback: messengerPostback('6001', 'cmd:today', 'Câu hỏi hôm nay', 'm_pb_2'),
  image: messengerEnvelope([
    {
      sender: { id: '6001' },
      recipient: { id: PAGE_ID },
      timestamp: 1700000000000,
      message: { mid: 'm_img_1', attachments: [{ type: 'image', payload: { url: 'https://scontent.example/1.jpg' } }] },
    },
  ]),
  echo: messengerEnvelope([
    { sender: { id: PAGE_ID }, recipient: { id: '6001' }, timestamp: 1700000000000, message: { mid: 'm_echo_1', is_echo: true, app_id: 1, text: 'hi' } },
  ]),
  delivery: messengerEnvelope([{ sender: { id: '6001' }, recipient: { id: PAGE_ID }, delivery: { mids: ['m_out_1'], watermark: 1700000001000 } }]),
  read: messengerEnvelope([{ sender: { id: '6001' }, recipient: { id: PAGE_ID }, timestamp: 1700000002000, read: { watermark: 1700000001500 } }]),
  /** A marketing-messages opt-in (docs/reach.md §1.3–1.4). */
  optin: messengerOptin('6001', {
    notification_messages_token: 'tok-6001',
    title: 'Câu hỏi chuyển đổi số hằng ngày',
    notification_messages_timezone: 'Asia/Ho_Chi_Minh',
  }),
  optinStop: messengerOptin('6001', { notification_messages_token: 'tok-6001', notification_messages_status: 'STOP NOTIFICATIONS' }, 1700000100000),
  optinResume: messengerOptin('6001', { notification_messages_token: 'tok-6001', notification_messages_status: 'RESUME NOTIFICATIONS' }, 1700000200000),
  /** A legacy token, with the expiry and frequency Meta sent before August 2023 (seconds). */
  optinLegacy: messengerOptin('6001', {
    notification_messages_token: 'tok-legacy',
    notification_messages_frequency: 'DAILY',
    token_expiry_timestamp: 1715000000,
    user_token_status: 'NOT_REFRESHED',
  }),
  /** The Send-to-Messenger plugin: the person starts a conversation. */
  optinPlugin: messengerEnvelope([{ sender: { id: '6001' }, recipient: { id: PAGE_ID }, timestamp: 1700000000000, optin: { ref: 'reminders' } }]),
  reaction: messengerEnvelope([
    { sender: { id: '6001' }, recipient: { id: PAGE_ID }, timestamp: 1700000000000, reaction: { mid: 'm_out_1', action: 'react', emoji: '❤' } },
  ]),
  batch: {
    object: 'page',
    entry: [
      {
        id: PAGE_ID,
        time: 1700000000000,
        messaging: [{ sender: { id: '6001' }, recipient: { id: PAGE_ID }, timestamp: 1700000000000, message: { mid: 'm_b_1', text: 'một' } }],
      },
      {
        id: PAGE_ID,
        time: 1700000000001,
        messaging: [{ sender: { id: '6002' }, recipient: { id: PAGE_ID }, timestamp: 1700000000001, message: { mid: 'm_b_2', text: 'hai' } }],
      },
    ],
  },
} as const;
