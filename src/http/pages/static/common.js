// Shared by the admin pages: translations (vi default, en toggle) and fetch with the CSRF header.
const LANG_KEY = 'cds-admin-lang';
let dict = {};
let csrf = null;

export const lang = () => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'vi');

/** Looks up `a.b.c` in admin.json and fills {{vars}}; falls back to the key. */
export function t(key, vars = {}) {
  const v = key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), dict);
  if (typeof v !== 'string') return key;
  return v.replace(/\{\{(\w+)\}\}/g, (_m, name) => String(vars[name] ?? ''));
}

/** Translates every [data-i18n] (text) and [data-i18n-placeholder] element under root. */
export function translate(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.documentElement.lang = lang();
}

export async function loadTranslations() {
  const res = await fetch(`/admin/i18n/${lang()}.json`);
  dict = res.ok ? await res.json() : {};
  translate();
}

/** Wires a button that switches vi <-> en and re-renders via `onChange`. */
export function languageToggle(button, onChange) {
  button.addEventListener('click', async () => {
    localStorage.setItem(LANG_KEY, lang() === 'vi' ? 'en' : 'vi');
    await loadTranslations();
    onChange?.();
  });
}

export const setCsrf = (token) => {
  csrf = token;
};

/**
 * JSON fetch; writes carry the session's CSRF token, and `Accept-Language` asks the server to answer
 * errors in the page's language. Throws an Error with the server's message, its status, code and
 * details (the fields at fault); a network failure has status 0.
 */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': lang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch {
    throw Object.assign(new Error(t('error.network')), { status: 0 });
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = new Error(data?.error?.message ?? t('error.status', { status: res.status }));
    err.status = res.status;
    err.code = data?.error?.code;
    err.details = data?.error?.details;
    throw err;
  }
  return data;
}

/**
 * What went wrong, in the page's language: the fields at fault under the form's own labels
 * (`labels` maps a field path, or its start, to a label) when the form has a label for each,
 * else the server's message (already in the page's language).
 */
export function errorText(err, labels = {}) {
  const fields = err.details?.fields;
  const labelOf = (field) => {
    const key = Object.keys(labels)
      .sort((a, b) => b.length - a.length)
      .find((k) => field === k || field.startsWith(`${k}.`));
    return key === undefined ? undefined : labels[key];
  };
  if (Array.isArray(fields) && fields.length && fields.every((f) => f.rule && labelOf(f.field) !== undefined)) {
    return t('error.fields', { fields: [...new Set(fields.map((f) => `${labelOf(f.field)}: ${f.message}`))].join('; ') });
  }
  return t('error.generic', { message: err.message });
}

const NUMBER_LOCALE = { vi: 'vi-VN', en: 'en-GB' };
const ZONE = 'Asia/Ho_Chi_Minh';
/** The page language's way of writing numbers and dates. */
export const numberLocale = () => NUMBER_LOCALE[lang()];
export const fmt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString(numberLocale()));
/**
 * A rate (0.0333) as "3,3%" in Vietnamese, "3.3%" in English (in the page's language unless `lng`
 * says), "–" when unknown: the server's `formatPercent` (src/domain/participation.ts), the same
 * arithmetic (one decimal at most, no space before the sign). tests/e2e/admin.test.ts runs both on
 * the cases of tests/fixtures/percent-cases.ts.
 */
export const pct = (v, lng = lang()) =>
  v === null || v === undefined
    ? '–'
    : `${(Math.round(Number(v) * 1000) / 10).toLocaleString(NUMBER_LOCALE[lng], { maximumFractionDigits: 1, useGrouping: false })}%`;
/** A stored UTC instant as people here read it: dd/MM/yyyy HH:mm in Asia/Ho_Chi_Minh. */
export function localTime(d) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(d))
      .map((x) => [x.type, x.value]),
  );
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}
/** A stored UTC instant as the value of a datetime-local input in Asia/Ho_Chi_Minh: 2026-10-10T08:00. */
export function localInputValue(d) {
  const [date, time] = localTime(d).split(' ');
  const [day, month, year] = date.split('/');
  return `${year}-${month}-${day}T${time}`;
}
/** A day `2026-10-10` as 10/10/2026. */
export const localDay = (day) => (day ? day.split('-').reverse().join('/') : '');

let botInfo = [];
/** The bots' names (session.botInfo), so pickers and tables show names, not ids. */
export const setBots = (info) => {
  botInfo = Array.isArray(info) ? info : [];
};
export const bots = () => botInfo;
export function botName(id) {
  const b = botInfo.find((x) => x.id === id);
  return b ? (lang() === 'en' ? (b.name.en ?? b.name.vi) : b.name.vi) : id;
}

/** Text without diacritics, lower case, for searching Vietnamese names typed with or without marks. */
export const fold = (s) =>
  String(s)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();

/** Creates an element: el('td', { class: 'x' }, 'text', child). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  return e;
}
