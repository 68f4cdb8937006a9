import fs from 'node:fs';
import * as en from '@zxcvbn-ts/language-en';
import { describe, expect, it } from 'vitest';
import { MIN_PASSWORD_SCORE, passwordStrength, requireStrongPassword } from '../../../src/admin/index.js';

const admin = (lang: string) => JSON.parse(fs.readFileSync(`content/locales/${lang}/admin.json`, 'utf8')) as { password: Record<string, unknown> };

describe('password strength', () => {
  it('refuses passwords that are long enough but guessed at once', () => {
    for (const p of ['1234567890', 'qwertyuiop', 'password123', 'matkhau123', 'congdoan2026', 'aaaaaaaaaaaa']) {
      const s = passwordStrength(p);
      expect(s.ok, p).toBe(false);
      expect(s.score, p).toBeLessThan(MIN_PASSWORD_SCORE);
      expect(s.reasons.length, p).toBeGreaterThan(0);
    }
  });

  it('accepts a phrase of uncommon words and the generated one-time passwords', () => {
    for (const p of ['ba con mèo trắng nhảy qua hàng rào', 'hxQz-7PkM-3tWa-9rUe', 'correct horse battery staple']) expect(passwordStrength(p).ok, p).toBe(true);
  });

  it('counts the account’s own email as guessable', () => {
    expect(passwordStrength('nguyenvanbinh2026').ok).toBe(true);
    expect(passwordStrength('nguyenvanbinh2026', ['nguyenvanbinh@congdoan.vn']).ok).toBe(false);
  });

  it('says why in English, with keys a page says in vi or en', () => {
    expect(() => requireStrongPassword('short')).toThrowError(/too easy to guess: use at least 10 characters/);
    expect(() => requireStrongPassword('1234567890')).toThrowError(
      expect.objectContaining({ code: 'password_weak', problems: expect.arrayContaining(['warnings.topHundred']) }),
    );
  });

  it('has a vi and an en text for every reason zxcvbn can give', () => {
    const keys = [
      ...Object.keys(en.translations.warnings).map((k) => ['warnings', k]),
      ...Object.keys(en.translations.suggestions).map((k) => ['suggestions', k]),
      ['tooShort'],
    ];
    for (const lang of ['vi', 'en']) {
      const texts = admin(lang).password;
      expect(typeof texts.weak).toBe('string');
      for (const path of keys) {
        const text = path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], texts);
        expect(typeof text, `${lang}: password.${path.join('.')}`).toBe('string');
      }
    }
  });
});
