import type { BotConfig } from '../../content/index.js';
import type { Locale } from '../../domain/index.js';
import { GET_STARTED_PAYLOAD } from './types.js';

/**
 * Postback payloads of the persistent menu. They arrive as `choice` events with these payloads;
 * the conversation treats them as the matching commands.
 */
export const MENU_PAYLOADS = { today: 'cmd:today', score: 'cmd:score', help: 'cmd:help', stop: 'cmd:stop' } as const;

type T = (locale: Locale, key: string, vars?: Record<string, unknown>) => string;

const PLATFORM_LOCALE: Record<Locale, string> = { vi: 'default', en: 'en_US' };

/**
 * Pure: the Messenger Profile (Get Started, greeting, persistent menu in Vietnamese and English).
 * https://developers.facebook.com/docs/messenger-platform/reference/messenger-profile-api
 */
export function buildMessengerProfile(bot: BotConfig, t: T): Record<string, unknown> {
  const locales: Locale[] = ['vi', 'en'];
  const name = (l: Locale) => (l === 'en' ? (bot.name.en ?? bot.name.vi) : bot.name.vi);
  return {
    get_started: { payload: GET_STARTED_PAYLOAD },
    greeting: locales.map((l) => ({
      locale: PLATFORM_LOCALE[l],
      text: t(l, 'channels:messenger.greeting', { bot: name(l), user_first_name: '{{user_first_name}}' }).slice(0, 160),
    })),
    persistent_menu: locales.map((l) => ({
      locale: PLATFORM_LOCALE[l],
      composer_input_disabled: false,
      call_to_actions: (Object.keys(MENU_PAYLOADS) as (keyof typeof MENU_PAYLOADS)[]).map((k) => ({
        type: 'postback',
        title: t(l, `channels:messenger.menu.${k}`).slice(0, 30),
        payload: MENU_PAYLOADS[k],
      })),
    })),
  };
}
