import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminService } from '../../../src/admin/index.js';
import { addDays, dayOf } from '../../../src/domain/index.js';
import { startRuntime, type Runtime } from '../../../src/runtime.js';
import { openTestDb, type TestDb } from '../../helpers/db.js';

/**
 * The content editors over the API: questions (draft → reviewed → published by two people, one
 * validation), campaigns (the preview of every reminder), contests, unit lists, the audit log, and
 * edits surviving a restart with a sync of the shipped YAML.
 */
let db: TestDb;
let rt: Runtime;
const tokens: Record<'admin' | 'author' | 'reviewer' | 'stranger', string> = { admin: '', author: '', reviewer: '', stranger: '' };
const env = { HOST: '127.0.0.1', PORT: '0', SCHEDULER_ENABLED: 'false', CONTENT_SYNC_ON_START: 'true' };

beforeAll(async () => {
  db = await openTestDb('content_edit');
  const admin = createAdminService(db.models, { sessionSecret: undefined });
  tokens.admin = (await admin.createToken({ name: 'Quản trị', role: 'admin' })).token;
  tokens.author = (await admin.createToken({ name: 'Chị Lan', role: 'organiser', bots: ['demo'] })).token;
  tokens.reviewer = (await admin.createToken({ name: 'Anh Minh', role: 'organiser', bots: ['demo'] })).token;
  tokens.stranger = (await admin.createToken({ name: 'Bắc Kạn', role: 'organiser', bots: ['bac-kan-ldld'] })).token;
  rt = await startRuntime(db.config(env));
}, 90_000);

afterAll(async () => {
  await rt?.stop();
  await db?.close();
});

