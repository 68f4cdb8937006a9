import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../../src/admin/passwords.js';
import { scopeBots, visibleBots, type Principal } from '../../../src/admin/principal.js';
import { generateApiToken, sessionIdHash, sha256 } from '../../../src/admin/tokens.js';
import { ForbiddenError } from '../../../src/domain/index.js';

const organiser: Principal = { kind: 'user', id: '1', name: 'o@x', role: 'organiser', bots: ['demo'], mustChangePassword: false };
const admin: Principal = { ...organiser, role: 'admin', bots: [] };

describe('passwords and tokens', () => {
  it('a password verifies against its salted hash and a wrong one does not', async () => {
    const h1 = await hashPassword('correct horse battery');
    const h2 = await hashPassword('correct horse battery');
    expect(h1).not.toBe(h2);
    expect(h1.startsWith('scrypt$')).toBe(true);
    expect(await verifyPassword('correct horse battery', h1)).toBe(true);
    expect(await verifyPassword('wrong horse battery', h1)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });

  it('generated passwords are long, typeable and different each time', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    expect(generatePassword()).not.toBe(a);
  });

  it('API tokens are random and stored only as hashes', () => {
    const t = generateApiToken();
    expect(t).toMatch(/^cds_[A-Za-z0-9_-]{43}$/);
    expect(sha256(t)).toHaveLength(64);
    expect(sessionIdHash('s', 'k'.repeat(32))).not.toBe(sessionIdHash('s', undefined));
  });
});

describe('who sees which bot', () => {
  it('an admin sees every bot, an organiser only their own', () => {
    expect(visibleBots(admin)).toBeNull();
    expect(scopeBots(admin, 'other')).toEqual(['other']);
    expect(scopeBots(organiser, undefined)).toEqual(['demo']);
    expect(scopeBots(organiser, 'demo')).toEqual(['demo']);
  });

  it("an organiser asking for another bot's statistics gets 403", () => {
    try {
      scopeBots(organiser, 'other');
      expect.unreachable();
    } catch (err) {
      // A domain error: src/http answers it 403.
      expect(err).toBeInstanceOf(ForbiddenError);
      expect((err as ForbiddenError).code).toBe('bot_forbidden');
    }
  });
});
