import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type Translate } from '../../../src/i18n/index.js';
import {
  CARD_HEIGHT,
  CARD_WIDTH,
  CERTIFICATE_LIMITS,
  TEXT_RIGHT,
  certificateSvg,
  cleanText,
  escapeXml,
  renderPng,
  type CertificateCard,
} from '../../../src/learning/index.js';
import { CODE_ALPHABET, formatCode, parseCode, typeableCode } from '../../../src/quiz/index.js';
import { decodePng, pngSize } from '../../helpers/png.js';

/** The reviewed rendering: look at it when this test fails on purpose, then replace it (see docs/learning.md). */
const FIXTURE = 'tests/fixtures/certificates/contest-vi.png';

let t: Translate;
beforeAll(async () => {
  t = (await createI18n('content')).t;
});

const contestCard: CertificateCard = {
  kind: 'contest',
  code: 'K7QM3XPA',
  locale: 'vi',
  organisation: 'Công đoàn Viên chức tỉnh Quảng Trị',
  name: 'Nguyễn Thị Hằng Đặng',
  unit: 'Công đoàn cơ sở Trường THPT Lê Lợi – Đông Hà',
  day: '2026-10-10',
  contest: {
    contestId: 'qt-2026',
    name: 'Cuộc thi trực tuyến “Tìm hiểu về chuyển đổi số” năm 2026 – Ữ ơ ư ằ ệ',
    round: '1',
    correct: 18,
    questionCount: 20,
    rank: 3,
    of: 214,
  },
  streak: null,
};
const streakCard: CertificateCard = { ...contestCard, kind: 'streak', contest: null, streak: { days: 30 }, unit: null };

describe('verification codes', () => {
  it('are eight symbols of an alphabet without 0, O, 1, I, from 40 random bits', () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[01IO]/);
    expect(typeableCode(new Uint8Array([0, 0, 0, 0, 0]))).toBe('22222222');
    expect(typeableCode(new Uint8Array([255, 255, 255, 255, 255]))).toBe('ZZZZZZZZ');
    const seen = new Set(Array.from({ length: 200 }, (_, i) => typeableCode(new Uint8Array([i, i * 7, i * 13, i * 31, i * 101].map((x) => x & 255)))));
    expect(seen.size).toBe(200);
    expect(() => typeableCode(new Uint8Array(4))).toThrow();
  });

  it.each([
    ['K7QM-3XPA', 'K7QM3XPA'],
    ['k7qm 3xpa', 'K7QM3XPA'],
    [' K7QM3XPA ', 'K7QM3XPA'],
    ['K7QM-3XP0', null],
    ['K7QM-3XPO', null],
    ['K7QM-3XP', null],
    ['', null],
    ['K7QM-3XPA-EXTRA', null],
  ])('typed %j reads as %j', (typed, code) => {
    expect(parseCode(typed)).toBe(code);
  });

  it('print as ABCD-EFGH', () => expect(formatCode('K7QM3XPA')).toBe('K7QM-3XPA'));
});

describe('text a member typed, made safe to print', () => {
  it.each([
    ['spaces collapsed', '  Nguyễn   Văn\tAn  ', 'Nguyễn Văn An'],
    ['control characters gone', 'An\u0000\u0007\u001b[31mh', 'An [31mh'],
    ['bidi overrides and zero-width characters gone', 'An\u202e\u200bh\u2066', 'An h'],
    ['decomposed (NFD) text composed', 'Nguye\u0302\u0303n', 'Nguyễn'],
    ['piles of combining marks cut', 'a\u0301\u0302\u0303\u0304\u0305', 'a\u0301\u0302'.normalize('NFC')],
    ['long names capped with an ellipsis', 'Đ'.repeat(70), `${'Đ'.repeat(CERTIFICATE_LIMITS.name - 1)}…`],
  ])('%s', (_name, input, expected) => {
    expect(cleanText(input, CERTIFICATE_LIMITS.name)).toBe(expected);
  });

  it('is escaped in the SVG: a name cannot add markup', () => {
    const svg = certificateSvg({ ...contestCard, name: '</text><script>alert(1)</script><text>', unit: 'A & B "C" \'D\'' }, t);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;text&gt;');
    expect(svg).toContain('A &amp; B &quot;C&quot; &apos;D&apos;');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });
});

