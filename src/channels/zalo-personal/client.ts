import type { ZaloPersonalClient, ZaloPersonalIncoming, ZaloPersonalSession } from './types.js';

/*
 * zca-js's type entry (`export * from "./dist"`) does not resolve under NodeNext, so the few parts we
 * use are typed here (zca-js 2.x: `Zalo`, `login`, `loginQR`, `listener`, `sendMessage`, ThreadType.Group = 1).
 */
const THREAD_GROUP = 1;
interface ZcaMessage {
  type: number;
  threadId: string;
  isSelf: boolean;
  data: { msgId: string; uidFrom: string; ts: string; content: unknown };
}
interface ZcaApi {
  listener: {
    on(event: 'message', cb: (m: ZcaMessage) => void): void;
    on(event: 'closed', cb: (code: number, reason: string) => void): void;
    on(event: 'error', cb: (err: unknown) => void): void;
    start(options?: { retryOnClose?: boolean }): void;
    stop(): void;
  };
  sendMessage(
    message: { msg: string; attachments?: Array<{ data: Buffer; filename: string; metadata: { totalSize: number } }> },
    threadId: string,
    type: number,
  ): Promise<{ message: { msgId: number } | null; attachment?: Array<{ msgId: number }> }>;
}
interface ZcaQrEvent {
  type: number;
  data: { cookie?: unknown; imei?: string; userAgent?: string } | null;
  actions: { saveToFile?: (path?: string) => Promise<unknown> } | null;
}
interface ZcaZalo {
  login(credentials: { cookie: unknown; imei: string; userAgent: string }): Promise<ZcaApi>;
  loginQR(options: { qrPath?: string }, callback: (e: ZcaQrEvent) => unknown): Promise<ZcaApi>;
}

async function newZalo(): Promise<ZcaZalo> {
  const mod = (await import('zca-js')) as unknown as { Zalo: new (options: Record<string, unknown>) => ZcaZalo };
  return new mod.Zalo({ selfListen: false, logging: false });
}

/** zca-js behind our narrow interface. Group messages only: the account never talks to strangers. */
export function createZcaClient(): ZaloPersonalClient {
  let api: ZcaApi | null = null;
  return {
    async login(session) {
      api = await (await newZalo()).login({ cookie: session.cookie, imei: session.imei, userAgent: session.userAgent });
    },
    listen(onMessage, onClose) {
      if (!api) throw new Error('zca-js: login first');
      const listener = api.listener;
      listener.on('message', (m) => {
        if (m.type !== THREAD_GROUP) return;
        const incoming: ZaloPersonalIncoming = {
          msgId: String(m.data.msgId),
          groupId: String(m.threadId),
          fromId: String(m.data.uidFrom),
          text: typeof m.data.content === 'string' ? m.data.content : null,
          at: new Date(Number(m.data.ts) || Date.now()),
          isSelf: m.isSelf,
        };
        onMessage(incoming);
      });
      listener.on('closed', (_code, reason) => onClose(String(reason || 'closed')));
      listener.on('error', (err) => onClose(String((err as Error)?.message ?? err)));
      listener.start({ retryOnClose: false });
    },
    async sendMessage(groupId, text) {
      if (!api) throw new Error('zca-js: login first');
      const res = await api.sendMessage({ msg: text }, groupId, THREAD_GROUP);
      return { messageId: String(res.message?.msgId ?? '') };
    },
    async sendImage(groupId, picture) {
      if (!api) throw new Error('zca-js: login first');
      const attachment = { data: picture.data, filename: picture.filename, metadata: { totalSize: picture.data.length } };
      const res = await api.sendMessage({ msg: '', attachments: [attachment] }, groupId, THREAD_GROUP);
      return { messageId: String(res.attachment?.[0]?.msgId ?? res.message?.msgId ?? '') };
    },
    stop() {
      api?.listener.stop();
      api = null;
    },
  };
}

/**
 * Interactive QR login for `npm run cli -- zalo-personal login`: writes the QR image to `qrPath`,
 * waits for the scan and returns the session to store.
 */
export async function loginByQr(qrPath: string, onQr: (path: string) => void): Promise<ZaloPersonalSession> {
  let session: ZaloPersonalSession | null = null;
  await (
    await newZalo()
  ).loginQR({ qrPath }, async (event) => {
    if (event.type === 0 && event.actions?.saveToFile) {
      await event.actions.saveToFile(qrPath);
      onQr(qrPath);
    }
    if (event.type === 4 && event.data?.imei && event.data.userAgent) {
      session = { cookie: event.data.cookie, imei: event.data.imei, userAgent: event.data.userAgent };
    }
  });
  if (!session) throw new Error('Zalo QR login did not complete');
  return session;
}
