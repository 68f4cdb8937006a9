import { beforeAll, describe, expect, it } from 'vitest';
import { createI18n, type Translate } from '../../../src/i18n/index.js';
import {
  ANSWER_THRESHOLD,
  askAnswerText,
  askFacts,
  buildFactIndex,
  citeFact,
  looksLikeQuestion,
  MAX_QUESTION_CHARS,
  rankFacts,
  toneKey,
  type Fact,
} from '../../../src/quiz/index.js';
import { readFactFile } from '../../helpers/facts.js';

const facts = readFactFile('tests/fixtures/facts/facts.yaml');
const index = buildFactIndex(facts);
let t: Translate;
beforeAll(async () => {
  t = (await createI18n('content')).t;
});

/**
 * The calibration table of the Hỏi đáp threshold: questions members may ask, as typed (with and
 * without diacritics, in English), and the fact that answers each. Every fact id here must be the
 * best match and pass the threshold.
 */
const ANSWERABLE: ReadonlyArray<readonly [string, string]> = [
  ['Ngày Chuyển đổi số quốc gia là ngày nào?', 'N09'],
  ['ngay chuyen doi so quoc gia la ngay nao', 'N09'],
  ['Khi nào có Ngày Chuyển đổi số?', 'N09'],
  ['Ngày 10/10 là ngày gì?', 'N09'],
  ['What is National Digital Transformation Day?', 'N09'],
  ['Luật Chuyển đổi số có hiệu lực khi nào?', 'L07'],
  ['luat chuyen doi so co hieu luc khi nao', 'L07'],
  ['Luật Chuyển đổi số có bao nhiêu điều?', 'L07'],
  ['When does the Law on Digital Transformation take effect?', 'L07'],
  ['chuyển đổi số là gì?', 'S07'],
  ['Vì sao chọn ngày 10/10?', 'N10'],
  ['Nghị định 13 còn hiệu lực không?', 'L02'],
  ['Ba trụ cột của chuyển đổi số là gì?', 'N02'],
  ['VNeID là gì?', 'S03'],
  ['Có nên cho người khác mã OTP không?', 'S06'],
  ['Cổng dịch vụ công quốc gia ra mắt khi nào?', 'S01'],
  ['Luật Dữ liệu có hiệu lực từ ngày nào?', 'L04'],
  ['Luật bảo vệ dữ liệu cá nhân có hiệu lực khi nào?', 'L03'],
  ['luat bao ve du lieu ca nhan co hieu luc khi nao', 'L03'],
  ['Nghị quyết 57 dành bao nhiêu phần trăm ngân sách?', 'N14'],
  ['Việt Nam còn bao nhiêu tỉnh?', 'P01'],
  ['Đề án 06 là gì?', 'N19'],
  ['Quyết định 749 phê duyệt gì?', 'N01'],
  ['Tầm nhìn đến năm 2030 là gì?', 'N03'],
  ['Bộ nào chủ trì chuyển đổi số?', 'S09'],
  ['Giao dịch điện tử là gì?', 'L01'],
];

/** Questions the fact base cannot answer: each must get "no answer", never a wrong fact. */
const UNANSWERABLE: readonly string[] = [
  'Thời tiết Hà Nội hôm nay thế nào?',
  'Giá vàng hôm nay bao nhiêu?',
  'Hôm nay ăn gì?',
  'Ai vô địch World Cup 2022?',
  'Lương tối thiểu vùng năm 2026 là bao nhiêu?',
  'Làm sao đổi mật khẩu Facebook?',
  'Ngày Quốc khánh là ngày nào?',
  'Ngày nhà giáo Việt Nam là ngày nào?',
  // Near misses: they share words with facts but ask about something else.
  'Luật Đất đai 2024 có hiệu lực khi nào?',
  'Luật Giáo dục có hiệu lực khi nào?',
  'Luật Giao thông có hiệu lực khi nào?',
  'Ngày hội công nghệ thông tin là ngày nào?',
  'Bộ Y tế chủ trì việc gì?',
  'Chuyển đổi số trong y tế?',
  'chuyển khoản ngân hàng thế nào',
  'Số điện thoại tổng đài là gì?',
  // Not questions at all (commands and greetings are for the menu, not for Hỏi đáp).
  'xin chào',
  'Tôi muốn đổi đơn vị',
  '',
];