describe('the certificate card', () => {
  it('prints what the certificate says, in its language', () => {
    const svg = certificateSvg(contestCard, t, 'https://quiz.example.vn/verify/K7QM-3XPA');
    for (const s of [
      'CHỨNG NHẬN',
      'KẾT QUẢ DỰ THI',
      'Nguyễn Thị Hằng Đặng',
      'Trả lời đúng 18/20 câu · Xếp hạng 3/214',
      'Ngày 10/10/2026',
      'Mã xác minh: K7QM-3XPA',
    ])
      expect(svg).toContain(s);
    const en = certificateSvg({ ...streakCard, locale: 'en' }, t);
    for (const s of ['CERTIFICATE', 'LEARNING STREAK', '30 days in a row', 'Date: 10 October 2026', 'Verification code: K7QM-3XPA']) expect(en).toContain(s);
    expect(en).not.toMatch(/learning:|\{\{/);
  });

  it('shows the rank only when the results are final', () => {
    expect(certificateSvg({ ...contestCard, contest: { ...contestCard.contest!, rank: null, of: null } }, t)).not.toContain('Xếp hạng');
  });

  it('renders to a 1200×800 PNG matching the reviewed one (tests/fixtures/certificates/contest-vi.png)', () => {
    const rendered = renderPng(certificateSvg(contestCard, t, 'https://quiz.example.vn/verify/K7QM-3XPA'));
    expect(pngSize(rendered.png)).toEqual({ width: CARD_WIDTH, height: CARD_HEIGHT });
    if (process.env.UPDATE_CERTIFICATE_FIXTURE) fs.writeFileSync(FIXTURE, rendered.png);
    const reviewed = decodePng(fs.readFileSync(FIXTURE));
    expect([reviewed.width, reviewed.height]).toEqual([CARD_WIDTH, CARD_HEIGHT]);
    // Perceptual check: tolerant to anti-aliasing differences between builds, not to a moved or missing text.
    let sum = 0;
    let far = 0;
    for (let i = 0; i < reviewed.pixels.length; i += 4) {
      const d = Math.max(...[0, 1, 2].map((c) => Math.abs(reviewed.pixels[i + c]! - rendered.pixels[i + c]!)));
      sum += d;
      if (d > 64) far += 1;
    }
    const pixels = CARD_WIDTH * CARD_HEIGHT;
    expect(sum / pixels).toBeLessThan(1);
    expect(far / pixels).toBeLessThan(0.002);
  });

  it('the same name typed decomposed (NFD) renders exactly like the composed one', () => {
    const composed = renderPng(certificateSvg(streakCard, t)).pixels;
    const decomposed = renderPng(certificateSvg({ ...streakCard, name: streakCard.name.normalize('NFD') }, t)).pixels;
    expect(decomposed.equals(composed)).toBe(true);
  });

  it.each([
    ['a name of the longest length allowed', { name: 'Nguyễn Hoàng Phương Thảo Đặng Quốc Bảo Trần Thị Ngọc Ánh Lê Văn Mmmm' }],
    ['wide capitals', { name: 'MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM', unit: 'W'.repeat(90) }],
    ['a long contest name', { contest: { ...contestCard.contest!, name: 'Cuộc thi '.repeat(30) } }],
  ])('%s stays inside the frame', (_name, change) => {
    const { pixels } = renderPng(certificateSvg({ ...contestCard, ...change }, t));
    // Between the text area and the gold frame, on both sides, above the footer line (date and code),
    // every pixel is the card's background.
    const background = [0xff, 0xfd, 0xf6];
    let ink = 0;
    const columns = [...Array(CARD_WIDTH - 46 - (TEXT_RIGHT + 2)).keys()].flatMap((i) => [TEXT_RIGHT + 2 + i, CARD_WIDTH - 1 - (TEXT_RIGHT + 2 + i)]);
    for (let y = 60; y < 680; y++) {
      for (const x of columns) {
        const i = (y * CARD_WIDTH + x) * 4;
        if (Math.abs(pixels[i]! - background[0]!) + Math.abs(pixels[i + 1]! - background[1]!) + Math.abs(pixels[i + 2]! - background[2]!) > 30) ink += 1;
      }
    }
    expect(ink).toBe(0);
  });
});
