import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/admin/index.js';
import { pickableTopics } from '../../../src/http/api/pickers.js';

const who = (role: 'admin' | 'organiser', bots: string[] = []): Principal => ({
  kind: 'token',
  id: 't',
  name: 'Chị Lan',
  role,
  bots,
  mustChangePassword: false,
});
const bots = [
  { id: 'truong', topics: ['digital-skills', 'online-safety'] },
  { id: 'so-yte', topics: ['laws', 'digital-skills'] },
  { id: 'ldld', topics: ['reform-2025'] },
];

describe('the topics a topic picker offers', () => {
  it('an organiser: the topics of their bots only (those the server accepts from them), once each', () => {
    expect(pickableTopics(who('organiser', ['truong', 'so-yte']), bots, ['source-plans'])).toEqual(['digital-skills', 'online-safety', 'laws']);
    expect(pickableTopics(who('organiser', ['ldld']), bots, ['source-plans'])).toEqual(['reform-2025']);
  });

  it('a bot named: that bot’s topics; a bot that is not theirs is refused', () => {
    expect(pickableTopics(who('organiser', ['truong', 'so-yte']), bots, [], 'so-yte')).toEqual(['laws', 'digital-skills']);
    expect(() => pickableTopics(who('organiser', ['truong']), bots, [], 'ldld')).toThrow(expect.objectContaining({ code: 'bot_forbidden' }));
  });

  it('an admin: every bot’s topics and every topic a question already has', () => {
    expect(pickableTopics(who('admin'), bots, ['source-plans', 'laws'])).toEqual(['digital-skills', 'online-safety', 'laws', 'reform-2025', 'source-plans']);
    expect(pickableTopics(who('admin'), bots, ['source-plans'], 'ldld')).toEqual(['reform-2025']);
  });
});
