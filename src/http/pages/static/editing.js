// Shared by the content editors (questions, reminders, contests, units, change log): their sections,
// nav links, and the way they say a refused save (each content check in the page's language).
import { api, el, lang, t, translate } from './common.js';

export const $ = (id) => document.getElementById(id);
export const tx = (key, vars) => t(`editor.${key}`, vars);
/** Text in the page's language from a `{ vi, en }` pair. */
export const said = (pair) => (pair ? (lang() === 'en' ? (pair.en ?? pair.vi) : pair.vi) : '');
export const topicName = (id) => {
  const name = t(`topicName.${id}`);
  return name === `topicName.${id}` ? id : name;
};
export const notice = (box, text, error = false) => box.replaceChildren(el('div', { class: error ? 'notice error' : 'notice' }, text));

/** Every topic that has a name (content/locales/<lng>/common.json), as the pickers offer them. */
export async function topicIds() {
  const res = await fetch(`/admin/i18n/${lang()}.json`);
  return res.ok ? Object.keys((await res.json()).topicName ?? {}) : [];
}

/** What a refused save or import says: the message, then each check (by row and column, or by field). */
export function problemList(err) {
  const content = err.details?.content ?? [];
  const fields = err.details?.fields ?? [];
  const field = (f) => tx(`field.${String(f).split('.')[0]}`);
  const lines = [
    ...content.map((c) =>
      c.row
        ? tx('common.rowProblem', { row: c.row, column: c.column ?? '', message: c.message })
        : c.field
          ? tx('common.fieldProblem', { field: field(c.field), message: c.message })
          : c.message,
    ),
    ...fields.map((f) => tx('common.fieldProblem', { field: field(f.field), message: f.message })),
  ];
  return el(
    'div',
    { class: 'notice error' },
    el('p', {}, err.message),
    lines.length ? el('ul', { class: 'problems' }, ...lines.map((l) => el('li', {}, l))) : null,
  );
}

/** Sends a chosen CSV or XLSX file as the body of a POST; answers like `api()`. */
export async function upload(path, file, csrf) {
  const type = file.name.toLowerCase().endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv';
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': type, 'Accept-Language': lang(), 'X-CSRF-Token': csrf }, body: file });
  const data = await res.json().catch(() => null);
  if (!res.ok)
    throw Object.assign(new Error(data?.error?.message ?? String(res.status)), { status: res.status, code: data?.error?.code, details: data?.error?.details });
  return data;
}

/** Adds a section to the page (after the last one) and its link to the nav (before "Thử chatbot"). */
export function addSection(id, navKey, html) {
  const section = el('section', { id });
  section.innerHTML = html;
  document.querySelector('main').append(section);
  const link = el('a', { href: `#${id}`, dataset: { i18n: `editor.nav.${navKey}` } }, tx(`nav.${navKey}`));
  document.querySelector('header nav a[href="/simulator"]').before(link);
  translate(section);
  return section;
}

/** Comma- or line-separated values, trimmed, empty ones left out. */
export const listOf = (text, sep = /[,\n]/) =>
  String(text ?? '')
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean);

/** The session the page opened with (admin.js announces it once it is logged in). */
export function whenReady(init) {
  document.addEventListener('cds:ready', (e) => init(e.detail));
}
/** Redraw on a language switch. */
export const onRelabel = (fn) => document.addEventListener('cds:relabel', fn);
export { api, el, t };
