import { describe, expect, it } from 'vitest';
import { formatLocal, nextAllowedTime, parseLocalDateTime, parseQuietHours } from '../../../src/outreach/index.js';
import { quietWindowsFor } from '../../../src/outreach/timing.js';

const zone = 'Asia/Ho_Chi_Minh';
const at = (local: string) => parseLocalDateTime(local, zone)!;
const show = (d: Date) => formatLocal(d, zone);
const defaultQuiet = parseQuietHours('21:00-07:00');

describe('quiet hours', () => {
  it('sends at once in the daytime', () => {
    expect(show(nextAllowedTime(at('2026-10-09T08:00'), quietWindowsFor('messenger', defaultQuiet), zone))).toBe('09/10/2026 08:00');
  });

  it('defers a 22:30 message to 07:00 the next morning', () => {
    expect(show(nextAllowedTime(at('2026-10-09T22:30'), quietWindowsFor('messenger', defaultQuiet), zone))).toBe('10/10/2026 07:00');
  });

  it('defers a 05:00 message to 07:00 the same morning', () => {
    expect(show(nextAllowedTime(at('2026-10-10T05:00'), quietWindowsFor('zalo_oa', defaultQuiet), zone))).toBe('10/10/2026 07:00');
  });

  it('keeps Zalo quiet 22:00–06:00 even when a bot allows late messages', () => {
    const late = parseQuietHours('23:30-05:00');
    expect(show(nextAllowedTime(at('2026-10-09T22:15'), quietWindowsFor('messenger', late), zone))).toBe('09/10/2026 22:15');
    expect(show(nextAllowedTime(at('2026-10-09T22:15'), quietWindowsFor('zalo_oa', late), zone))).toBe('10/10/2026 06:00');
    expect(show(nextAllowedTime(at('2026-10-10T05:30'), quietWindowsFor('zalo_personal', late), zone))).toBe('10/10/2026 06:00');
  });

  it('allows the minute quiet hours end', () => {
    expect(show(nextAllowedTime(at('2026-10-10T07:00'), quietWindowsFor('messenger', defaultQuiet), zone))).toBe('10/10/2026 07:00');
  });
});

describe('organisers type local times', () => {
  it('reads "10/10 at 08:00" as 01:00 UTC', () => {
    expect(at('2026-10-10T08:00').toISOString()).toBe('2026-10-10T01:00:00.000Z');
    expect(at('2026-10-10 08:00').toISOString()).toBe('2026-10-10T01:00:00.000Z');
  });
  it('keeps an explicit offset', () => {
    expect(parseLocalDateTime('2026-10-10T01:00:00Z', zone)!.toISOString()).toBe('2026-10-10T01:00:00.000Z');
  });
  it('rejects nonsense', () => {
    expect(parseLocalDateTime('tomorrow-ish', zone)).toBeNull();
  });
});
