import { describe, expect, it } from 'vitest';
import { fold } from '../../../src/domain/index.js';
import { parseAnswer } from '../../../src/quiz/index.js';

const options = ['Chính quyền số', 'Kinh tế số', 'Xã hội số', 'Cả ba phương án trên'];

describe('reading a typed answer', () => {
  it.each([
    ['B', 1],
    ['b', 1],
    ['2', 1],
    ['đáp án B', 1],
    ['Đáp án: c.', 2],
    ['dap an d', 3],
    ['Chọn A', 0],
    ['kinh te so', 1],
    ['KINH TẾ SỐ', 1],
    ['cả ba', 3],
  ])('%s → option %i', (text, index) => {
    expect(parseAnswer(text, options)).toEqual({ kind: 'choice', index });
  });

  it.each(['E', '5', 'A hoặc B', 'đáp án', 'đáp án F'])('%s is ambiguous: the person is asked again', (text) => {
    expect(parseAnswer(text, options)).toEqual({ kind: 'ambiguous' });
  });

  it('"số" matches several options and is ambiguous when long enough', () => {
    expect(parseAnswer('tế số', options)).toEqual({ kind: 'choice', index: 1 });
    expect(parseAnswer('quyền', ['Quyền lợi', 'Quyền hạn'])).toEqual({ kind: 'ambiguous' });
  });

  it('ordinary chat is not an answer', () => {
    expect(parseAnswer('xin chào bạn', options)).toEqual({ kind: 'none' });
  });

  it('only offers letters up to the number of options', () => {
    expect(parseAnswer('D', ['Đúng', 'Sai'])).toEqual({ kind: 'ambiguous' });
  });

  it('folds Vietnamese text without diacritics', () => {
    expect(fold('  Câu hỏi HÔM NAY! ')).toBe('cau hoi hom nay');
    expect(fold('Đơn vị')).toBe('don vi');
  });
});
