import { describe, expect, it } from 'vitest';
import { documentDate, sourceLine, type Fact } from '../../../src/content/index.js';

const fact = (id: string, document: Fact['document'], link?: string): Fact => ({
  id,
  statement: { vi: 'Một dữ kiện.', en: 'A fact.' },
  document,
  quote: 'Một câu trích dẫn đủ dài.',
  ...(link ? { link } : {}),
});
const qd505 = {
  kind: { vi: 'Quyết định', en: 'Decision' },
  number: '505/QĐ-TTg',
  date: '2022-04-22',
  issuer: { vi: 'Thủ tướng Chính phủ', en: 'The Prime Minister' },
  title: { vi: 'về Ngày Chuyển đổi số quốc gia', en: 'on National Digital Transformation Day' },
};
const facts = [
  fact('N09', qd505, 'https://example.vn/505'),
  fact('N10', qd505),
  fact('L01', { kind: { vi: 'Luật Giao dịch điện tử', en: 'Law on Electronic Transactions' }, number: '20/2023/QH15', issuer: { vi: 'Quốc hội', en: 'The National Assembly' } }),
  fact('seed-000-window', { kind: { vi: 'Kế hoạch phối hợp', en: 'Joint plan' }, issuer: { vi: 'Công đoàn Viên chức tỉnh Quảng Trị', en: "The Quang Tri Public Employees' Union" } }),
];

describe('sources in words', () => {
  it('writes dates the way Vietnamese documents do, and in English in English', () => {
    expect(documentDate('2022-04-22', 'vi')).toBe('22/4/2022');
    expect(documentDate('2020-06-03', 'vi')).toBe('03/6/2020');
    expect(documentDate('2022-01-28', 'vi')).toBe('28/01/2022');
    expect(documentDate('2022-02-06', 'vi')).toBe('06/02/2022');
    expect(documentDate('2025-12-11', 'vi')).toBe('11/12/2025');
    expect(documentDate('2022-04-22', 'en')).toBe('22 April 2022');
  });

  it('names each document once with its number, date, issuer and title, and a link when there is one; never an id', () => {
    expect(sourceLine(['N10', 'N09', 'L01'], facts, 'vi')).toBe(
      'Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ về Ngày Chuyển đổi số quốc gia (https://example.vn/505); ' +
        'Luật Giao dịch điện tử 20/2023/QH15 của Quốc hội',
    );
    expect(sourceLine(['N09'], facts, 'en')).toBe(
      'Decision 505/QĐ-TTg of 22 April 2022 by the Prime Minister, on National Digital Transformation Day (https://example.vn/505)',
    );
    expect(sourceLine(['seed-000-window'], facts, 'vi')).toBe('Kế hoạch phối hợp của Công đoàn Viên chức tỉnh Quảng Trị');
    const line = sourceLine(['N09', 'seed-000-window', 'nope'], facts, 'vi');
    expect(line).not.toMatch(/N09|seed-|nope/);
    expect(sourceLine(['nope'], facts, 'vi')).toBe('');
  });
});
