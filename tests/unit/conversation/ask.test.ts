import { beforeAll, describe, expect, it } from 'vitest';
import type { Translate } from '../../../src/i18n/index.js';
import { buildFactIndex, type FactIndex } from '../../../src/quiz/index.js';
import { readFactFile } from '../../helpers/facts.js';
import { Member, READY, loadT, tap, text } from './harness.js';

/** Hỏi đáp in the engine: the last step before the fallback, answered from content/facts. */

let t: Translate;
let index: FactIndex;
beforeAll(async () => {
  t = await loadT();
  index = buildFactIndex([...readFactFile('content/facts/national.yaml'), ...readFactFile('content/facts/laws.yaml')], { allProvinces: true });
});

function member(): Member {
  const m = new Member(t, READY);
  m.factIndex = index;
  return m;
}

describe('Hỏi đáp', () => {
  it('answers “Ngày Chuyển đổi số quốc gia là ngày nào?” with 10/10 and names Quyết định 505/QĐ-TTg', () => {
    const m = member();
    expect(m.intent(text('Ngày Chuyển đổi số quốc gia là ngày nào?'))).toBe('ask');
    const reply = m.send(text('Ngày Chuyển đổi số quốc gia là ngày nào?'));
    expect(reply.all).toContain('10');
    expect(reply.all).toMatch(/10 tháng 10|10\/10/);
    expect(reply.all).toContain('Nguồn: Quyết định 505/QĐ-TTg');
    expect(reply.all).not.toMatch(/\bN09\b/);
    expect(reply.effects).toEqual([]);
    // The menu comes with it.
    expect(reply.messages.at(-1)!.choices!.map((c) => c.payload)).toContain('CMD|today');
  });

  it('answers without diacritics and in English too', () => {
    expect(member().send(text('ngay chuyen doi so quoc gia la ngay nao?')).all).toContain('505/QĐ-TTg');
    const en = new Member(t, { ...READY, locale: 'en' });
    en.factIndex = index;
    expect(en.send(text('When is National Digital Transformation Day?')).all).toContain('Decision 505/QĐ-TTg');
  });

  it('a question nobody can answer is recorded for organisers and the menu is offered', () => {
    const reply = member().send(text('Giá vàng hôm nay bao nhiêu?'));
    expect(reply.all).toContain('chưa tìm thấy thông tin');
    expect(reply.effects).toEqual([{ type: 'recordUnanswered', text: 'Giá vàng hôm nay bao nhiêu?' }]);
    expect(reply.messages.at(-1)!.choices!.length).toBeGreaterThan(3);
  });

  it('text that is not a question keeps the fallback; commands and waiting questions come first', () => {
    const m = member();
    expect(m.intent(text('xyz abc'))).toBe('fallback');
    expect(m.intent(text('bảng xếp hạng'))).toBe('leaderboard');
    m.send(text('câu hỏi hôm nay'));
    // While today's question waits, the fact base does not answer: the question is asked again.
    expect(m.intent(text('Ngày Chuyển đổi số quốc gia là ngày nào?'))).toBe('fallback');
  });

  it('during practice it answers, then shows the waiting practice question again', () => {
    const m = member();
    m.send(tap('PSET|all|mixed'));
    const reply = m.send(text('Luật Chuyển đổi số có hiệu lực khi nào?'));
    expect(reply.all).toContain('Nguồn: Luật');
    expect(reply.all).toContain('Câu 1/5');
    expect(m.state.pending?.mode).toBe('practice');
  });

  it('before onboarding is done, a question continues onboarding', () => {
    const m = new Member(t);
    m.factIndex = index;
    expect(m.intent(text('Ngày Chuyển đổi số quốc gia là ngày nào?'))).toBe('onboarding');
  });
});
