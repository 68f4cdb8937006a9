import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/index.js';

describe('retention settings', () => {
  it('keep processed inbox entries and web messages 30 days and deliveries of finished broadcasts 180 by default', () => {
    expect(parseConfig({}).retention).toEqual({ inboxDays: 30, webMessagesDays: 30, deliveriesDays: 180 });
  });

  it('take 0 as "keep for ever" and refuse negative or fractional days by name', () => {
    expect(parseConfig({ RETENTION_DELIVERIES_DAYS: '0', RETENTION_INBOX_DAYS: '7' }).retention).toMatchObject({ deliveriesDays: 0, inboxDays: 7 });
    expect(() => parseConfig({ RETENTION_WEB_MESSAGES_DAYS: '-1' })).toThrowError(/RETENTION_WEB_MESSAGES_DAYS: must be 0 \(keep\) or more days/);
    expect(() => parseConfig({ RETENTION_INBOX_DAYS: '1.5' })).toThrowError(/RETENTION_INBOX_DAYS: must be a whole number of days/);
  });
});
