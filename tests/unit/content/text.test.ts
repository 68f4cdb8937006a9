import { describe, expect, it } from 'vitest';
import { templateVariables } from '../../../src/content/index.js';
import { fold } from '../../../src/domain/index.js';
import { pluralBase } from '../../../src/content/text.js';
import { cronFixedTime, cronProblem, inQuietHours } from '../../../src/content/cron.js';

describe('text helpers', () => {
  it('folds Vietnamese text without diacritics, case or punctuation (how duplicate questions are found)', () => {
    expect(fold('  Ngày Chuyển đổi số   quốc gia?! ')).toBe('ngay chuyen doi so quoc gia');
    expect(fold('ĐẮK NÔNG – 28/8')).toBe('dak nong 28 8');
  });

  it('finds the {{variables}} of an i18next template, including formatted ones', () => {
    expect([...templateVariables('Còn {{daysLeft}} ngày đến {{ title }} ({{date, datetime}})')]).toEqual(['daysLeft', 'title', 'date']);
  });

  it('treats plural forms as one key', () => {
    expect(pluralBase('reminder_one')).toBe('reminder');
    expect(pluralBase('reminder_today')).toBe('reminder_today');
  });
});

describe('cron and quiet hours', () => {
  it('accepts ranges, lists, steps and names, and names the field that is out of range', () => {
    expect(cronProblem('*/15 7-20 1,15 * mon-fri')).toBeUndefined();
    expect(cronProblem('0 8 * 13 *')).toBe('cron "0 8 * 13 *": month "13" is outside 1-12');
    expect(cronProblem('0 8 * *')).toBe('cron "0 8 * *" must have five fields (minute hour day month weekday)');
    expect(cronFixedTime('5 8 * * *')).toBe('08:05');
    expect(cronFixedTime('*/5 8 * * *')).toBeUndefined();
    expect(inQuietHours('22:30', '21:00-07:00')).toBe(true);
    expect(inQuietHours('06:59', '21:00-07:00')).toBe(true);
    expect(inQuietHours('07:00', '21:00-07:00')).toBe(false);
    expect(inQuietHours('12:30', '12:00-13:00')).toBe(true);
  });
});
