import { Counter, Gauge, type Registry } from 'prom-client';

export const WEBHOOK_RESULTS = ['stored', 'duplicate', 'ignored', 'bad_signature', 'malformed', 'unknown_bot', 'too_large', 'error'] as const;
export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];

/** Channel metrics on the app's registry: webhooks by platform/result, send failures by class, inbox depth. */
export function createChannelMetrics(registry: Registry, inboxDepth: () => Promise<{ pending: number; failed: number }>) {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  const webhooks = get(
    'channel_webhooks_received_total',
    () =>
      new Counter({
        name: 'channel_webhooks_received_total',
        help: 'Webhook requests by platform and result',
        labelNames: ['platform', 'result'] as const,
        registers: [registry],
      }),
  );
  const sendFailures = get(
    'channel_send_failures_total',
    () =>
      new Counter({
        name: 'channel_send_failures_total',
        help: 'Failed sends by channel and error class',
        labelNames: ['channel', 'class'] as const,
        registers: [registry],
      }),
  );
  const sends = get(
    'channel_sends_total',
    () =>
      new Counter({ name: 'channel_sends_total', help: 'Sends by channel and outcome', labelNames: ['channel', 'outcome'] as const, registers: [registry] }),
  );
  const clampedTimes = get(
    'channel_webhook_times_clamped_total',
    () =>
      new Counter({
        name: 'channel_webhook_times_clamped_total',
        help: 'Signed webhook events whose platform time was implausible and replaced by the receive time',
        labelNames: ['platform'] as const,
        registers: [registry],
      }),
  );
  const resent = get(
    'channel_replies_resent_unknown_total',
    () =>
      new Counter({
        name: 'channel_replies_resent_unknown_total',
        help: 'Replies sent again because a crash left their send state unknown (each may have reached the member twice)',
        registers: [registry],
      }),
  );
  get(
    'channel_inbox_depth',
    () =>
      new Gauge({
        name: 'channel_inbox_depth',
        help: 'Inbox entries by status (pending = not processed yet, failed = gave up)',
        labelNames: ['status'] as const,
        registers: [registry],
        async collect() {
          const d = await inboxDepth();
          this.set({ status: 'pending' }, d.pending);
          this.set({ status: 'failed' }, d.failed);
        },
      }),
  );
  return {
    webhook: (platform: string, result: WebhookResult) => webhooks.inc({ platform, result }),
    eventTimeClamped: (platform: string) => clampedTimes.inc({ platform }),
    replyResentUnknown: () => resent.inc(),
    sendResult: (channel: string, ok: boolean, errorClass?: string) => {
      sends.inc({ channel, outcome: ok ? 'ok' : 'failed' });
      if (!ok) sendFailures.inc({ channel, class: errorClass ?? 'invalid' });
    },
  };
}

export type ChannelMetrics = ReturnType<typeof createChannelMetrics>;