type Who = keyof typeof tokens;
async function call(who: Who, method: string, path: string, body?: unknown, lang = 'vi') {
  const res = await fetch(`${rt.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${tokens[who]}`, 'Accept-Language': lang, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // The answers are read field by field below: the test names what it expects of each.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const newQuestion = {
  topic: 'digital-skills',
  difficulty: 2,
  question: 'Ở khu dân cư, ai thường giúp người cao tuổi cài đặt và dùng ứng dụng VNeID?',
  options: ['Nhân viên ngân hàng thương mại', 'Cán bộ các bộ ngành trung ương', 'Tổ công nghệ số cộng đồng', 'Giáo viên tin học điều động về'],
  answer: 'C',
  explanation: 'Tổ công nghệ số cộng đồng ở thôn, tổ dân phố hướng dẫn, hỗ trợ người dân dùng dịch vụ số, trong đó có ứng dụng VNeID.',
  facts: ['S04', 'S03'],
  tags: ['to-cong-nghe-so'],
  en: {
    question: 'In a neighbourhood, who usually helps older people install and use the VNeID app?',
    options: ['Staff of commercial banks', 'Officials of central ministries', 'The community digital technology team', 'IT teachers sent in'],
    explanation: 'Community digital technology teams in villages and residential groups guide and help people to use digital services, VNeID among them.',
  },
};

describe('questions', () => {
  let id = '';

  it('an organiser creates a draft in a topic their bot asks; it is found with or without diacritics', async () => {
    const created = await call('author', 'POST', '/questions', newQuestion);
    expect(created.status).toBe(200);
    id = created.body.value.id;
    expect(id).toMatch(/^ds-\d{3}$/);
    expect(created.body.value).toMatchObject({ status: 'draft', review: { author: 'Chị Lan' } });
    const found = await call('author', 'GET', `/questions?q=${encodeURIComponent('nguoi cao tuoi cai dat')}`);
    expect(found.body.items.map((q: { id: string }) => q.id)).toEqual([id]);
    const accented = await call('author', 'GET', `/questions?q=${encodeURIComponent('người cao tuổi cài đặt')}&status=draft`);
    expect(accented.body.items.map((q: { id: string }) => q.id)).toEqual([id]);
    // Not yet for members: drafts are not live.
    expect(await db.models.Question.findOne({ questionId: id }).lean()).toMatchObject({ status: 'draft', retiredAt: null });
  });

  it('PATCH changes only the fields named', async () => {
    const patched = await call('author', 'PATCH', `/questions/${id}`, { difficulty: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body.value).toMatchObject({ difficulty: 1, question: newQuestion.question, answer: 'C', en: newQuestion.en, tags: newQuestion.tags });
  });

  it('one validation: a fact that does not exist is refused in words, saving nothing', async () => {
    const bad = await call('author', 'PATCH', `/questions/${id}`, { facts: ['S04', 'pub-khong-co-that'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('content_invalid');
    expect(bad.body.error.details.content[0]).toMatchObject({ code: 'question_unknown_fact', field: 'facts.1' });
    // Said in the caller's language, without the question's id.
    expect(bad.body.error.details.content[0].message).toBe('căn cứ “pub-khong-co-that” không có trong cơ sở dữ kiện');
    const now = await call('author', 'GET', `/questions/${id}`);
    expect(now.body.facts).toEqual(['S04', 'S03']);
  });

  it('the author cannot review their own question; a second person reviews, then it is published and served', async () => {
    expect((await call('author', 'POST', `/questions/${id}/publish`)).body.error.code).toBe('question_wrong_status');
    const self = await call('author', 'POST', `/questions/${id}/review`);
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('reviewer_is_author');
    const reviewed = await call('reviewer', 'POST', `/questions/${id}/review`);
    expect(reviewed.body.value).toMatchObject({ status: 'reviewed', review: { author: 'Chị Lan', reviewer: 'Anh Minh' } });
    const published = await call('reviewer', 'POST', `/questions/${id}/publish`);
    expect(published.body.value.status).toBe('published');
    expect(await db.models.Question.findOne({ questionId: id }).lean()).toMatchObject({ status: 'published', difficulty: 1, retiredAt: null });
    expect(rt.content.questions.find((q) => q.id === id)?.status).toBe('published');
  });

  it('a reviewed text changed goes back to draft; another organiser’s bots cannot touch it', async () => {
    const other = await call('stranger', 'PATCH', `/questions/${id}`, { difficulty: 3 });
    expect(other.status).toBe(403);
    const edited = await call('author', 'PATCH', `/questions/${id}`, { explanation: `${newQuestion.explanation} Hỏi tổ trưởng để biết lịch hỗ trợ.` });
    expect(edited.body.value).toMatchObject({ status: 'draft', review: { author: 'Chị Lan' } });
    expect(edited.body.value.review.reviewer).toBeUndefined();
  });

  it('previews the question as Messenger, a Zalo OA and a Zalo group show it', async () => {
    const res = await call('author', 'POST', '/questions/preview', newQuestion);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.previews.vi.messenger)).toContain('Tổ công nghệ số cộng đồng');
    expect(Object.keys(res.body.previews.vi)).toEqual(['messenger', 'zalo_oa', 'zalo_personal']);
    expect(JSON.stringify(res.body.previews.en.zalo_oa)).toContain('community digital technology team');
  });

  it('retires and restores; the history says who, when, what, before and after; the audit log is for admins', async () => {
    expect((await call('author', 'POST', `/questions/${id}/retire`)).status).toBe(200);
    expect((await call('author', 'GET', '/questions?status=retired')).body.items.map((q: { id: string }) => q.id)).toContain(id);
    expect((await db.models.Question.findOne({ questionId: id }).lean())?.retiredAt).toBeInstanceOf(Date);
    expect((await call('author', 'POST', `/questions/${id}/restore`)).status).toBe(200);
    const history = await call('author', 'GET', `/questions/${id}/history`);
    expect(history.body.items.map((e: { action: string }) => e.action)).toEqual(['restore', 'retire', 'update', 'publish', 'review', 'update', 'create']);
    const review = history.body.items.find((e: { action: string }) => e.action === 'review');
    expect(review).toMatchObject({ actor: 'Anh Minh', changed: ['review', 'status'], before: { status: 'draft' }, after: { status: 'reviewed' } });
    expect((await call('author', 'GET', '/audit')).status).toBe(403);
    const audit = await call('admin', 'GET', `/audit?kind=question&key=${id}`);
    expect(audit.body.total).toBe(7);
    // Days are local (Asia/Ho_Chi_Minh), both ends included.
    const today = dayOf(new Date(), 'Asia/Ho_Chi_Minh');
    expect((await call('admin', 'GET', `/audit?kind=question&key=${id}&from=${today}&to=${today}`)).body.total).toBe(7);
    expect((await call('admin', 'GET', `/audit?kind=question&key=${id}&to=${addDays(today, -1)}`)).body.total).toBe(0);
    expect((await call('admin', 'GET', `/audit?kind=question&key=${id}&from=${addDays(today, 1)}`)).body.total).toBe(0);
  });

  it('an organiser cannot create a question no bot of theirs asks', async () => {
    const res = await call('stranger', 'POST', '/questions', { ...newQuestion, topic: 'source-plans', province: 'quang-tri' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('topic_forbidden');
  });
});

const campaign = {
  title: { vi: 'Ngày hội chuyển đổi số của trường', en: 'School digital transformation day' },
  facts: ['N09'],
  bots: ['demo'],
  events: [
    {
      title: { vi: 'Ngày hội chuyển đổi số', en: 'Digital transformation day' },
      date: '2027-03-20',
      time: '14:00',
      reminderDaysBefore: [2, 0],
      reminderTime: '07:30',
      message: { text: { vi: 'Còn {{daysLeft}} ngày đến {{title}} ({{date}}).', en: '{{daysLeft}} day(s) to {{title}} ({{date}}).' } },
    },
  ],
};

describe('campaigns', () => {
  it('previews every reminder with local dates and times, saves, and changes only what is named', async () => {
    const preview = await call('author', 'POST', '/campaigns/preview', campaign);
    expect(preview.status).toBe(200);
    expect(preview.body.reminders.map((r: { localDay: string; localTime: string }) => `${r.localDay} ${r.localTime}`)).toEqual([
      '18/03/2027 07:30',
      '20/03/2027 14:00',
    ]);
    expect(preview.body.reminders[0].text.vi).toBe('Còn 2 ngày đến Ngày hội chuyển đổi số (20/03/2027).');
    const created = await call('author', 'POST', '/campaigns', campaign);
    expect(created.status).toBe(200);
    const id = created.body.value.id;
    expect(rt.content.bots.find((b) => b.id === 'demo')?.campaigns).toContain(id);
    const patched = await call('author', 'PATCH', `/campaigns/${id}`, { title: { vi: 'Ngày hội số của trường', en: 'School digital day' } });
    expect(patched.body.value.events[0]).toMatchObject({ date: '2027-03-20', reminderDaysBefore: [2, 0] });
    const read = await call('author', 'GET', `/campaigns/${id}`);
    expect(read.body.reminders).toHaveLength(2);
  });

  it('never plans a reminder for an event that has ended', async () => {
    const ended = {
      ...campaign,
      events: [{ ...campaign.events[0], date: undefined, yearly: '03-20', until: '2026-06-30' }],
    };
    const preview = await call('author', 'POST', '/campaigns/preview', ended);
    expect(preview.status).toBe(200);
    expect(preview.body.reminders).toEqual([]);
  });
});

describe('contests', () => {
  it('creates a contest for a bot, lists it, and changes only the fields named', async () => {
    const created = await call('author', 'POST', '/contests', {
      bot: 'demo',
      title: { vi: 'Cuộc thi mùa xuân 2028', en: 'Spring contest 2028' },
      window: { start: '2028-03-01', end: '2028-03-31' },
      questionsPerAttempt: 5,
      timeLimitMinutes: 10,
      topics: ['digital-skills'],
      prizes: { individual: { first: 1, second: 1, third: 1, consolation: 2 }, collective: { first: 1, second: 0, third: 0, consolation: 0 } },
    });
    expect(created.body).toMatchObject({ value: { bot: 'demo' } });
    const id = created.body.value.id;
    const list = await call('author', 'GET', '/contests/setup?bot=demo');
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(['demo-contest', id]));
    const patched = await call('author', 'PATCH', `/contests/${id}`, { timeLimitMinutes: 12 });
    expect(patched.body.value).toMatchObject({ timeLimitMinutes: 12, questionsPerAttempt: 5, topics: ['digital-skills'], bot: 'demo' });
    expect((await call('stranger', 'PATCH', `/contests/${id}`, { timeLimitMinutes: 3 })).status).toBe(403);
  });
});

describe('pickers: topics by name, facts by their text', () => {
  const botTopics = (bot: string) => rt.content.bots.find((b) => b.id === bot)!.topics;

  it('offers an organiser the topics of their bots only, by name in the caller’s language; another bot is 403', async () => {
    const mine = await call('author', 'GET', '/topics');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((x: { id: string }) => x.id).sort()).toEqual([...botTopics('demo')].sort());
    const names = mine.body.items.map((x: { name: string }) => x.name);
    expect(names).toContain('Kỹ năng số, tổ công nghệ số cộng đồng');
    for (const x of mine.body.items as Array<{ id: string; name: string }>) expect(x.name).not.toBe(x.id);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b, 'vi')));
    const en = await call('author', 'GET', '/topics?bot=demo', undefined, 'en');
    expect(en.body.items.map((x: { name: string }) => x.name)).toContain('Digital skills and community digital teams');
    expect((await call('author', 'GET', '/topics?bot=bac-kan-ldld')).status).toBe(403);
    // A bot named: that bot's topics (the contest form's picker follows its bot).
    const stranger = await call('admin', 'GET', '/topics?bot=bac-kan-ldld');
    expect(stranger.body.items.map((x: { id: string }) => x.id).sort()).toEqual([...botTopics('bac-kan-ldld')].sort());
    const all = await call('admin', 'GET', '/topics');
    expect(all.body.items.length).toBeGreaterThanOrEqual(new Set(rt.content.bots.flatMap((b) => b.topics)).size);
  });

  it('finds facts by words of their Vietnamese text typed without diacritics, closest first, and reads chosen ones back by id', async () => {
    const found = await call('author', 'GET', `/facts?q=${encodeURIComponent('to cong nghe so cong dong')}`);
    expect(found.status).toBe(200);
    expect(found.body.items[0]).toMatchObject({ id: 'S04', text: expect.stringContaining('Tổ công nghệ số cộng đồng được lập ở thôn') });
    expect(found.body.items[0].document).toMatch(/^Văn bản 793\/BTTTT-THH ngày 05\/3\/2022/);
    expect(found.body.items.length).toBeLessThanOrEqual(20);
    const en = await call('author', 'GET', '/facts?ids=N09,S04,KHONG-CO', undefined, 'en');
    expect(en.body.items.map((f: { id: string }) => f.id)).toEqual(['N09', 'S04']);
    expect(en.body.items[0].text).toContain('National Digital Transformation Day');
    expect(en.body.items[0].document).toMatch(/^Decision 505\/QĐ-TTg/);
  });

  it('an unknown fact id sent through the API is still a 400 naming it', async () => {
    const q = await call('author', 'POST', '/questions', { ...newQuestion, question: `${newQuestion.question} (bản thử căn cứ)`, facts: ['S04', 'Z99'] });
    expect(q.status).toBe(400);
    expect(JSON.stringify(q.body.error.details)).toContain('Z99');
    const c = await call('author', 'POST', '/campaigns', { ...campaign, title: { vi: 'Thử căn cứ' }, facts: ['Z98'] });
    expect(c.status).toBe(400);
    expect(JSON.stringify(c.body.error.details)).toContain('Z98');
  });

  it('a campaign message without its English text is a 400 naming the field, not a server error', async () => {
    const r = await call('author', 'POST', '/campaigns/preview', {
      ...campaign,
      title: { vi: 'Thử lời nhắc' },
      events: [{ ...campaign.events[0], message: { text: { vi: 'Mời tham gia {{title}}' } } }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.details.fields.map((f: { field: string }) => f.field)).toContain('events.0.message');
  });
});

describe('unit lists', () => {
  it('finds a bot’s units by name without diacritics, imports a list and edits a size', async () => {
    const found = await call('author', 'GET', `/units?bot=demo&q=${encodeURIComponent('so y te')}`);
    expect(found.body.items).toEqual([expect.objectContaining({ listId: 'demo', unitId: 'cdcs-so-yte', name: 'CĐCS Sở Y tế' })]);
    const csv = 'Tên đơn vị,Số đoàn viên,Đơn vị cấp trên\nCĐCS Sở Y tế,42,\nCĐCS Bệnh viện tỉnh,120,CĐCS Sở Y tế\n';
    const upload = (query: string) =>
      fetch(`${rt.url}/api/v1/unit-lists/demo/import${query}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.author}`, 'Content-Type': 'text/csv', 'Accept-Language': 'vi' },
        body: csv,
      });
    // The demo list is a sample ("Danh sách mẫu…"): an import that does not name it is refused, in words.
    const unnamed = await upload('');
    expect(unnamed.status).toBe(400);
    const refusal = (await unnamed.json()) as { error: { code: string; message: string } };
    expect(refusal.error).toMatchObject({ code: 'unit_list_label_required' });
    expect(refusal.error.message).toContain('đặt tên cho danh sách đơn vị');
    const res = await upload(`?label=${encodeURIComponent('Công đoàn Sở Y tế 2026')}`);
    expect(res.status).toBe(200);
    const list = (await call('author', 'GET', '/unit-lists')).body.items.find((l: { id: string }) => l.id === 'demo');
    // The list is named by the import and is no longer a sample; the bot still names it by its id.
    expect(list).toMatchObject({ label: 'Công đoàn Sở Y tế 2026', example: false, bots: ['demo'] });
    expect(rt.content.bots.find((b) => b.id === 'demo')?.units).toBe('demo');
    expect(list.units).toEqual([
      { id: 'cdcs-so-yte', name: 'CĐCS Sở Y tế', size: 42 },
      expect.objectContaining({ name: 'CĐCS Bệnh viện tỉnh', size: 120, parent: 'cdcs-so-yte' }),
    ]);
    const patched = await call('author', 'PATCH', '/unit-lists/demo', { units: [{ id: 'cdcs-so-yte', size: 50 }] });
    expect(patched.body.units[0]).toEqual({ id: 'cdcs-so-yte', name: 'CĐCS Sở Y tế', size: 50 });
    expect(await db.models.Unit.findOne({ listId: 'demo', unitId: 'cdcs-so-yte' }).lean()).toMatchObject({ size: 50, retiredAt: null });
  });

  it('a bad row is named by row and column, and nothing is saved', async () => {
    const res = await fetch(`${rt.url}/api/v1/unit-lists/demo/import?label=Danh%20s%C3%A1ch%20m%E1%BB%9Bi`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${tokens.author}`, 'Content-Type': 'text/csv', 'Accept-Language': 'vi' },
      body: 'name,size\nCĐCS Sở Y tế,bốn mươi\n',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { content: Array<{ row: number; column: string }> } } };
    expect(body.error.code).toBe('content_rows_rejected');
    expect(body.error.details.content[0]).toMatchObject({ row: 2, column: 'size' });
  });

  it('an unknown unit id is a 400 naming it, in broadcasts and statistics', async () => {
    const preview = await call('author', 'POST', '/broadcasts/preview', { text: { vi: 'Chào' }, audience: { bots: ['demo'], units: ['cdcs-khong-co'] } });
    expect(preview.status).toBe(400);
    expect(preview.body.error).toMatchObject({ code: 'unit_unknown' });
    expect(preview.body.error.message).toContain('cdcs-khong-co');
    // A unit of another bot's list is unknown to this bot.
    const leaderboard = await call('author', 'GET', '/stats/leaderboard?bot=demo&unitId=ldld-cho-don');
    expect(leaderboard.status).toBe(400);
  });
});

describe('two layers', () => {
  it('edits survive a restart with a sync of the shipped YAML, which reports no conflict', async () => {
    const before = rt.content.questions.length;
    await rt.stop();
    rt = await startRuntime(db.config(env));
    expect(rt.content.questions.length).toBe(before);
    expect(rt.content.unitLists.find((l) => l.id === 'demo')?.units.map((u) => u.name)).toEqual(['CĐCS Sở Y tế', 'CĐCS Bệnh viện tỉnh']);
    expect(await db.models.Unit.countDocuments({ listId: 'demo', retiredAt: null })).toBe(2);
  });
});
