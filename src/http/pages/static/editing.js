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

/**
 * The topics the caller may give a question or a contest (GET /topics), `{ id, name }` with names in
 * the page's language, sorted by name: their bots' topics, or one bot's. The server refuses any
 * other topic of an organiser, so the pickers offer these and nothing else.
 */
export async function topicsFor(bot) {
  return (await api(`/api/v1/topics${bot ? `?${new URLSearchParams({ bot })}` : ''}`)).items;
}

/** Fills a topic <select> with `{ id, name }` options, keeping the chosen ones (and a chosen topic no longer offered, by its name). */
export function fillTopics(select, topics, chosen = [...select.selectedOptions].map((o) => o.value)) {
  const kept = chosen.filter((id) => id && !topics.some((x) => x.id === id)).map((id) => ({ id, name: topicName(id) }));
  select.replaceChildren(...[...topics, ...kept].map((x) => el('option', { value: x.id, selected: chosen.includes(x.id) }, x.name)));
}

/** At most `n` characters of a text, cut at a word, with "…". */
const shorten = (text, n) => (text.length <= n ? text : `${text.slice(0, n).replace(/\s+\S*$/, '')}…`);

/**
 * A picker of facts from the fact base (GET /facts), found by words of their text or document, with
 * or without diacritics: the organiser never types a fact's code. Each chosen fact shows its short
 * text and its document; the form reads the ids with `value()` and fills them with `set(ids)`.
 * `prefix` names its parts: `<prefix>-chosen` (chips), `<prefix>-search`, `<prefix>-options`.
 */
export function factPicker(container, prefix) {
  const state = { chosen: [], known: new Map(), found: [], timer: null, asked: 0 };
  const chosenBox = el('div', { id: `${prefix}-chosen`, class: 'chips facts', 'aria-live': 'polite' });
  const search = el('input', { id: `${prefix}-search`, type: 'search', autocomplete: 'off', dataset: { i18nPlaceholder: 'editor.common.factSearch' } });
  search.placeholder = tx('common.factSearch');
  const list = el('ul', { id: `${prefix}-options`, class: 'options', role: 'listbox' });
  container.replaceChildren(el('div', { class: 'unit-picker fact-picker' }, chosenBox, search, list));

  const label = (id) => state.known.get(id);
  function drawChosen() {
    chosenBox.replaceChildren(
      ...(state.chosen.length
        ? state.chosen.map((id) => {
            const f = label(id);
            return el(
              'span',
              { class: 'chip fact', dataset: { fact: id }, title: f ? `${f.text}\n${f.document}` : '' },
              el('span', {}, f ? shorten(f.text, 90) : tx('common.factUnknown'), f ? el('small', { class: 'muted' }, ` · ${shorten(f.document, 60)}`) : null),
              el('button', { type: 'button', class: 'link', 'aria-label': tx('common.factRemove'), onclick: () => toggle(id) }, '×'),
            );
          })
        : [el('span', { class: 'muted' }, tx('common.factNone'))]),
    );
  }
  function drawOptions() {
    const q = search.value.trim();
    const shown = q ? state.found.filter((f) => !state.chosen.includes(f.id)) : [];
    list.replaceChildren(
      ...shown.map((f) =>
        el(
          'li',
          { role: 'option', tabindex: '0', dataset: { fact: f.id }, onclick: () => toggle(f.id) },
          el('div', {}, shorten(f.text, 160)),
          el('small', { class: 'muted' }, f.document),
        ),
      ),
      ...(q && state.found.length === 0 && state.asked === 0 ? [el('li', { class: 'muted' }, tx('common.factNoneFound'))] : []),
    );
  }
  async function find() {
    const q = search.value.trim();
    if (!q) return ((state.found = []), drawOptions());
    state.asked++;
    try {
      const r = await api(`/api/v1/facts?${new URLSearchParams({ q })}`);
      // A slower answer to an older search never replaces a newer one.
      if (q !== search.value.trim()) return;
      state.found = r.items;
      for (const f of r.items) state.known.set(f.id, f);
    } finally {
      state.asked--;
    }
    drawOptions();
  }
  function toggle(id) {
    state.chosen = state.chosen.includes(id) ? state.chosen.filter((x) => x !== id) : [...state.chosen, id];
    search.value = '';
    state.found = [];
    drawChosen();
    drawOptions();
    container.dispatchEvent(new Event('input', { bubbles: true }));
  }
  search.addEventListener('input', () => {
    clearTimeout(state.timer);
    state.timer = setTimeout(() => void find(), 200);
  });
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const first = list.querySelector('li[data-fact]');
    if (first) toggle(first.dataset.fact);
  });
  return {
    value: () => [...state.chosen],
    /** Shows these ids as chosen, with their text (one request for those not seen yet). */
    async set(ids) {
      state.chosen = [...(ids ?? [])];
      search.value = '';
      state.found = [];
      const missing = state.chosen.filter((id) => !state.known.has(id));
      if (missing.length) for (const f of (await api(`/api/v1/facts?${new URLSearchParams({ ids: missing.join(',') })}`)).items) state.known.set(f.id, f);
      drawChosen();
      drawOptions();
    },
    /** After a language change: the texts again, in the page's language. */
    async relabel() {
      search.placeholder = tx('common.factSearch');
      state.known.clear();
      await this.set(state.chosen);
    },
  };
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