describe('Hỏi đáp: answers from the fact base', () => {
  it.each(ANSWERABLE)('“%s” is answered with %s', (question, id) => {
    const result = askFacts(index, question);
    expect(result.kind).toBe('answer');
    if (result.kind === 'answer') expect(result.fact.id).toBe(id);
  });

  it.each(UNANSWERABLE.map((q) => [q]))('“%s” gets no answer', (question) => {
    expect(askFacts(index, question).kind).toBe('none');
  });

  it('the threshold separates the two tables with a margin', () => {
    const answered = ANSWERABLE.map(([q]) => rankFacts(index, q)[0]!);
    expect(Math.min(...answered.map((r) => r.coverage))).toBeGreaterThanOrEqual(ANSWER_THRESHOLD.coverage + 0.1);
    // Unanswerable questions that do read as questions: the best fact fails coverage or pairs.
    for (const q of UNANSWERABLE.filter(looksLikeQuestion)) {
      const best = rankFacts(index, q)[0];
      if (best) expect(best.coverage < ANSWER_THRESHOLD.coverage || (!best.keyword && best.pairCoverage < ANSWER_THRESHOLD.pairCoverage)).toBe(true);
    }
  });

  it('answers “Ngày Chuyển đổi số quốc gia là ngày nào?” with 10/10 and names Quyết định 505/QĐ-TTg', () => {
    const result = askFacts(index, 'Ngày Chuyển đổi số quốc gia là ngày nào?');
    if (result.kind !== 'answer') throw new Error('expected an answer');
    const text = askAnswerText(result, 'vi', t);
    expect(text).toBe('Ngày 10 tháng 10 hằng năm là Ngày Chuyển đổi số quốc gia.\nNguồn: Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ');
    expect(text).not.toContain('N09');
  });

  it('answers in English with the English statement and the document in English', () => {
    const result = askFacts(index, 'When does the Law on Digital Transformation take effect?');
    if (result.kind !== 'answer') throw new Error('expected an answer');
    expect(askAnswerText(result, 'en', t)).toBe(
      'The Law on Digital Transformation No. 148/2025/QH15 was passed on 11 December 2025 (8 chapters, 48 articles) and takes effect on 1 July 2026.\n' +
        'Source: Law 148/2025/QH15 of 11 December 2025 by the National Assembly',
    );
  });

  it('a replaced document is answered with what replaced it', () => {
    const result = askFacts(index, 'Nghị định 13 còn hiệu lực không?');
    if (result.kind !== 'answer') throw new Error('expected an answer');
    expect(result.replacement?.id).toBe('L03');
    const text = askAnswerText(result, 'vi', t);
    expect(text).toContain('Nguồn: Nghị định 13/2023/NĐ-CP của Chính phủ');
    expect(text).toContain('Văn bản này nay đã được thay thế:\nLuật Bảo vệ dữ liệu cá nhân số 91/2025/QH15');
  });

  it('diacritics typed by the member are significant; without them every spelling matches', () => {
    expect(toneKey('hoà')).toBe(toneKey('hòa'));
    expect(toneKey('thuỷ')).toBe(toneKey('thủy'));
    expect(toneKey('giáo')).not.toBe(toneKey('giao'));
    // "giao" without marks finds "Giao dịch"; "giáo" (education) does not.
    expect(rankFacts(index, 'giao dich dien tu la gi')[0]!.fact.id).toBe('L01');
    expect(rankFacts(index, 'giáo dịch điện tử là gì').find((r) => r.fact.id === 'L01')!.coverage).toBeLessThan(1);
  });

  it('a province-specific fact is only used by that province’s bots, or by a bot that asks every province', () => {
    const local: Fact = { ...facts[0]!, id: 'seed-000-contest-window', province: 'quang-tri', keywords: { vi: ['cuộc thi Quảng Trị'] } };
    const all = [...facts, local];
    expect(buildFactIndex(all, { province: 'quang-tri' }).facts.some((f) => f.fact.id === local.id)).toBe(true);
    expect(buildFactIndex(all, { province: 'bac-kan' }).facts.some((f) => f.fact.id === local.id)).toBe(false);
    expect(buildFactIndex(all, { allProvinces: true }).facts.some((f) => f.fact.id === local.id)).toBe(true);
  });

  it('a very long message is read only up to its cap', () => {
    const long = `Ngày Chuyển đổi số quốc gia là ngày nào? ${'Luật Chuyển đổi số '.repeat(5000)}`;
    expect(rankFacts(index, long)).toEqual(rankFacts(index, long.slice(0, MAX_QUESTION_CHARS)));
    expect(askFacts(index, long)).toEqual(askFacts(index, long.slice(0, MAX_QUESTION_CHARS)));
  });

  it('tells questions from other messages', () => {
    for (const q of ['VNeID là gì', 'bao nhieu tinh', 'khi nao', 'What is VNeID', 'Có phải ngày 10/10 không']) expect(looksLikeQuestion(q)).toBe(true);
    for (const q of ['xin chào', 'Luyện tập', 'Điểm của tôi', 'B', 'cảm ơn']) expect(looksLikeQuestion(q)).toBe(false);
  });
});

describe('a fact’s document in words', () => {
  const doc = (document: Fact['document']): Pick<Fact, 'document'> => ({ document });
  it.each([
    [
      'vi',
      { kind: { vi: 'Quyết định', en: 'Decision' }, number: '505/QĐ-TTg', date: '2022-04-22', issuer: { vi: 'Thủ tướng Chính phủ', en: 'the Prime Minister' } },
      'Quyết định 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ',
    ],
    [
      'en',
      { kind: { vi: 'Quyết định', en: 'Decision' }, number: '505/QĐ-TTg', date: '2022-04-22', issuer: { vi: 'Thủ tướng Chính phủ', en: 'the Prime Minister' } },
      'Decision 505/QĐ-TTg of 22 April 2022 by the Prime Minister',
    ],
    [
      'vi',
      { kind: { vi: 'Luật', en: 'Law' }, number: '60/2024/QH15', issuer: { vi: 'Quốc hội', en: 'the National Assembly' } },
      'Luật 60/2024/QH15 của Quốc hội',
    ],
    ['vi', { kind: { vi: 'Hướng dẫn phòng chống lừa đảo', en: 'Fraud-prevention guidance' } }, 'Hướng dẫn phòng chống lừa đảo'],
    [
      'vi',
      { kind: { vi: 'Kế hoạch', en: 'Plan' }, date: '2022-10-10', title: { vi: 'phát động phong trào', en: 'launching the movement' } },
      'Kế hoạch ngày 10/10/2022 phát động phong trào',
    ],
  ] as const)('%s: %j → %s', (locale, document, expected) => {
    expect(citeFact(doc(document), locale, t)).toBe(expected);
  });
});
