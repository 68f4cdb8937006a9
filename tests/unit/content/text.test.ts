import { describe, expect, it } from 'vitest';
import { normaliseText, templateVariables } from '../../../src/content/index.js';
import { pluralBase } from '../../../src/content/text.js';

describe('text helpers', () => {
  it('normalises Vietnamese text without diacritics, case or punctuation', () => {
    expect(normaliseText('  Ngày Chuyển đổi số   quốc gia?! ')).toBe('ngay chuyen doi so quoc gia');
    expect(normaliseText('ĐẮK NÔNG – 28/8')).toBe('dak nong 28 8');
  });

  it('finds the {{variables}} of an i18next template, including formatted ones', () => {
    expect([...templateVariables('Còn {{daysLeft}} ngày đến {{ title }} ({{date, datetime}})')]).toEqual(['daysLeft', 'title', 'date']);
  });

  it('treats plural forms as one key', () => {
    expect(pluralBase('reminder_one')).toBe('reminder');
    expect(pluralBase('reminder_today')).toBe('reminder_today');
  });
});
