import type { Config } from '../config/index.js';
import { CHANNEL_SECRETS, secretEnvName, type BotConfig, type PlatformChannel } from '../content/index.js';

type SecretName<C extends PlatformChannel> = (typeof CHANNEL_SECRETS)[C][number];

/**
 * The secrets of one channel of one bot, read through `config.secret`. Variable names default to
 * `<BOT>_<CHANNEL>_<SECRET>` (e.g. DEMO_MESSENGER_APP_SECRET); a bot YAML may name others.
 */
export function readSecrets<C extends PlatformChannel>(config: Config, bot: BotConfig, channel: C): Partial<Record<SecretName<C>, string>> {
  const overrides = (bot.channels as Record<string, { secrets?: Record<string, string> } | undefined>)[channel]?.secrets ?? {};
  const out: Partial<Record<string, string>> = {};
  for (const name of CHANNEL_SECRETS[channel]) {
    const value = config.secret(overrides[name] ?? secretEnvName(bot.id, channel, name));
    if (value) out[name] = value;
  }
  return out as Partial<Record<SecretName<C>, string>>;
}

/** The variable names a bot's channel reads, for docs and error messages. */
export function secretNames(bot: BotConfig, channel: PlatformChannel): string[] {
  const overrides = (bot.channels as Record<string, { secrets?: Record<string, string> } | undefined>)[channel]?.secrets ?? {};
  return CHANNEL_SECRETS[channel].map((name) => overrides[name] ?? secretEnvName(bot.id, channel, name));
}
