import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { contentPaths, loadValidContent, type BotConfig } from '../content/index.js';
import { openDatabase } from '../db/index.js';
import { createI18n } from '../i18n/index.js';
import { createLogger } from '../log/index.js';
import { createLeases } from './lease.js';
import { createMessengerClient } from './messenger/client.js';
import { buildMessengerProfile } from './messenger/profile.js';
import { readSecrets, secretNames } from './secrets.js';
import { createZaloTokens, zaloAppSecrets } from './zalo-oa/index.js';
import { loginByQr } from './zalo-personal/client.js';

function findBot(config: Config, id: string): BotConfig {
  const bot = loadValidContent(contentPaths(config)).bots.find((b) => b.id === id);
  if (!bot) throw new Error(`no bot "${id}" in ${config.paths.bots}/`);
  return bot;
}

async function withDatabase<T>(config: Config, work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(config, createLogger({ log: { level: 'warn', format: 'json' } }));
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** `messenger setup`, `zalo token`, `zalo-personal login`: connecting a bot to its platforms. */
export function registerChannelCommands(program: Command): void {
  program
    .command('messenger')
    .description('Facebook Messenger')
    .command('setup')
    .description('set the Get Started button, greeting and persistent menu (vi and en) through the Messenger Profile API')
    .requiredOption('--bot <id>', 'bot id from bots/*.yaml')
    .action(async (opts: { bot: string }) => {
      const config = loadConfig();
      const bot = findBot(config, opts.bot);
      const token = readSecrets(config, bot, 'messenger').PAGE_TOKEN;
      if (!token) throw new Error(`set ${secretNames(bot, 'messenger')[1]} (the page access token) first`);
      const { t } = await createI18n(config.paths.content);
      const client = createMessengerClient({
        graphUrl: config.platforms.messengerGraphUrl,
        apiVersion: config.platforms.messengerApiVersion,
        timeoutMs: config.http.timeoutMs,
      });
      await client.setProfile(token, buildMessengerProfile(bot, t));
      console.log(t(bot.defaultLocale, 'channels:cli.profileSet', { bot: bot.id }));
    });

  program
    .command('zalo')
    .description('Zalo Official Account')
    .command('token')
    .description('store the first Zalo OA access/refresh token pair in the database (later pairs are refreshed automatically)')
    .requiredOption('--bot <id>', 'bot id from bots/*.yaml')
    .requiredOption('--access <token>', 'access token from the Zalo developer console')
    .requiredOption('--refresh <token>', 'refresh token from the Zalo developer console')
    .option('--expires-in <seconds>', 'access token lifetime in seconds', '90000')
    .action(async (opts: { bot: string; access: string; refresh: string; expiresIn: string }) => {
      const config = loadConfig();
      const bot = findBot(config, opts.bot);
      if (!zaloAppSecrets(config, bot)) {
        const [appId, secretKey] = secretNames(bot, 'zalo_oa');
        throw new Error(`set ${appId} and ${secretKey} first`);
      }
      await withDatabase(config, async (db) => {
        const logger = createLogger({ log: { level: 'warn', format: 'json' } });
        const tokens = createZaloTokens({
          model: db.models.ChannelCredential,
          leases: createLeases(db.models.Lease, `cli-${process.pid}`, () => new Date()),
          oauthUrl: config.platforms.zaloOauthUrl,
          timeoutMs: config.http.timeoutMs,
          logger,
          clock: () => new Date(),
          app: () => zaloAppSecrets(config, bot),
        });
        await tokens.store(bot.id, { accessToken: opts.access, refreshToken: opts.refresh }, Number(opts.expiresIn));
      });
      const { t } = await createI18n(config.paths.content);
      console.log(t(bot.defaultLocale, 'channels:cli.tokenStored', { bot: bot.id }));
    });

  program
    .command('zalo-personal')
    .description('Zalo personal account (zca-js), for union group chats only')
    .command('login')
    .description('log in once by QR code and store the session (cookie, imei, user agent) in the database')
    .requiredOption('--bot <id>', 'bot id from bots/*.yaml')
    .option('--qr <file>', 'where to write the QR image', 'zalo-qr.png')
    .action(async (opts: { bot: string; qr: string }) => {
      const config = loadConfig();
      const bot = findBot(config, opts.bot);
      if (!bot.channels.zalo_personal?.groups.length) throw new Error(`bot "${bot.id}" lists no channels.zalo_personal.groups`);
      const { t } = await createI18n(config.paths.content);
      const session = await loginByQr(path.resolve(opts.qr), (p) => console.log(t(bot.defaultLocale, 'channels:cli.qrSaved', { path: p })));
      await withDatabase(config, async (db) => {
        await db.models.ChannelCredential.collection.updateOne(
          { _id: `${bot.id}:zalo_personal` as never },
          {
            $set: { bot: bot.id, channel: 'zalo_personal', session, updatedAt: new Date() },
            $setOnInsert: { accessToken: null, refreshToken: null, accessExpiresAt: null, refreshExpiresAt: null },
          },
          { upsert: true },
        );
      });
      console.log(t(bot.defaultLocale, 'channels:cli.sessionStored', { bot: bot.id }));
    });
}
