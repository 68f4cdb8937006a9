import { describe, expect, it } from 'vitest';
import { buildMessengerProfile, MENU_PAYLOADS } from '../../../src/channels/messenger/profile.js';
import { createI18n } from '../../../src/i18n/index.js';
import { testBot } from '../../fixtures/channels/bots.js';

describe('messenger setup profile', () => {
  it('sets Get Started, a greeting and a menu in Vietnamese (default) and English', async () => {
    const { t } = await createI18n('content');
    const profile = buildMessengerProfile(testBot('demo'), t) as {
      get_started: unknown;
      greeting: Array<{ locale: string; text: string }>;
      persistent_menu: Array<{ locale: string; call_to_actions: Array<{ title: string; payload: string }> }>;
    };
    expect(profile.get_started).toEqual({ payload: 'GET_STARTED' });
    expect(profile.greeting.map((g) => g.locale)).toEqual(['default', 'en_US']);
    expect(profile.greeting[0]!.text).toContain('Bot thử');
    expect(profile.greeting[0]!.text).toContain('{{user_first_name}}');
    expect(profile.greeting[1]!.text).toContain('Test bot');
    expect(profile.persistent_menu[0]!.call_to_actions.map((a) => a.payload)).toEqual(Object.values(MENU_PAYLOADS));
    expect(profile.persistent_menu[1]!.call_to_actions[0]!.title).toBe("Today's question");
    for (const m of profile.persistent_menu) for (const a of m.call_to_actions) expect(a.title.length).toBeLessThanOrEqual(30);
  });
});
