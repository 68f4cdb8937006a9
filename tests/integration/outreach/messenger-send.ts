import http from 'node:http';
import type { Send } from '../../../src/domain/index.js';

/**
 * A minimal Messenger Send API client for the crash test and the benchmark: one keep-alive HTTP
 * POST per message to the fake platform, the real Graph request shape. The product's own client
 * lives in src/channels; this one keeps the fan-out measurement free of its retries and logging.
 */
export function messengerSend(baseUrl: string, version = 'v23.0'): Send {
  const url = new URL(`${baseUrl}/${version}/me/messages?access_token=fake`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  return (to, message, options) =>
    new Promise((resolve) => {
      const body = JSON.stringify({
        recipient: { id: to.userId },
        messaging_type: options.purpose === 'event_update' ? 'MESSAGE_TAG' : options.purpose === 'response' ? 'RESPONSE' : 'UPDATE',
        ...(options.purpose === 'event_update' ? { tag: 'CONFIRMED_EVENT_UPDATE' } : {}),
        message: { text: message.text },
      });
      const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => {
          if (res.statusCode === 200) {
            const parsed = JSON.parse(data || '{}') as { message_id?: string };
            resolve({ ok: true, messageIds: parsed.message_id ? [parsed.message_id] : [] });
          } else resolve({ ok: false, errorClass: res.statusCode && res.statusCode >= 500 ? 'retryable' : 'invalid', reason: `HTTP ${res.statusCode}` });
        });
      });
      req.on('error', (err) => resolve({ ok: false, errorClass: 'retryable', reason: err.message }));
      req.end(body);
    });
}
